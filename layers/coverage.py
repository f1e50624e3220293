"""Every paragraph accounted for: each document's coverage table, checked against the records that cite it.

A document that ships text has a table, `data/texts/<document>.coverage.yaml`, with one entry per paragraph
of its copy (headings and excerpt gaps aside) and per footnote:

    - {line: 248, words: Involving the population in}          # a body paragraph or table: where it starts
    - {line: 56, words: "*Relevance.* The issue of", reason: "background: what a border regime is"}
    - {note: "54", reason: "historiography: Shemetova's book on trade to 1922"}   # a footnote: its key

The key is the line of the copy the paragraph starts on (`line`, with its first `words` as a check), or a
footnote's key (`note`: "46", or "6.2" for Shemetova 2020's page.number). Both survive any edit of the atlas:
the copies are fixed (their sha256 is in documents.yaml), and neither the paragraphs' order nor their
wording in the reader enters the key. An excerpted document's table lists the paragraphs of the whole
copy, shipped or not: a shipped piece of a paragraph (an excerpt block may begin inside one) belongs to
the last entry at or before its first line.

Which records cite a paragraph is not written here: the build finds them (a record's quote found in the
paragraph; for a footnote, a record naming that note). A paragraph no record cites needs a `reason`,
"category: why", its category one of REASONS. The build fails on a paragraph with neither, on a paragraph
missing from the table, and on an entry that matches no paragraph, naming the file, the paragraph and its
first words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evidence import citations, passages
from evidence.documents import TEXTS, Document, documents
from layers.errors import DataError
from layers.sources import LINE, check_fields, load_yaml

SUFFIX = ".coverage.yaml"
KINDS = ("body", "note", "table")  # what the table accounts for: paragraphs, footnotes and tables
WORDS = 5  # how many first words an entry gives
REASONS = {
    "front matter": "the title block, the authors, the abstract, keywords, funding, how to cite the article",
    "back matter": "the dates of submission, the list of references, the authors' details",
    "historiography": "what other scholars have written on the subject",
    "method": "the study's purpose and the sources it uses",
    "background": "general context that no layer of the atlas holds as a dated or placed fact",
    "out of the period": "what happened before 1918 or after 1940",
    "out of the section": "another border, region or country than the Kazakh–Xinjiang section",
    "not mappable": "a judgement, an assessment or a general statement with no place, date or count of its own",
    "reference": "a note that gives the reference of a passage no record cites",
}
ENTRY_TYPES = {"line": ("whole",), "words": ("text",), "note": ("whole", "text"), "reason": ("text",)}


@dataclass
class Row:
    """One paragraph of a document as the coverage report shows it."""

    index: int | None  # in the shipped text; None for a paragraph of the copy the atlas does not ship
    kind: str
    key: str  # "line 248" or "note 46"
    words: str
    cited_by: list[dict] = field(default_factory=list)  # [{layer, id, name}]
    reason: str | None = None

    @property
    def category(self) -> str | None:
        return self.reason.split(":", 1)[0] if self.reason and not self.cited_by else None


def table_path(doc: Document) -> Path:
    return doc.root / f"{doc.id}{SUFFIX}"


def read_table(doc: Document) -> list[dict]:
    """The document's coverage entries, checked: a `line` with its `words`, or a `note`; a reason 'category: why'."""
    path = table_path(doc)
    if not path.exists():
        raise DataError(path, None, None, f"{doc.label} ships text but has no coverage table ({path.name})")
    entries = load_yaml(path, list, "paragraphs")
    for entry in entries:
        _check_entry(path, entry)
    keys = [_key(e) for e in entries]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise DataError(path, None, None, f"{twice[0]} is given twice")
    return entries


def _check_entry(path: Path, entry: dict) -> None:
    check_fields(path, {**entry, "id": None}, {"id"}, set(ENTRY_TYPES), ENTRY_TYPES)
    line = entry.get(LINE)
    if ("note" in entry) == ("line" in entry) or ("line" in entry) != ("words" in entry):
        raise DataError(path, line, None, "an entry is {line, words} for a paragraph or {note} for a footnote")
    reason = entry.get("reason")
    if reason is not None and (reason.split(":", 1)[0] not in REASONS or "\n" in reason.strip()):
        allowed = ", ".join(REASONS)
        raise DataError(path, line, None, f"reason {reason!r} must be one line 'category: why', the category one of "
                        f"{allowed}")  # fmt: skip


def _key(entry: dict) -> str:
    return f"note {entry['note']}" if "note" in entry else f"line {entry['line']}"


def first_words(text: str) -> str:
    return " ".join(text.split()[:WORDS])


def accounted(doc: Document, cites: list[dict], *, strict: bool = True) -> list[Row]:
    """Every paragraph of the document with the records that cite it and its reason; DataError on a gap (unless
    not `strict`: then the gaps are rows without either)."""
    entries = read_table(doc)
    path = table_path(doc)
    notes = {f"note {e['note']}" for e in entries if "note" in e}
    rows = {_key(e): Row(None, "note" if "note" in e else "body", _key(e), e.get("words", ""), [], e.get("reason"))
            for e in entries}  # fmt: skip
    lines = {e["line"]: e for e in entries if "line" in e}
    cited = cited_by(doc, cites)
    for paragraph in passages.paragraphs(doc):
        if paragraph.kind not in KINDS:
            continue
        key = _paragraph_key(doc, paragraph, lines, notes, path)
        row = rows[key]
        row.index, row.kind = paragraph.index, paragraph.kind
        row.words = row.words or first_words(paragraph.text)
        row.cited_by += [c for c in cited.get(paragraph.index, []) if c not in row.cited_by]
    _check_all_placed(doc, rows, lines, path)
    gaps = [r for r in rows.values() if not r.cited_by and not r.reason]
    if gaps and strict:
        raise _gap(path, lines, gaps)
    return list(rows.values())


