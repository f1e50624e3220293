"""A document's footnotes parsed into typed references.

Each note becomes one or more references: archival (archive, its abbreviation, fond, opis, delo,
list), published (authors, title, container, volume, issue, publisher, place, year, pages, DOI or
URL), a law gazette or newspaper issue, or an explanatory note. A note whose text the shipped copy
lacks is not in the table (a citation of it says so). "Ibid." takes the reference before it with
its own locator; a short form ("O.Yu. Repukhova, *Pogranichnyy rezhim*, 48") takes the full
reference it shortens; "(thereafter – X)" abbreviations are expanded once and used everywhere;
emphasis becomes fields, not asterisks.

The parse is written to data/texts/<document>.notes.yaml (`python -m evidence.notes`), which the
build reads; tests/test_notes.py parses again and compares, so the table never drifts.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass

import yaml

from evidence.documents import Document, documents

SUP_NOTE = re.compile(r"^<sup>(\d+)</sup>\s*(.+?)\s*$", re.M)
PAGED_NOTE = re.compile(r"^\s?(\d{1,2})\.\s+(.+?)\s*$")
# Abbreviations a text uses without expanding them; each expansion says it is the atlas's.
KNOWN_ABBREVIATIONS = {
    "SZ SSSR": "Sobranie zakonov i rasporiazhenii Raboche-Krest'ianskogo pravitel'stva SSSR",
    "РГАЭ": "Российский государственный архив экономики",
}
ABBREVIATION = re.compile(r"\s*\((?:thereafter|hereafter)\s*[–-]\s*([^)]+)\)")
ARCHIVAL = re.compile(
    r"^(?P<archive>.*?),?\s*f\.\s*(?P<fond>[^,]+),\s*op\.\s*(?P<opis>[^,]+),\s*d\.\s*(?P<delo>[^,]+?)"
    r"(?:,\s*l\.\s*(?P<list>.+?))?\.?$"
)
ARCHIVAL_RU = re.compile(
    r"^(?P<archive>[^.]+)\.\s*Ф\.\s*(?P<fond>[^.]+)\.\s*Оп\.\s*(?P<opis>[^.]+)\.\s*Д\.\s*(?P<delo>[^.]+)\."
    r"(?:\s*Л\.\s*(?P<list>[^.]+)\.?)?$"
)
ARCHIVAL_PARTS = ("opis", "delo", "list")  # what an "Ibid." may restate, from the general to the particular
IBID_ARCHIVAL = re.compile(r"(?:(?P<key>op|d|l|Оп|Д|Л)\.\s*(?P<value>[^,]+?))(?:,\s*|\.?$)")
IBID_KEYS = {"op": "opis", "d": "delo", "l": "list", "Оп": "opis", "Д": "delo", "Л": "list"}
GAZETTE = re.compile(
    r"^(?P<title>.+?),\s*(?P<year>1[89]\d\d),\s*(?:(?P<date>[A-Z][a-z]+ \d{1,2}),\s*)?no\.\s*(?P<issue>[\d–-]+)"
    r"(?:,\s*(?P<article>\d+))?\.?$"
)
AUTHORS = re.compile(
    r"^(?P<authors>(?:[A-ZА-Я][a-zа-я]?\.\s*)+[A-ZА-Я][\w'’-]+(?:,\s*(?:[A-ZА-Я][a-zа-я]?\.\s*)+[A-ZА-Я][\w'’-]+)*),?\s+"
)
QUOTED_TITLE = re.compile(r'^[“"](?P<title>.+?),?[”"],?\s*(?P<rest>.*)$')
EMPHASIS = re.compile(r"^(?P<title>(?:«?\*[^*]+\*»?[.\s]*)+?)(?=[\[(,]|$)\s*(?P<rest>.*)$")
TRANSLATION = re.compile(r"^\s*\[(?P<translation>[^\]]+)\]\s*")
PUBLICATION = re.compile(r"\((?P<place>[^:()]+):\s*(?P<publisher>.+),\s*(?P<year>\d{4})\)")
JOURNAL = re.compile(
    r"^\*(?P<container>[^*]+)\*\s*(?P<volume>\d+)?,?\s*(?:no\.\s*(?P<issue>[\d–-]+))?\s*\((?P<year>\d{4})\)"
)
TITLE_FIELDS = ("title", "translated_title", "container")  # where a misprint is marked [sic]
URL = re.compile(r",?\s*<(?P<url>https?://[^>]+)>")
PAGES = re.compile(r"^,?\s*:?\s*(?P<pages>[\d–\-, ]+)\.?$")


@dataclass
class Note:
    """One footnote: where it is, its text as the document prints it, and its references."""

    number: int
    text: str
    refs: list[dict]
    page: int | None = None  # the page of the copy, for documents that number notes per page

    @property
    def key(self) -> str:
        return str(self.number) if self.page is None else f"{self.page}.{self.number}"

    def as_dict(self) -> dict:
        head = {"note": self.key, "number": self.number} | ({"page": self.page} if self.page else {})
        return head | {"text": self.text, "refs": self.refs}


# --- finding the notes ---------------------------------------------------------------------------


def raw_notes(doc: Document) -> list[tuple[int | None, int, str]]:
    """(page, number, text) of every note the shipped copy holds, in order."""
    text = doc.text() or ""
    if doc.notes == "sup":
        return [(None, int(n), body) for n, body in SUP_NOTE.findall(text)]
    if doc.notes == "paged":
        return list(_paged_notes(doc))
    return []


def _paged_notes(doc: Document):
    """Notes numbered per page (001): numbered lines at the foot of a page, the page from the record."""
    for start, lines in doc.blocks():
        for offset, line in enumerate(lines):
            match = PAGED_NOTE.match(line)
            if match:
                yield doc.page_of(start + offset), int(match.group(1)), match.group(2).strip()


# --- parsing one note ----------------------------------------------------------------------------


class Parser:
    """Parses a document's notes in order, keeping what "Ibid.", short forms and abbreviations need."""

    def __init__(self, sic: tuple = ()) -> None:
        self.sic = sic  # misprints the document prints in the titles it cites (data/texts/documents.yaml)
        self.abbreviations: dict[str, str] = {}
        self.full: list[tuple[str, dict]] = []  # (note, reference) of every full published reference so far
        self.last: tuple[str, dict] | None = None
        self.current = ""

    def note(self, page: int | None, number: int, text: str) -> Note:
        note = Note(number, text, [], page)
        self.current = note.key
        note.refs = [self.reference(part) for part in split_top_level(text)]
        return note

    def reference(self, text: str) -> dict:
        plain = text.strip().rstrip(".")
        for parse in (self._ibid, self._archival, self._gazette, self._published):
            ref = parse(plain)
            if ref is not None:
                ref = self._marked(ref)
                self.last = (self.current, ref)
                return ref
        return {"type": "explanatory", "text": strip_emphasis(text.strip())}

    def _marked(self, ref: dict) -> dict:
        """The reference with each misprint of its titles followed by [sic], the words as printed."""
        for word in self.sic:
            for name in TITLE_FIELDS:
                if isinstance(ref.get(name), str):
                    ref[name] = re.sub(rf"{re.escape(word)}(?! \[sic\])", f"{word} [sic]", ref[name])
        return ref

    def _ibid(self, text: str) -> dict | None:
        match = re.match(r"^\*?Ibid\.?\*?\.?,?\s*(?P<rest>.*)$", text)
        if not match or self.last is None:
            return None
        rest = match.group("rest").strip().rstrip(".")
        note, last = self.last
        ref = {k: v for k, v in last.items() if k not in ("ibid_of", "short_of")} | {"ibid_of": note}
        if not rest:
            return ref
        if ref["type"] == "archival":
            return ref | _archival_parts(rest, ref)
        if ref["type"] == "published":
            return ref | {"pages": rest}
        return ref

    def _archival(self, text: str) -> dict | None:
        match = ARCHIVAL.match(text) or ARCHIVAL_RU.match(text)
        if not match:
            return None
        parts = {k: (v.strip() if v else None) for k, v in match.groupdict().items()}
        name, abbr = self._name(parts.pop("archive"))
        return {"type": "archival", "archive": name, "archive_abbr": abbr, **parts}

    def _gazette(self, text: str) -> dict | None:
        match = GAZETTE.match(text)
        if not match:
            return None
        title, abbr = self._name(strip_emphasis(match.group("title")))
        ref = {"type": "gazette", "title": title, "abbr": abbr, "year": int(match.group("year"))}
        ref |= {"issue": match.group("issue"), "article": match.group("article"), "date": match.group("date")}
        return ref

    def _name(self, text: str) -> tuple[str, str | None]:
        """A full name with the abbreviation it defines, or an abbreviation with its expansion."""
        defined = ABBREVIATION.search(text)
        if defined:
            abbr = defined.group(1).strip()
            full = ABBREVIATION.sub("", text).strip()
            self.abbreviations[abbr] = full
            return full, abbr
        text = text.strip()
        if text in self.abbreviations:
            return self.abbreviations[text], text
        if text in KNOWN_ABBREVIATIONS:
            return KNOWN_ABBREVIATIONS[text], text
        return text, None

    def _published(self, text: str) -> dict | None:
        url = URL.search(text)
        body = URL.sub("", text).strip().rstrip(".,")
        authors_match = AUTHORS.match(body)
        authors = _authors(authors_match.group("authors")) if authors_match else []
        rest = body[authors_match.end() :] if authors_match else body
        ref = _titled(rest)
        if ref is None:
            return None
        ref = {"type": "published", "authors": authors, **ref, "url": url.group("url") if url else None}
        if ref.pop("pages_only"):
            ref = self._short_form(ref)
        if "short_of" not in ref:
            self.full.append((self.current, ref))
        return ref

    def _short_form(self, ref: dict) -> dict:
        """A short form takes the full reference with the same first author and the closest title."""
        family = ref["authors"][0]["family"] if ref["authors"] else None
        best, score, where = None, 0.0, None
        for note, full in self.full:
            if full["authors"] and family and full["authors"][0]["family"] != family:
                continue
            ratio = difflib.SequenceMatcher(None, _fold(ref["title"]), _fold(full["title"][: len(ref["title"]) + 8]))
            if ratio.ratio() > score:
                best, score, where = full, ratio.ratio(), note
        if best is None or score < 0.6:
            return ref | {"short_of": None}
        return {**best, "pages": ref["pages"], "short_of": where}


