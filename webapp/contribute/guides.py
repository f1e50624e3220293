"""The door's guides: docs/contributions.md and docs/tours.md served as pages (/contribute/guide[/tours]).

Rendered by markdown-it with HTML off (HTML written in them is shown as text); a link to another guide served here
goes to its page, a link to a document of docs/ not served here is left as its words, and each heading gets the id
its GitHub anchor has (`tours.md#proposing-a-tour` lands on its section).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask import url_for

DOCS = Path(__file__).resolve().parents[2] / "docs"
# {page: (its Markdown file in docs/, its title)}; "" is /contribute/guide
GUIDES = {"": ("contributions.md", "Contributing records"), "tours": ("tours.md", "Writing a guided tour")}
LINK = re.compile(r'<a href="(?P<doc>[a-z0-9_-]+)\.md(?P<anchor>#[a-z0-9_-]*)?">(?P<words>.*?)</a>', re.S)
HEADING = re.compile(r"<h(?P<level>[1-6])>(?P<words>.*?)</h(?P=level)>", re.S)


def render(page: str) -> tuple[str, str] | None:
    """(title, HTML body) of the guide `page`, or None when there is none."""
    if page not in GUIDES:
        return None
    from markdown_it import MarkdownIt

    file_name, title = GUIDES[page]
    text = (DOCS / file_name).read_text(encoding="utf-8")
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return title, HEADING.sub(_anchored, LINK.sub(_linked, body))


def _linked(match: re.Match) -> str:
    """A link to another document of docs/: to its page when it is a guide, else its words only."""
    pages = {file_name[:-3]: page for page, (file_name, _) in GUIDES.items()}
    if match["doc"] not in pages:
        return match["words"]
    page = {"page": pages[match["doc"]]} if pages[match["doc"]] else {}
    target = url_for("contribute_files.guide", **page) + (match["anchor"] or "")
    return f'<a href="{html.escape(target)}">{match["words"]}</a>'


def _anchored(match: re.Match) -> str:
    """A heading with the id GitHub gives it: its words lowercased, punctuation dropped, spaces as hyphens."""
    words = re.sub(r"<[^>]+>", "", html.unescape(match["words"])).strip().lower()
    anchor = re.sub(r"[^\w\- ]", "", words).replace(" ", "-")
    return f'<h{match["level"]} id="{html.escape(anchor)}">{match["words"]}</h{match["level"]}>'
