"""A figure's sources: the bibliography of the features drawn, and the caption that cites it in short.

The bibliography is grouped by document: the document's full reference once (as the store's texts give it,
layers/texts.py), then where in it the features are cited, the notes by number, each with the full references
of the archival files and publications it gives (layers/citations.py made them). The caption names each
document by its label (author and year) with its notes, and says what the map shows, when, and which atlas
release, at which URL, it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from layers.citations import cited_sources, where_in
from layers.schema import TITLE
from webapp import vocabulary
from webapp.figure.view import View

SHOWN = ("zones", "border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")  # in this order
BIBLIOGRAPHY = "full references in the figure's bibliography"


@dataclass
class Cited:
    """Where in a document features are cited (a note, or a section of its text), and what the note gives."""

    where: str | None  # "n. 31", "n. 3 (p. 5 of the copy)", "section “…”"; None: the document as a whole
    note: str | None
    sources: list[str] = field(default_factory=list)  # the full references of the files and publications


@dataclass
class Entry:
    """One document of the bibliography (or an archival file cited directly) and where in it it is cited."""

    label: str
    reference: str
    cited: dict[str | None, Cited] = field(default_factory=dict)

    def add(self, citation: dict) -> None:
        where = where_in(citation, self.label)
        entry = self.cited.setdefault(where, Cited(where, citation["note"]))
        source = cited_sources(citation)
        source = source and f"{source}."
        if source and source not in entry.sources:
            entry.sources.append(source)

    def in_order(self) -> list[Cited]:
        """The notes by number, then the parts of the text cited, in order of first use."""
        notes = sorted((c for c in self.cited.values() if c.note), key=lambda c: _number(c.note))
        return notes + [c for c in self.cited.values() if not c.note]

    def short(self) -> str:
        """The caption's short form: "Ablazhey and Zhanbossinova 2026 (text and notes 21, 31)"."""
        notes = [c.where for c in self.in_order() if c.note]
        parts = ["text"] if any(not c.note for c in self.cited.values()) else []
        if notes:
            parts.append(("notes " if len(notes) > 1 else "note ") + _numbers(notes))
        return f"{self.label} ({' and '.join(parts)})" if parts else self.label

    def as_dict(self) -> dict:
        cited = [{"where": c.where, "note": c.note, "sources": c.sources} for c in self.in_order()]
        return {"label": self.label, "reference": self.reference, "cited": cited}


def _numbers(wheres: list[str]) -> str:
    """Notes by number, those of one page of the copy together: "1, 4 (p. 2 of the copy), 3 (p. 5 of the copy)"."""
    groups: list[tuple[str, list[str]]] = []
    for where in wheres:
        number, _, page = where.removeprefix("n. ").partition(" ")
        if groups and groups[-1][0] == page:
            groups[-1][1].append(number)
        else:
            groups.append((page, [number]))
    return ", ".join(f"{', '.join(numbers)} {page}".strip() for page, numbers in groups)


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
                entries.setdefault(key, Entry(label, text.get("reference") or citation["reference"])).add(citation)
    return sorted(entries.values(), key=lambda e: e.label.casefold())


def heading(view: View, frames: dict) -> str:
    """What the figure shows and when: "The Kazakh–Xinjiang border, 1930: border zones, border line, places"."""
    shown = [vocabulary.REGISTRY[cid].TITLE for cid in SHOWN if cid in frames]
    what = ", ".join(s[0].lower() + s[1:] for s in shown) or "nothing of the atlas"
    return f"The Kazakh–Xinjiang border, {view.years_text}: {what}."


def atlas(view: View) -> str:
    """The atlas, its release (pinned) and the map view's URL."""
    return f"{TITLE}. {view.version}. {view.url}"


def caption(view: View, frames: dict, entries: list[Entry]) -> list[str]:
    """The caption's paragraphs: what and when, the atlas and its release, the sources in short."""
    cited = "; ".join(e.short() for e in entries) if entries else "none"
    return [heading(view, frames), atlas(view), f"Sources ({BIBLIOGRAPHY}): {cited}."]


def as_text(view: View, frames: dict, entries: list[Entry]) -> str:
    """The bibliography as plain text, headed by what the figure shows and the atlas it comes from."""
    lines = [f"Sources of the figure: {heading(view, frames)}", atlas(view), ""]
    for entry in entries:
        lines += [entry.label, f"  {entry.reference}"]
        for cited in entry.in_order():
            where = cited.where or "the document as a whole"
            lines += [f"  - {where}: {s}" for s in cited.sources] or [f"  - {where}"]
        lines.append("")
    return "\n".join(lines if entries else [*lines, "No sources: none of the features drawn cites any.", ""])


def as_json(view: View, frames: dict, entries: list[Entry]) -> dict:
    return {
        "figure": {"shows": heading(view, frames), "atlas": atlas(view), "url": view.url},
        "documents": [e.as_dict() for e in entries],
    }