def _archival_parts(rest: str, ref: dict) -> dict:
    """What an "Ibid., op. 166, d. 576, l. 11–14" restates; the parts below the first restated one go."""
    parts = {IBID_KEYS[m.group("key")]: m.group("value").strip() for m in IBID_ARCHIVAL.finditer(rest)}
    if not parts:
        return {"list": rest}
    first = min(ARCHIVAL_PARTS.index(k) for k in parts)
    cleared = {k: None for k in ARCHIVAL_PARTS[first:]}
    return cleared | parts


def _titled(rest: str) -> dict | None:
    """Title, container and publication data of a published reference (after its authors)."""
    quoted = QUOTED_TITLE.match(rest)
    emphasised = EMPHASIS.match(rest)
    if quoted:
        title, tail = quoted.group("title"), quoted.group("rest")
        kind = "article"
    elif emphasised:
        title, tail = emphasised.group("title"), emphasised.group("rest")
        kind = "book"
    else:
        return None
    translation = TRANSLATION.match(tail)
    ref = {"kind": kind, "title": strip_emphasis(title).rstrip(", "), "translated_title": None, "container": None}
    ref |= {"volume": None, "issue": None, "publisher": None, "place": None, "year": None, "pages": None}
    if translation:
        ref["translated_title"] = translation.group("translation")
        tail = tail[translation.end() :]
    tail = tail.strip()
    if tail.startswith("in "):
        ref["kind"] = "chapter"
        tail = tail[3:]
    journal = JOURNAL.match(tail) if kind == "article" else None
    if journal:
        ref |= {k: journal.group(k) for k in ("container", "volume", "issue")} | {"year": int(journal.group("year"))}
        tail = tail[journal.end() :]
    elif tail.startswith("*"):
        container = EMPHASIS.match(tail)
        ref["container"] = strip_emphasis(container.group("title"))
        tail = container.group("rest")
    publication = PUBLICATION.search(tail)
    if publication:
        ref |= {k: publication.group(k).strip() for k in ("place", "publisher")} | {"year": int(publication["year"])}
        tail = tail[publication.end() :]
    pages = PAGES.match(tail.strip()) if tail.strip() else None
    if pages:
        ref["pages"] = pages.group("pages").strip().rstrip(",")
    ref["pages_only"] = not (journal or publication)
    if ref["kind"] == "book" and ref["container"] and not ref["pages_only"]:
        ref["kind"] = "chapter"
    return ref


