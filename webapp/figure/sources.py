"""A figure's sources: the bibliography of the features drawn, and the caption that cites it in short.

The bibliography is grouped by document: the document's full reference once (as the store's texts give it,
evidence/texts.py), then where in it the features are cited, the notes by number, each with the full references
of the archival files and publications it gives (evidence/citations.py made them), or, for a note that gives
none, what the note says (its text as the store's texts hold it) or that its text is not in the copy the atlas
holds. The caption names each document by its short form only (author and year) and says what the map shows,
when, and which atlas release, at which URL, it comes from; the notes are the bibliography's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidence.citations import MISSING, cited_sources, where_in
from layers.schema import TITLE
from webapp import vocabulary
from webapp.figure.view import View

SHOWN = ("zones", "border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")  # in this order
BIBLIOGRAPHY = "full references and notes in the figure's bibliography"


@dataclass
class Cited:
    """Where in a document features are cited (a note, or a section of its text), and what the note gives."""

    where: str | None  # "n. 31", "n. 3 (p. 5 of the copy)", "section “…”"; None: the document as a whole
    note: str | None
    sources: list[str] = field(default_factory=list)  # the full references of the files and publications
    says: str | None = None  # a note that gives none: its text, quoted, or that the copy lacks it


@dataclass
class Entry:
    """One document of the bibliography (or an archival file cited directly) and where in it it is cited."""

    label: str
    reference: str
    notes: dict = field(default_factory=dict)  # the document's notes as the store's texts hold them, by key
    cited: dict[str | None, Cited] = field(default_factory=dict)

    def add(self, citation: dict) -> None:
        where = where_in(citation, self.label)
        entry = self.cited.setdefault(where, Cited(where, citation["note"]))
        source = cited_sources(citation)
        source = source and f"{source}."
        if source and source not in entry.sources:
            entry.sources.append(source)
        entry.says = self.says(entry.note) if entry.note and not entry.sources else None

    def says(self, key: str) -> str:
        """What a note that gives no file or publication says: its text, quoted, or that the copy lacks it."""
        text = (self.notes.get(key) or {}).get("text")
        return f"“{text}”" if text else f"{MISSING}."

    def in_order(self) -> list[Cited]:
        """The notes by number, then the parts of the text cited, in order of first use."""
        notes = sorted((c for c in self.cited.values() if c.note), key=lambda c: _number(c.note))
        return notes + [c for c in self.cited.values() if not c.note]

    def as_dict(self) -> dict:
        cited = [{"where": c.where, "note": c.note, "sources": c.sources, "says": c.says} for c in self.in_order()]
        return {"label": self.label, "reference": self.reference, "cited": cited}


def _number(note: str) -> tuple:
    """A note's sort key: "31" -> (31,), "5.3" (note 3 of page 5) -> (5, 3)."""
    return tuple(int(n) for n in re.findall(r"\d+", note))


def bibliography(frames: dict, texts: dict) -> list[Entry]:
    """The documents the features drawn cite, by label, each with where it is cited (`texts`: the store's)."""
    entries: dict[str, Entry] = {}
    for frame in frames.values():
        for sources in frame["sources"]:
            for citation in sources or []:
                text = texts.get(citation.get("document")) or {}
                label = text.get("label") or citation["cited_as"]
                key = citation.get("document") or citation["reference"]
                entry = Entry(label, text.get("reference") or citation["reference"], text.get("notes") or {})
                entries.setdefault(key, entry).add(citation)
    return sorted(entries.values(), key=lambda e: e.label.casefold())


def heading(view: View, frames: dict) -> str:
    """What the figure shows and when: "The Kazakh–Xinjiang border, 1930: border zones, border line, places"."""
    shown = [vocabulary.REGISTRY[cid].TITLE for cid in SHOWN if cid in frames]
    what = ", ".join(s[0].lower() + s[1:] for s in shown) or "nothing of the atlas"
    only = " (only what the sources date certainly to these years)" if view.certain else ""
    return f"The Kazakh–Xinjiang border, {view.moments_text}{only}: {what}."


def atlas(view: View) -> str:
    """The atlas, its release (pinned) and the map view's URL."""
    return f"{TITLE}. {view.version}. {view.url}"


def caption(view: View, frames: dict, entries: list[Entry]) -> list[str]:
    """The caption's paragraphs: what and when, the atlas and its release, the sources by short form only
    ("Sources: Ablazhey and Zhanbossinova 2026; Shemetova 2020; full references and notes in the figure's
    bibliography.")."""
    cited = [e.label for e in entries] or ["none of the features drawn cites any"]
    return [heading(view, frames), atlas(view), f"Sources: {'; '.join(cited)}; {BIBLIOGRAPHY}."]


def as_text(view: View, frames: dict, entries: list[Entry]) -> str:
    """The bibliography as plain text, headed by what the figure shows and the atlas it comes from."""
    lines = [f"Sources of the figure: {heading(view, frames)}", atlas(view), ""]
    for entry in entries:
        lines += [entry.label, f"  {entry.reference}"]
        for cited in entry.in_order():
            where = cited.where or "the document as a whole"
            lines += [f"  - {where}: {s}" for s in cited.sources or [cited.says] if s] or [f"  - {where}"]
        lines.append("")
    return "\n".join(lines if entries else [*lines, "No sources: none of the features drawn cites any.", ""])


def as_json(view: View, frames: dict, entries: list[Entry]) -> dict:
    return {
        "figure": {"shows": heading(view, frames), "atlas": atlas(view), "url": view.url},
        "documents": [e.as_dict() for e in entries],
    }
