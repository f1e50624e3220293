"""A shipped document as paragraphs: headings, body and notes, the note markers in the body, and
where a quoted passage lies (its paragraph, the note marker that follows it, its section).

Paragraph text is whitespace-collapsed, which is how quotes are compared. A body paragraph cut by
a page's footnotes (it ends without a full stop and footnotes follow) is joined to the next one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache

from evidence.documents import Document, normalized

SUP_MARKER = re.compile(r"<sup>(\d+)</sup>")
SUP_ORDINAL = re.compile(r"<sup>(st|nd|rd|th)</sup>")  # "49<sup>th</sup>": the copy's raised ordinal
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b")
# 001: a footnote number glued to the end of a word or a closing quote ("Казанским1", "Урумчи»3", "г.2")
PAGED_MARKER = re.compile(r"(?<=[а-яёa-z»\.\)])(\d{1,2})(?=[\s.,;:]|$)")
SUP_NOTE = re.compile(r"^<sup>(\d+)</sup>")
PAGED_NOTE = re.compile(r"^\s?(\d{1,2})\.\s+\S")
HEADING = re.compile(r"^#{2,4}\s+")
LINE_BREAK_HYPHEN = re.compile(r"(\w+)- (\w+)")  # a word the copy cut at a line's end, its halves joined by a space
# Words whose own hyphen fell at a line's end in a copy (Shemetova 2020): joined, they keep it.
KEPT_HYPHENS = {"по-прежнему", "эконом-взаимоотношений"}
ENDS_SENTENCE = re.compile(r"[.:!?”\"»)>]$")


@dataclass
class Paragraph:
    """One paragraph of a document's shipped text."""

    index: int
    kind: str  # heading | body | note | table | gap
    text: str  # whitespace collapsed
    line: int  # its first line in the copy
    lines: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, line in the copy)
    note: str | None = None  # for a note paragraph: its key
    raw: list[str] = field(default_factory=list)  # a table's lines as the copy has them

    def line_at(self, offset: int) -> int:
        """The line of the copy that a character of the paragraph's text comes from."""
        line = self.line
        for start, number in self.lines:
            if start > offset:
                break
            line = number
        return line


@dataclass(frozen=True)
class Place:
    """Where a quote lies: its paragraph, its span there, and the note that covers it."""

    paragraph: int
    start: int
    end: int
    note: str | None
    section: str | None


def anchor(document: str, quote: str) -> str:
    """The stable id of a cited passage in the reader (`/texts/<document>#<anchor>`)."""
    digest = hashlib.sha256(f"{document}\n{plain(normalized(quote))}".encode()).hexdigest()
    return f"q-{digest[:10]}"


def plain(quote: str) -> str:
    """A quote as a reader reads it: the copy's raised ordinals as plain text ("49<sup>th</sup>" -> "49th")."""
    return SUP_ORDINAL.sub(r"\1", quote)


def readable(text: str) -> str:
    """A passage as a reader should see it (the data keeps it verbatim): a word the copy cut at a line's end joined
    again ("Мак- сумханов" -> "Максумханов"; a capital after the cut, "Русско- Китайское", or a compound of
    KEPT_HYPHENS keeps its hyphen), raised ordinals plain ("49<sup>th</sup>" -> "49th") and note markers
    ("<sup>46</sup>") dropped."""
    return rejoined(SUP_MARKER.sub("", plain(text)))


def rejoined(text: str) -> str:
    """The words the copy cut at a line's end joined again (see `readable`)."""
    return LINE_BREAK_HYPHEN.sub(_rejoined, text)


def _rejoined(match: re.Match) -> str:
    before, after = match.group(1), match.group(2)
    compound = f"{before}-{after}"
    return compound if after[:1].isupper() or compound.lower() in KEPT_HYPHENS else before + after


