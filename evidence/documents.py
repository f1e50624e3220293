"""The source documents (data/texts): their bibliographic records and the text the atlas ships of each.

A document is shipped in full, as excerpts (blocks of lines of the team's copy, each headed
`@@ lines A-B`), or as its record only (see data/texts/README.md). The records are CSL-JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from evidence.errors import DataError

TEXTS = Path(__file__).resolve().parent.parent / "data" / "texts"
RECORDS = "documents.yaml"
SHIPPED = ("full", "excerpts", "record")
NOTE_STYLES = ("sup", "paged", "none")
BLOCK_HEAD = re.compile(r"^@@ lines (\d+)-(\d+)$")
GAP = "\n[…]\n"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per document
class Document:
    """One source document: its record and where its shipped text is."""

    id: str
    label: str
    seed: str
    sha256: str
    shipped: str
    file: str | None
    notes: str
    licence: str
    licence_url: str | None
    licence_basis: str
    csl: dict
    excerpt: tuple = field(default=())
    excerpt_phrases: tuple = field(default=())
    page_starts: tuple = field(default=())  # first line of each page after the first, for paged notes
    sic: tuple = field(default=())  # the document's misprints in titles it cites, each marked [sic] where cited
    root: Path = TEXTS

    @property
    def path(self) -> Path | None:
        return self.root / self.file if self.file else None

    def page_of(self, line: int) -> int:
        """The page (1-based, in the copy) that a line of the copy is on."""
        return 1 + sum(1 for start in self.page_starts if start <= line)

    def tables(self) -> list[tuple[int, int]]:
        """Line ranges of the copy that are tables (one passage each, shown line by line)."""
        ranges = [spec["lines"].split("-") for spec in self.excerpt if spec.get("kind") == "table"]
        return [(int(a), int(b)) for a, b in ranges]

    def blocks(self) -> list[tuple[int, list[str]]]:
        """The shipped text as (first line number in the copy, lines); [] when only the record is shipped."""
        if self.shipped == "record":
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        if self.shipped == "full":
            return [(1, lines)]
        return _excerpt_blocks(self.path, lines)

    def text(self) -> str | None:
        """The shipped text, blocks joined by a gap mark; None when only the record is shipped."""
        blocks = self.blocks()
        return GAP.join("\n".join(lines) for _, lines in blocks) if blocks else None


def _excerpt_blocks(path: Path, lines: list[str]) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, 1):
        head = BLOCK_HEAD.match(line)
        if head:
            blocks.append((int(head.group(1)), []))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip() and not line.startswith("#"):
            raise DataError(path, number, None, "text before the first `@@ lines A-B` block")
    return blocks


@cache
def documents(root: Path = TEXTS) -> dict[str, Document]:
    """The documents of data/texts/documents.yaml by id, checked."""
    path = root / RECORDS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(path, None, None, f"cannot read the document records: {exc}") from None
    out: dict[str, Document] = {}
    for entry in data.get("documents") or []:
        doc = _document(path, entry, root)
        if doc.id in out:
            raise DataError(path, None, doc.id, "a document id is used twice")
        out[doc.id] = doc
    return out


def _document(path: Path, entry: dict, root: Path) -> Document:
    ident = entry.get("id")
    if entry.get("shipped") not in SHIPPED:
        raise DataError(path, None, ident, f"`shipped` was {entry.get('shipped')!r}; allowed: {', '.join(SHIPPED)}")
    if entry.get("notes") not in NOTE_STYLES:
        raise DataError(path, None, ident, f"`notes` was {entry.get('notes')!r}; allowed: {', '.join(NOTE_STYLES)}")
    if (entry["shipped"] == "record") != (entry.get("file") is None):
        raise DataError(path, None, ident, "a shipped text needs a `file`; a record alone has `file: null`")
    doc = Document(
        id=ident,
        label=entry["label"],
        seed=entry["seed"],
        sha256=entry["sha256"],
        shipped=entry["shipped"],
        file=entry.get("file"),
        notes=entry["notes"],
        licence=entry["licence"],
        licence_url=entry.get("licence_url"),
        licence_basis=" ".join(entry["licence_basis"].split()),
        csl=entry["csl"],
        excerpt=tuple(entry.get("excerpt") or ()),
        excerpt_phrases=tuple(entry.get("excerpt_phrases") or ()),
        page_starts=tuple(entry.get("page_starts") or ()),
        sic=tuple(entry.get("sic") or ()),
        root=root,
    )
    if doc.path is not None and not doc.path.exists():
        raise DataError(path, None, ident, f"its text {doc.file} is not in {root}")
    return doc


def by_seed(root: Path = TEXTS) -> dict[str, Document]:
    """The documents by the file name of the copy they were made from (the `seed` of older records)."""
    return {d.seed: d for d in documents(root).values()}


def normalized(text: str) -> str:
    """Whitespace collapsed: how quotes are compared with a text."""
    return " ".join(text.split())
