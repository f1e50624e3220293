"""Citations for reference managers: the CSL-JSON items of a set of resolved citations (each source
and the documents it is cited in), and the same as RIS and BibTeX. Zotero imports all three.

What a source was seen through travels with it: an archival file is one item per list and note, its list in
the field for its place in the archive and "Cited in Ablazhey and Zhanbossinova 2026, n. 46" in its genre
(evidence/citations.py), which APA and Chicago print; each format puts them where its readers take them
(docs/provenance.md, "Citations for reference managers").

Text from the data (a contributed archival reference among it) is never structure: a line break becomes a space
in RIS and BibTeX (a RIS line starting "TY  - " or "ER  - " would start or end a record), and BibTeX braces and
backslashes are written as the commands textbraceleft, textbraceright and textbackslash, so that every value's
braces balance as BibTeX counts them (a backslash does not hide a brace from it).
"""

from __future__ import annotations

import json
import re

import bibtexparser
import rispy
from bibtexparser import model

from evidence.citations import within

# CSL type -> (RIS type, BibTeX entry type)
TYPES = {
    "article-journal": ("JOUR", "article"),
    "book": ("BOOK", "book"),
    "chapter": ("CHAP", "incollection"),
    "manuscript": ("MANSCPT", "unpublished"),
    "webpage": ("ELEC", "misc"),
    "dataset": ("DATA", "dataset"),
}
# CSL field -> RIS tags (rispy's names). An archive goes in DB (Zotero's archive) and PB (citation-js's), its
# place in it in AN (Zotero) and AV (citation-js, and Zotero too); the genre in M3 (Zotero's manuscript type).
RIS_FIELDS = {
    "title": ["title"], "container-title": ["secondary_title"], "volume": ["volume"], "issue": ["number"],
    "number": ["custom7"], "publisher": ["publisher"], "publisher-place": ["place_published"], "DOI": ["doi"],
    "language": ["language"], "archive": ["name_of_database", "publisher"],
    "archive_location": ["accession_number", "archive_location"], "genre": ["type_of_work"],
    "version": ["edition"], "ISSN": ["issn"],
}  # fmt: skip
# CSL field -> BibTeX field (biblatex reads `journal` as `journaltitle` and `address` as `location`)
BIBTEX_FIELDS = {
    "title": "title", "volume": "volume", "issue": "number", "number": "eid", "publisher": "publisher",
    "publisher-place": "address", "DOI": "doi", "URL": "url", "ISSN": "issn", "version": "version",
}  # fmt: skip
CONTAINER = {"article": ("journal", "journaltitle"), "incollection": ("booktitle",)}
LANGID = {"ru": "russian", "en": "english"}  # biblatex prints `language`; `langid` only sets the hyphenation


def items(value, documents: dict[str, dict]) -> list[dict]:
    """The distinct CSL-JSON items of every resolved citation in `value`, and of the documents citing them.

    `documents` maps a document id to its CSL-JSON item (the store's texts, or evidence.documents). A work cited
    in several notes is one item whose note names them all.
    """
    found: dict[str, dict] = {}
    for cite in within(value):
        if cite.get("csl"):
            _add(found, cite["csl"])
        if cite.get("document") in documents:
            found.setdefault(cite["document"], documents[cite["document"]])
    return sorted(found.values(), key=lambda item: item["id"])


def _add(found: dict[str, dict], item: dict) -> None:
    known = found.setdefault(item["id"], item)
    notes = known.get("note", "").split("; ")
    if item.get("note") and item["note"] not in notes:
        found[item["id"]] = known | {"note": "; ".join([*notes, item["note"]])}


class _Writer(rispy.RisWriter):
    """RIS as reference managers write it: no numbered header line before each record; AV (the place in an
    archive, which rispy does not name) written too."""

    DEFAULT_MAPPING = rispy.TAG_KEY_MAPPING | {"AV": "archive_location"}

    def set_header(self, count: int) -> str:
        return ""


# Every line break of Unicode (what str.splitlines splits at): each one a space in RIS and BibTeX.
LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


def one_line(value):
    """A text with its line breaks made spaces (each text of a list too)."""
    if isinstance(value, list):
        return [one_line(v) for v in value]
    return LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def to_ris(csl: list[dict]) -> str:
    """The items as RIS, each value on its tag's line."""
    return rispy.dumps([{k: one_line(v) for k, v in _ris(item).items()} for item in csl], implementation=_Writer)


