"""Provenance checks of a citation: the quote is the text's, the note is the one that covers it, and
the reference a reader sees is whole (no "Ibid", no markdown, balanced brackets, a named archive
or publication). Each check returns the problems it finds, as sentences; none means it holds.
"""

from __future__ import annotations

from evidence import passages
from evidence.documents import documents, normalized

PAIRS = ("()", "[]", "“”", "«»")
# Words no phrase ends on: a quote that stops at one is cut mid-phrase ("approved by the Central", "хотя бы в").
OPEN_ENDED = {
    "a", "an", "the", "of", "by", "to", "in", "on", "at", "for", "from", "with", "and", "or",
    "central", "executive", "people's", "supreme",
    "в", "во", "и", "на", "с", "по", "к", "о", "от", "до", "за", "из", "бы",
}  # fmt: skip


def citation_problems(cite: dict) -> list[str]:
    """What is wrong with a record's citation {document, note, locator, quote} against its document."""
    doc = documents().get(cite.get("document"))
    if doc is None:
        return [f"document {cite.get('document')!r} is not in data/texts"]
    if doc.shipped == "record":
        return []
    place = passages.locate(doc, cite["quote"])
    if place is None:
        return [f"the quote is not in the text of {doc.label}: {normalized(cite['quote'])!r}"]
    last = normalized(cite["quote"]).split(" ")[-1].strip(",;:").lower()
    if last in OPEN_ENDED:
        return [f"the quote stops mid-phrase, at {last!r}: quote the text to the end of its phrase"]
    stated = None if cite.get("note") is None else str(cite["note"])
    if stated != place.note and not cite.get("note_basis"):
        nearest = "no note" if place.note is None else f"note {place.note}"
        return [f"cites note {stated} but {nearest} covers the quote, and no note_basis says why"]
    return []


def reference_problems(resolved: dict) -> list[str]:
    """What is wrong with a resolved citation's reference text (evidence.citations.resolve)."""
    text = resolved["reference"]
    problems = []
    if "ibid" in text.lower():
        problems.append("the reference says “Ibid.”")
    if "*" in text:
        problems.append("the reference has markdown asterisks")
    problems += [f"unbalanced {pair[0]}{pair[1]}" for pair in PAIRS if text.count(pair[0]) != text.count(pair[1])]
    if not any(name and name in text for name in _names(resolved)):
        problems.append("the reference names no archive or publication")
    return problems


def _names(resolved: dict) -> list[str]:
    csl = resolved["csl"]
    if csl["type"] == "manuscript":
        return [csl["archive"].split(" (")[0]]
    return [csl.get("container-title"), csl.get("title")]
