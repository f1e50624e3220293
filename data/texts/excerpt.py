"""Write the excerpts the atlas ships of a document it may not redistribute in full.

    python data/texts/excerpt.py DOCUMENT_ID PATH_OF_THE_FULL_TEXT

Takes from the full text (the team's copy, which is not part of the project) the lines of every
sentence that a record of data/sources quotes from the document, its footnote lines, the line
ranges its record lists under `excerpt` and the sentences holding its `excerpt_phrases`, and
writes them to the file its record names, each block headed `@@ lines A-B` (line numbers of the
copy). Run it again whenever a record quotes a new passage of the document; tests/test_texts.py
fails while a quoted passage is missing from the excerpts.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from evidence.documents import documents  # noqa: E402

SOURCES = ROOT / "data" / "sources"
FOOTNOTE_LINE = re.compile(r"^\s?\d{1,2}\.\s+\S")
QUOTE_ONLY = False  # True ships the quoted lines only; whole sentences read better and are barely longer
MARKER = re.compile(r"[а-яёa-z»\.\)]\d{1,2}(?=[\s.,;:]|$)")  # a footnote number glued to a word
SENTENCE_END = re.compile(r"[.!?»\"”](?= [«\"“(]?[A-ZА-ЯЁ0-9])")


def quotes_of(doc) -> list[str]:
    """Every quote in data/sources that cites the document (by id or by the seed file name)."""
    found: list[str] = []

    def walk(node, cited):
        if isinstance(node, dict):
            cited = node.get("document", node.get("seed", cited))
            if "quote" in node and cited in (doc.id, doc.seed):
                found.append(node["quote"])
            for value in node.values():
                walk(value, cited)
        elif isinstance(node, list):
            for value in node:
                walk(value, cited)

    for path in sorted(SOURCES.glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), None)
    return found


def normalized_with_lines(lines: list[str]) -> tuple[str, list[int]]:
    """The text with whitespace collapsed, and for each of its characters the (1-based) line it came from."""
    out: list[str] = []
    where: list[int] = []
    for number, line in enumerate(lines, 1):
        for word in line.split():
            if out:
                out.append(" ")
                where.append(number)
            out.append(word)
            where.extend([number] * len(word))
    return "".join(out), where


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentences that hold text[start:end]."""
    # look a little past the start: a sentence end just before the quote is seen only with the capital after it
    before = [m.end() for m in SENTENCE_END.finditer(text, 0, start + 3) if m.end() <= start]
    after = SENTENCE_END.search(text, end)
    return (before[-1] if before else 0), (after.end() if after else len(text))


def through_marker(lines: list[str], line: int) -> int:
    """The line of the first note marker from `line` on within its paragraph, so the note shows; else `line`."""
    for number in range(line, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip() or FOOTNOTE_LINE.match(text):
            return line
        if MARKER.search(text):
            return number
    return line


def wanted_lines(doc, lines: list[str]) -> tuple[set[int], list[str]]:
    """The line numbers to ship, and the quotes and phrases not found in the text."""
    text, where = normalized_with_lines(lines)
    keep: set[int] = set()
    missing: list[str] = []
    for phrase in [*quotes_of(doc), *doc.excerpt_phrases]:
        needle = " ".join(phrase.split())
        at = text.find(needle)
        if at < 0:
            missing.append(phrase)
            continue
        first, last = (at, at + len(needle)) if QUOTE_ONLY else sentence_span(text, at, at + len(needle))
        keep.update(range(where[first], through_marker(lines, where[last - 1]) + 1))
    for spec in doc.excerpt:
        a, b = (int(n) for n in spec["lines"].split("-"))
        keep.update(range(a, b + 1))
    if doc.notes == "paged":
        keep.update(n for n, line in enumerate(lines, 1) if FOOTNOTE_LINE.match(line))
    return keep, missing


def blocks(keep: set[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in sorted(keep):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", help="the document's id in data/texts/documents.yaml")
    parser.add_argument("full_text", type=Path, help="the team's full copy of the document")
    args = parser.parse_args(argv)
    docs = documents()
    if args.document not in docs:
        parser.error(f"document {args.document!r} is not in documents.yaml; known: {', '.join(docs)}")
    doc = docs[args.document]
    if doc.shipped != "excerpts":
        parser.error(f"document {doc.id!r} is shipped as {doc.shipped!r}, not as excerpts")
    raw = args.full_text.read_bytes()
    if hashlib.sha256(raw).hexdigest() != doc.sha256:
        parser.error(f"{args.full_text} is not the copy the record names (sha256 differs)")
    lines = raw.decode("utf-8").splitlines()
    keep, missing = wanted_lines(doc, lines)
    for phrase in missing:
        print(f"not in the text: {phrase!r}", file=sys.stderr)
    out = [
        f"# Excerpts of {doc.label} (data/texts/documents.yaml: {doc.id}), made by data/texts/excerpt.py.",
        "# Each block is a run of lines of the copy the atlas was made from, verbatim, headed by their numbers.",
    ]
    for a, b in blocks(keep):
        out.append(f"@@ lines {a}-{b}")
        out.extend(lines[a - 1 : b])
    doc.path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {doc.path.relative_to(ROOT)}: {len(blocks(keep))} blocks, {len(keep)} of {len(lines)} lines")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