def _authors(text: str) -> list[dict]:
    out = []
    for name in re.split(r",\s*", text.strip()):
        match = re.match(r"^((?:[A-ZА-Я][a-zа-я]?\.\s*)+)(.+)$", name.strip())
        out.append({"family": match.group(2).strip(), "given": match.group(1).replace(" ", "")})
    return out


def split_top_level(text: str) -> list[str]:
    """The parts of a note separated by ";" outside brackets and quotes."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += char in "([“" and 1 or 0
        depth -= char in ")]”" and 1 or 0
        if char == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def strip_emphasis(text: str) -> str:
    """Markdown emphasis and superscripts out: `*Title*` -> `Title`, `19<sup>th</sup>` -> `19th`."""
    return re.sub(r"</?sup>", "", text.replace("*", "")).strip()


def _fold(text: str) -> str:
    return re.sub(r"[^a-zа-я]", "", text.lower())


# --- the document's notes ------------------------------------------------------------------------


def parse(doc: Document) -> list[Note]:
    """Every note of the document that its shipped copy holds, parsed."""
    parser = Parser(doc.sic)
    return [parser.note(page, number, text) for page, number, text in raw_notes(doc)]


def table(doc: Document) -> dict:
    """The notes as the checked-in table (data/texts/<document>.notes.yaml) holds them."""
    return {"document": doc.id, "notes": [n.as_dict() for n in parse(doc)]}


def table_path(doc: Document):
    return doc.root / f"{doc.id}.notes.yaml"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def dump(data: dict) -> str:
    """The table as YAML: no anchors, empty fields left out."""
    for note in data["notes"]:
        note["refs"] = [{k: v for k, v in ref.items() if v not in (None, [])} for ref in note["refs"]]
    head = "# Generated by `python -m evidence.notes` from the document's footnotes; do not edit by hand.\n"
    return head + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def main() -> int:
    for doc in documents().values():
        if doc.notes == "none" or doc.shipped == "record":
            continue
        path = table_path(doc)
        path.write_text(dump(table(doc)), encoding="utf-8")
        print(f"wrote {path.name}: {len(parse(doc))} notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
