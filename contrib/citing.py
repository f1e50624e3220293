"""Citations of contributed records, in the atlas's model (evidence.citations): read back from a download's
resolved form, or from the template's cite_* columns.

A record cites a document of data/texts ({document, note, locator, quote}) or an archival file directly
({archive, fond, opis, delo, locator, quote, note}); `layers.sources.check_citation` checks both.
"""

from __future__ import annotations

import re

from evidence import citations

ARCHIVAL = re.compile(
    r"^(?P<archive>.+?),\s*(?:f|ф)\.\s*(?P<fond>[^,]+?),\s*(?:op|оп)\.\s*(?P<opis>[^,]+?),\s*(?:d|д)\.\s*(?P<delo>[^,]+?)\.?$",
    re.I,
)
ARCHIVE_FORM = "ARCHIVE, f. FOND, op. OPIS, d. DELO (SGA KNB RK, f. 9, op. 1, d. 438)"


def to_source(value):
    """A copy of a value with every resolved citation in it (a download's form) back in its source form."""
    if citations.is_citation(value) and "reference" in value:
        return _source_form(value)
    if isinstance(value, dict):
        return {k: to_source(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_source(v) for v in value]
    return value


def _source_form(cite: dict) -> dict:
    if cite.get("document") is None:
        keys = ("archive", "fond", "opis", "delo", "locator", "quote")
        return {k: cite.get(k) for k in keys} | {"note": cite.get("comment")}
    out = {"document": cite["document"], "note": _note(cite.get("note")), "quote": cite.get("quote")}
    out["locator"] = None if cite.get("locator") == _derived_locator(out) else cite.get("locator")
    return out | ({"note_basis": cite["note_basis"]} if cite.get("note_basis") else {})


def _note(value):
    """A note as data/sources writes it: 46 for a footnote number, "6.2" for a note by page."""
    text = None if value is None else str(value)
    return int(text) if text is not None and text.isdigit() else text


def _derived_locator(cite: dict):
    """The locator the note's own reference gives (what resolve shows when the record names none)."""
    try:
        return citations.resolve({**cite, "locator": None})["locator"]
    except (KeyError, ValueError):
        return None


def from_columns(cells: dict) -> dict | None:
    """The citation of the cite_* columns, or None when they are all empty.

    cite_document (a document id of the atlas) with cite_note, or cite_archive ("SGA KNB RK, f. 9, op. 1,
    d. 438"); cite_locator; cite_quote and/or cite_comment.
    """
    given = {k: cells.get("cite_" + k) for k in ("document", "note", "archive", "locator", "quote", "comment")}
    given = {k: (str(v).strip() if v is not None else None) for k, v in given.items()}
    given = {k: v or None for k, v in given.items()}
    if not any(given.values()):
        return None
    if given["archive"] is not None and given["document"] is None:
        return archival(given["archive"]) | {k: given[k] for k in ("locator", "quote")} | {"note": given["comment"]}
    cite = {"document": given["document"], "note": _note(given["note"]), "quote": given["quote"]}
    return cite | {"locator": given["locator"]}


def archival(text: str) -> dict:
    """{archive, fond, opis, delo} of "SGA KNB RK, f. 9, op. 1, d. 438"; ValueError naming the form otherwise."""
    match = ARCHIVAL.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an archival file; allowed: {ARCHIVE_FORM}")
    return {k: match[k].strip() for k in ("archive", "fond", "opis", "delo")}
