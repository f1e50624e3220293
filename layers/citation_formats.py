"""Citations for reference managers: the CSL-JSON items of a set of resolved citations (each source
and the documents it is cited in), and the same as RIS and BibTeX. Zotero imports all three.
"""

from __future__ import annotations

import json
import re

import bibtexparser
import rispy
from bibtexparser import model

from layers.citations import is_citation

# CSL type -> (RIS type, BibTeX entry type)
TYPES = {
    "article-journal": ("JOUR", "article"),
    "book": ("BOOK", "book"),
    "chapter": ("CHAP", "incollection"),
    "manuscript": ("MANSCPT", "unpublished"),
    "webpage": ("ELEC", "misc"),
    "dataset": ("DATA", "misc"),
}
# CSL field -> RIS field (rispy's names); DB/AN are where Zotero reads an item's archive and its place in it
RIS_FIELDS = {
    "title": "title", "container-title": "secondary_title", "volume": "volume", "issue": "number",
    "publisher": "publisher", "publisher-place": "place_published", "DOI": "doi", "language": "language",
    "archive": "name_of_database", "archive_location": "accession_number", "ISSN": "issn",
}  # fmt: skip
# CSL field -> BibTeX field
BIBTEX_FIELDS = {
    "title": "title", "volume": "volume", "issue": "number", "publisher": "publisher",
    "publisher-place": "address", "DOI": "doi", "URL": "url", "language": "language", "ISSN": "issn",
}  # fmt: skip
CONTAINER = {"article": "journal", "incollection": "booktitle"}


def items(value, documents: dict[str, dict]) -> list[dict]:
    """The distinct CSL-JSON items of every resolved citation in `value`, and of the documents citing them.

    `documents` maps a document id to its CSL-JSON item (the store's texts, or layers.documents).
    """
    found: dict[str, dict] = {}
    for cite in _citations(value):
        if cite.get("csl"):
            found.setdefault(cite["csl"]["id"], cite["csl"])
        if cite.get("document") in documents:
            found.setdefault(cite["document"], documents[cite["document"]])
    return sorted(found.values(), key=lambda item: item["id"])


def _citations(value):
    if is_citation(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _citations(item)
    elif isinstance(value, list):
        for item in value:
            yield from _citations(item)


class _Writer(rispy.RisWriter):
    """RIS as reference managers write it: no numbered header line before each record."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(csl: list[dict]) -> str:
    """The items as RIS."""
    return rispy.dumps([_ris(item) for item in csl], implementation=_Writer)


def _ris(item: dict) -> dict:
    entry = {"type_of_reference": TYPES.get(item["type"], ("GEN", "misc"))[0], "id": item["id"]}
    entry |= {RIS_FIELDS[k]: v for k, v in item.items() if k in RIS_FIELDS and v}
    if item.get("author"):
        entry["authors"] = [_name(a) for a in item["author"]]
    if item.get("issued", {}).get("date-parts"):
        entry["year"] = str(item["issued"]["date-parts"][0][0])
    first, last = _pages(item.get("page"))
    entry |= {k: v for k, v in (("start_page", first), ("end_page", last)) if v}
    entry |= {"urls": [item["URL"]]} if item.get("URL") else {}
    entry |= {"notes": [item["note"]]} if item.get("note") else {}
    return entry


def to_bibtex(csl: list[dict]) -> str:
    """The items as BibTeX (braces kept: names and titles as written)."""
    library = bibtexparser.Library()
    for item in csl:
        library.add(_bibtex(item))
    return bibtexparser.write_string(library)


def _bibtex(item: dict) -> model.Entry:
    kind = TYPES.get(item["type"], ("GEN", "misc"))[1]
    fields = {BIBTEX_FIELDS[k]: v for k, v in item.items() if k in BIBTEX_FIELDS and v}
    if item.get("container-title"):
        fields[CONTAINER.get(kind, "howpublished")] = item["container-title"]
    if item.get("author"):
        fields["author"] = " and ".join(_name(a) for a in item["author"])
    if item.get("issued", {}).get("date-parts"):
        fields["year"] = str(item["issued"]["date-parts"][0][0])
    if item.get("page"):
        fields["pages"] = item["page"].replace("-", "--")
    notes = [item.get("archive"), item.get("archive_location"), item.get("note")]
    if any(notes):
        fields["note"] = "; ".join(n for n in notes if n)
    key = re.sub(r"[^A-Za-z0-9:_-]", "", item["id"]) or "item"
    return model.Entry(kind, key, [model.Field(k, _braced(v)) for k, v in fields.items()])


def _braced(value) -> str:
    """A BibTeX value whose braces balance: the text's own braces are escaped."""
    return str(value).replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def _name(author: dict) -> str:
    return author.get("literal") or f"{author['family']}, {author['given']}"


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