def find(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of a quote in a paragraph's text, its ordinals raised there or not; None when absent."""
    needle, pattern, at = plain(normalized(quote)), [], 0
    for ordinal in ORDINAL.finditer(needle):
        pattern += [re.escape(needle[at : ordinal.start()]), f"(?:<sup>{ordinal[1]}</sup>|{ordinal[1]})"]
        at = ordinal.end()
    match = re.search("".join([*pattern, re.escape(needle[at:])]), text)
    return match.span() if match else None


@cache
def paragraphs(doc: Document) -> list[Paragraph]:
    """The document's shipped text as paragraphs (headings, body, notes; `gap` between excerpt blocks)."""
    raw: list[tuple[str, list[tuple[int, str]]]] = []
    tables = doc.tables()
    for block, (start, lines) in enumerate(doc.blocks()):
        if block:
            raw.append(("gap", []))
        current: list[tuple[int, str]] = []
        for offset, line in enumerate(lines):
            number = start + offset
            if any(a <= number <= b for a, b in tables):
                if not (raw and raw[-1][0] == "table" and raw[-1][1][-1][0] == number - 1):
                    _flush(raw, current)
                    current = []
                    raw.append(("table", []))
                raw[-1][1].append((number, line))
                continue
            if current and doc.notes == "paged" and _indented_start(current[-1][1], line):
                _flush(raw, current)
                current = []
            if not line.strip() or (doc.notes == "paged" and PAGED_NOTE.match(line)):
                _flush(raw, current)
                current = []
                if line.strip():
                    raw.append(("note", [(start + offset, line)]))
                continue
            current.append((start + offset, line))
        _flush(raw, current)
    return _join_page_breaks(doc, raw)


def _indented_start(previous: str, line: str) -> bool:
    """In a paged copy, a line opening with a space and a capital after a full stop starts a paragraph."""
    return bool(re.match(r"^ [А-ЯЁA-Z«]", line)) and bool(ENDS_SENTENCE.search(previous.rstrip()))


def _flush(raw: list, current: list) -> None:
    if current:
        text = current[0][1].strip()
        kind = "heading" if HEADING.match(text) else "note" if SUP_NOTE.match(text) else "body"
        raw.append((kind, current))


def _join_page_breaks(doc: Document, raw: list) -> list[Paragraph]:
    out: list[Paragraph] = []
    cut: Paragraph | None = None  # the last body paragraph, once footnotes follow it
    last_body: Paragraph | None = None
    for kind, lines in raw:
        if kind == "gap":
            out.append(Paragraph(len(out), "gap", "", 0))
            cut = last_body = None
            continue
        text, offsets = _collapse(lines)
        if kind == "table":
            out.append(Paragraph(len(out), kind, text, lines[0][0], offsets, raw=[line for _, line in lines]))
            cut = last_body = None
            continue
        if kind == "body" and cut is not None and _continues(cut.text, text):
            shift = len(cut.text) + 1
            cut.text = f"{cut.text} {text}"
            cut.lines += [(o + shift, n) for o, n in offsets]
            cut = None
            continue
        paragraph = Paragraph(len(out), kind, text, lines[0][0], offsets, _note_key(doc, kind, text, lines[0][0]))
        out.append(paragraph)
        if kind == "note":
            cut = last_body
        else:
            cut = None
            last_body = paragraph if kind == "body" else None
    return out


def _continues(before: str, after: str) -> bool:
    """A body paragraph cut by a page's footnotes goes on in the next: no full stop, or a small letter next."""
    return not ENDS_SENTENCE.search(before) or after[:1].islower()


def _collapse(lines: list[tuple[int, str]]) -> tuple[str, list[tuple[int, int]]]:
    parts, offsets, at = [], [], 0
    for number, line in lines:
        words = normalized(line)
        if not words:
            continue
        offsets.append((at, number))
        parts.append(words)
        at += len(words) + 1
    return " ".join(parts), offsets


def _note_key(doc: Document, kind: str, text: str, line: int) -> str | None:
    if kind != "note":
        return None
    match = SUP_NOTE.match(text) or re.match(r"^(\d{1,2})\.", text)
    number = match.group(1)
    return number if doc.notes == "sup" else f"{doc.page_of(line)}.{number}"


def markers(doc: Document, paragraph: Paragraph) -> list[tuple[int, int, str]]:
    """(start, end, note key) of every note marker in a body paragraph."""
    if paragraph.kind != "body":
        return []
    if doc.notes == "sup":
        return [(m.start(), m.end(), m.group(1)) for m in SUP_MARKER.finditer(paragraph.text)]
    if doc.notes == "paged":
        found = PAGED_MARKER.finditer(paragraph.text)
        return [(m.start(), m.end(), f"{doc.page_of(paragraph.line_at(m.start()))}.{m.group(1)}") for m in found]
    return []


def locate(doc: Document, quote: str) -> Place | None:
    """Where a quote lies in the shipped text, or None when it is not there."""
    section = None
    for paragraph in paragraphs(doc):
        if paragraph.kind == "heading":
            section = _heading_text(paragraph.text)
        found = find(paragraph.text, quote) if paragraph.kind != "gap" else None
        if found is None:
            continue
        at, end = found
        if paragraph.kind == "note":
            return Place(paragraph.index, at, end, paragraph.note, section)
        following = [key for start, _, key in markers(doc, paragraph) if start >= end - 1]
        return Place(paragraph.index, at, end, following[0] if following else None, section)
    return None


def _heading_text(text: str) -> str:
    return HEADING.sub("", text).replace("*", "").strip()