def _ris(item: dict) -> dict:
    entry = {"type_of_reference": TYPES.get(item["type"], ("GEN", "misc"))[0], "id": item["id"]}
    entry |= {tag: v for k, v in item.items() if k in RIS_FIELDS and v for tag in RIS_FIELDS[k]}
    if item.get("author"):
        entry["authors"] = [_name(a) for a in item["author"]]
    parts = _date(item)
    entry |= {"year": str(parts[0])} if parts else {}
    if len(parts) > 1:  # DA: YYYY/MM/DD/ with what is not known left empty
        entry["date"] = "/".join([str(parts[0]), *[f"{p:02d}" for p in parts[1:]], *[""] * (4 - len(parts))])
    first, last = _pages(item.get("page"))
    entry |= {k: v for k, v in (("start_page", first), ("end_page", last)) if v}
    entry |= {"urls": [item["URL"]]} if item.get("URL") else {}
    entry |= {"notes": [item["note"]]} if item.get("note") else {}
    return entry


def to_bibtex(csl: list[dict]) -> str:
    """The items as BibTeX that biblatex reads too (braces kept: names and titles as written)."""
    library = bibtexparser.Library()
    for item in csl:
        library.add(_bibtex(item))
    return bibtexparser.write_string(library)


def _bibtex(item: dict) -> model.Entry:
    kind = TYPES.get(item["type"], ("GEN", "misc"))[1]
    fields = {BIBTEX_FIELDS[k]: _braced(v) for k, v in item.items() if k in BIBTEX_FIELDS and v}
    fields |= {name: _braced(item["container-title"]) for name in CONTAINER.get(kind, ())}
    if item.get("container-title") and kind not in CONTAINER:
        fields["howpublished"] = _braced(item["container-title"])
    fields |= _archived(item) if item.get("archive") else {}
    if item.get("author"):
        fields["author"] = " and ".join(_bibtex_name(a) for a in item["author"])
    parts = _date(item)
    fields |= {"year": str(parts[0])} if parts else {}
    fields |= {"month": str(parts[1])} if len(parts) > 1 else {}  # biblatex: year and month, or date, not both
    if item.get("page"):
        fields["pages"] = _braced(item["page"].replace("-", "--").replace("–", "--"))
    if item.get("note") and not item.get("archive"):
        fields["note"] = _braced(item["note"])
    if item.get("language") in LANGID:
        fields["langid"] = LANGID[item["language"]]
    key = re.sub(r"[^A-Za-z0-9:._-]", "", item["id"]).strip("-") or "item"
    return model.Entry(kind, key, [model.Field(k, v) for k, v in fields.items()])


def _archived(item: dict) -> dict[str, str]:
    """An archival file's fields: where it is, at its list, and what it was seen through in `note`, which classic
    BibTeX and biblatex both print for @unpublished (biblatex prints `howpublished` too: left empty, not to print
    it twice); the same parts as the repository (`publisher`) and the genre (`type`), which neither prints for
    @unpublished, for the readers that take them from there (citation-js, and so APA and Chicago)."""
    place = f"{item['archive']}, {item['archive_location']}"
    seen = item["genre"][:1].lower() + item["genre"][1:] if item.get("genre") else None
    fields = {"note": _braced(f"{place}, {seen}" if seen else place), "publisher": _braced(place)}
    return fields | ({"type": _braced(item["genre"])} if seen else {})


BIBTEX_COMMANDS = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}"}


def _braced(value) -> str:
    """A BibTeX value on one line whose braces balance: the text's own braces and backslashes written as commands."""
    return re.sub(r"[\\{}]", lambda found: BIBTEX_COMMANDS[found[0]], one_line(str(value)))


def _bibtex_name(author: dict) -> str:
    """A person "Family, Given"; a name written as it is (a body, "Border Atlas maintainers") kept whole in braces."""
    return "{" + _braced(author["literal"]) + "}" if author.get("literal") else _braced(_name(author))


def _name(author: dict) -> str:
    return author.get("literal") or f"{author['family']}, {author['given']}"


def _date(item: dict) -> list[int]:
    """The item's date as [year, month, day] (as far as it is known); [] without one."""
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return [int(p) for p in parts[0]]


def _pages(page: str | None) -> tuple[str | None, str | None]:
    if not page:
        return None, None
    parts = re.split(r"[–-]", page, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else None


def to_csl_json(csl: list[dict]) -> str:
    """The items as a CSL-JSON array."""
    return json.dumps(csl, ensure_ascii=False, indent=1)


FORMATS = {  # format -> (writer, media type, file extension)
    "csl-json": (to_csl_json, "application/vnd.citationstyles.csl+json", "json"),
    "ris": (to_ris, "application/x-research-info-systems", "ris"),
    "bibtex": (to_bibtex, "application/x-bibtex", "bib"),
}
