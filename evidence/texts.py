"""What the reader (/texts) needs, made at build time and kept in the store: each document's record
and paragraphs with its notes, and every citation of every feature with the passage it points at.

Kept in the store rather than read from data/texts by the web app, so a build (a release) carries
the texts its citations point into.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from evidence import citations, passages
from evidence.dates import parse_partial
from evidence.documents import TEXTS, Document, documents


def documents_meta(root: Path = TEXTS, covered: dict | None = None) -> dict[str, dict]:
    """{document id: its record, licence, label, rendered reference, paragraphs and notes}, and, with the
    coverage report (layers.coverage.report), each paragraph's reason where no record cites it."""
    return {doc.id: _document(doc, root, (covered or {}).get(doc.id)) for doc in documents(root).values()}


def _document(doc: Document, root: Path, covered: dict | None) -> dict:
    tables = citations.note_tables(root)[doc.id]
    reasons = {r["index"]: r["reason"] for r in (covered or {}).get("paragraphs", []) if r["index"] is not None}
    return {
        "id": doc.id,
        "label": doc.label,
        "shipped": doc.shipped,
        "licence": doc.licence,
        "licence_url": doc.licence_url,
        "licence_basis": doc.licence_basis,
        "csl": citations.document_item(doc),
        "reference": citations.render_document(doc),
        "paragraphs": [_paragraph(doc, p, reasons) for p in passages.paragraphs(doc)]
        if doc.shipped != "record"
        else [],
        "notes": {key: _note(doc, note) for key, note in tables.items()},
        "coverage": (covered or {}).get("counts"),
    }


def _paragraph(doc: Document, paragraph: passages.Paragraph, reasons: dict) -> dict:
    out = {k: v for k, v in asdict(paragraph).items() if k in ("index", "kind", "text", "line", "note", "raw")}
    out["markers"] = [[start, end, key] for start, end, key in passages.markers(doc, paragraph)]
    out["uncited"] = reasons.get(paragraph.index)  # why no record cites it (the coverage table), or None
    return out


def _note(doc: Document, note: dict) -> dict:
    """A note as the reader shows it: its text as printed and each of its references rendered."""
    refs = [r for r in note["refs"] if r["type"] != "explanatory"]
    rendered = [citations.render(citations.render_item(r, doc), *citations.render_locator(r)) for r in refs]
    return {"text": note["text"], "references": rendered}


def citation_rows(layers: dict) -> list[dict]:
    """One row per (feature, citation): the layer, the feature's id, name and first year, and the passage."""
    rows = []
    for layer, frame in layers.items():
        if "sources" not in frame:
            continue
        names = frame["name"] if "name" in frame else [None] * len(frame)
        starts = frame["start"] if "start" in frame else [None] * len(frame)
        for fid, name, start, row in zip(frame["id"], names, starts, _cells(frame), strict=True):
            seen = set()
            for cite in (c for c in citations.within(row) if "reference" in c):  # resolved ones
                key = (cite["document"], cite["quote"])
                if key in seen:
                    continue
                seen.add(key)
                rows.append(_row(layer, fid, name, start, cite))
    return rows


def _row(layer: str, fid: str, name, start, cite: dict) -> dict:
    year = parse_partial(str(start))[0].year if isinstance(start, str) and start else None
    anchor = cite["passage"].split("#")[1] if cite.get("passage") else None
    keys = ("document", "cited_as", "note", "locator", "reference", "quote", "passage")
    return {"layer": layer, "id": fid, "name": name, "year": year, "anchor": anchor} | {k: cite.get(k) for k in keys}


def _cells(frame) -> list[list]:
    """Each row's cells that can hold citations (lists and mappings), without the geometry."""
    columns = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
    return [[v for v in row if isinstance(v, (list, dict))] for row in frame[columns].itertuples(index=False)]