def _paragraph_key(doc: Document, paragraph: passages.Paragraph, lines: dict, notes: set, path: Path) -> str:
    """The entry a shipped paragraph belongs to, or DataError naming it."""
    if paragraph.kind == "note":
        key = f"note {paragraph.note}"
        if key not in notes:
            raise DataError(path, None, None, f"footnote {paragraph.note} (line {paragraph.line} of the copy, "
                            f"“{first_words(paragraph.text)}…”) is not in the table: add it")  # fmt: skip
        return key
    if paragraph.line in lines:
        words = lines[paragraph.line]["words"]
        if not paragraph.text.startswith(words):
            raise DataError(path, lines[paragraph.line][LINE], None, f"the paragraph at line {paragraph.line} begins "
                            f"“{first_words(paragraph.text)}”, not “{words}”")  # fmt: skip
        return f"line {paragraph.line}"
    before = [n for n in lines if n < paragraph.line]
    if doc.shipped == "excerpts" and before:  # a block that begins inside a paragraph of the copy
        return f"line {max(before)}"
    raise DataError(path, None, None, f"the paragraph at line {paragraph.line} of the copy "
                    f"(“{first_words(paragraph.text)}…”) is not in the table: add it")  # fmt: skip


def _check_all_placed(doc: Document, rows: dict[str, Row], lines: dict, path: Path) -> None:
    """In a text shipped in full, every entry matches a paragraph (an excerpt's may lie outside what is shipped)."""
    if doc.shipped != "full":
        return
    stale = [r for r in rows.values() if r.index is None]
    if stale:
        where = lines.get(int(stale[0].key.split()[1])) if stale[0].key.startswith("line") else None
        raise DataError(path, where[LINE] if where else None, None, f"{stale[0].key} matches no paragraph of the text")


def _gap(path: Path, lines: dict, gaps: list[Row]) -> DataError:
    first = gaps[0]
    entry = lines.get(int(first.key.split()[1])) if first.key.startswith("line") else None
    more = f" ({len(gaps) - 1} more after it)" if len(gaps) > 1 else ""
    where = f"paragraph {first.index}" if first.index is not None else "a paragraph the atlas does not ship"
    return DataError(
        path,
        entry[LINE] if entry else None,
        None,
        f"{where} ({first.key} of the copy, “{first.words}…”) is neither cited by a record nor explained: add the "
        f"records it supports, or a reason 'category: why'{more}",
    )


def cited_by(doc: Document, cites: list[dict]) -> dict[int, list[dict]]:
    """{paragraph index: [{layer, id, name}]} of the records whose quote lies in it, or that name its note."""
    by_note = {p.note: p.index for p in passages.paragraphs(doc) if p.kind == "note"}
    out: dict[int, list[dict]] = {}
    for cite in cites:
        if cite.get("document") != doc.id:
            continue
        record = {k: cite.get(k) if isinstance(cite.get(k), str) else None for k in ("layer", "id", "name")}
        place = passages.locate(doc, cite["quote"])
        for index in (place.paragraph if place else None, by_note.get(_note(cite.get("note")))):
            if index is not None and record not in out.setdefault(index, []):
                out[index].append(record)
    return out


def _note(value) -> str | None:
    return None if value is None else str(value)


def citations_in(value, layer: str, ident: str | None = None, name: str | None = None):
    """Every citation of a document in a nested value, as {document, quote, note, layer, id, name}."""
    if isinstance(value, dict):
        ident, name = value.get("id", ident) if isinstance(value.get("id"), str) else ident, value.get("name", name)
        if citations.is_citation(value) and "document" in value:
            yield {"document": value["document"], "quote": value["quote"], "note": value.get("note"),
                   "layer": layer, "id": ident, "name": name}  # fmt: skip
        for item in value.values():
            yield from citations_in(item, layer, ident, name)
    elif isinstance(value, list):
        for item in value:
            yield from citations_in(item, layer, ident, name)


def report(cites: list[dict], root: Path = TEXTS) -> dict:
    """{document id: {"counts": {...}, "paragraphs": [...]}} for every document that ships text."""
    out = {}
    for doc in documents(root).values():
        if doc.shipped == "record":
            continue
        rows = accounted(doc, cites)
        out[doc.id] = {"label": doc.label, "shipped": doc.shipped, "counts": counts(rows),
                       "paragraphs": [_row(r) for r in rows]}  # fmt: skip
    return out


def counts(rows: list[Row]) -> dict:
    """How many paragraphs are cited, explained (by category) and neither, with shares of the whole; the same for
    the body (paragraphs and tables) and the footnotes apart."""
    categories = {c: sum(1 for r in rows if r.category == c) for c in REASONS}
    parts = {part: _tally([r for r in rows if (r.kind == "note") == (part == "footnotes")]) for part in PARTS}
    return _tally(rows) | {"by_reason": {c: n for c, n in categories.items() if n}} | parts


PARTS = ("body", "footnotes")  # the paragraphs (and tables) of a text, and its footnotes


def _tally(rows: list[Row]) -> dict:
    total = len(rows)
    cited = sum(1 for r in rows if r.cited_by)
    explained = sum(1 for r in rows if not r.cited_by and r.reason)
    return {
        "paragraphs": total,
        "cited": cited,
        "explained": explained,
        "neither": total - cited - explained,
        "cited_share": round(cited / total, 3) if total else None,
        "accounted_share": round((cited + explained) / total, 3) if total else None,
    }


def _row(row: Row) -> dict:
    return {"index": row.index, "kind": row.kind, "key": row.key, "words": row.words, "cited_by": row.cited_by,
            "reason": None if row.cited_by else row.reason}  # fmt: skip
