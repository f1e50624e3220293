"""A figure of two moments (`/figure?year=1927&compare=1935`): two panels side by side, the first years on the left
and the compare years on the right, each at half the map's width; one legend and one caption for both, and under
them the changes between the two moments as GET /changes lists them (webapp.changes: not derived again here), each
with its references.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
from flask import url_for

from webapp import pinned
from webapp.changes import changes
from webapp.figure.drawers import features
from webapp.figure.page import MARGIN_IN, MM, Page
from webapp.figure.view import View

PANEL_GAP_IN = 0.08  # between the two panels
LISTED = 16  # changes listed under the panels at most: the figure stays within an A4 page (≤ 260 mm tall)
EVENTS = ("Incident", "Migration")  # listed last; the zones and acts first, then units, posts and names
REGIME = ("Act", "Came into force", "Lapsed")
PASSAGE = re.compile(r"/texts/([^/#?]+)")  # a passage in the reader: /texts/<document>#<where>


def panels(view: View) -> list[View]:
    """The view of each panel: the view itself, or the first years and the compare years at half its width."""
    if view.compare is None:
        return [view]
    width_in = (view.page.map_w_in - PANEL_GAP_IN) / 2
    page = Page((width_in + 2 * MARGIN_IN) / MM)  # a page whose map is the panel
    return [replace(view, page=page, compare=None), replace(view, years=view.compare, page=page, compare=None)]


def merged(frames: list[dict]) -> dict:
    """The features of every panel, by layer (the same feature in both panels is cited once by the bibliography)."""
    layers: dict[str, list] = {}
    for panel in frames:
        for cid, frame in panel.items():
            layers.setdefault(cid, []).append(frame)
    return {cid: parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True) for cid, parts in layers.items()}


def frames_of(store, view: View) -> dict:
    """The features a view draws, in all its panels."""
    return merged([features(store, panel) for panel in panels(view)])


def _span(view: View) -> tuple[int, int]:
    """The years whose changes lie between the two moments: after the earlier one, to the end of the later one."""
    first, second = sorted([view.years, view.compare])
    return first[1], second[1]


def _document(ref: dict, texts: dict) -> str:
    """The full reference of the document a change's reference cites (its passage in the reader names it), or the
    reference as the change gives it."""
    found = PASSAGE.search(ref.get("passage") or "")
    text = texts.get(found.group(1)) if found else None
    return (text or {}).get("reference") or ref["reference"]


def change_paragraphs(store, view: View) -> list[str]:
    """The changes between the two moments, one paragraph each with its references in short (the document and
    where in it: "Ablazhey and Zhanbossinova 2026, n. 25"), then the full reference of each document they cite
    (the files a note gives are in the reader, at the passage)."""
    first, last = _span(view)
    if last <= first:
        return [f"Changes: none between the two moments (the second does not end after {first})."]
    body = changes(store, first, last)
    lines, documents, texts = [], {}, store.meta("texts") or {}
    ranked = sorted(body["changes"], key=_rank)[:LISTED]  # stable: in date order within a rank
    for line in sorted(ranked, key=lambda line: line["sort"]):
        when = line["date"][:1].upper() + line["date"][1:]
        possibly = " (possibly within these years)" if line["certainty"] == "possible" else ""
        cited = "; ".join(dict.fromkeys(ref["cited_as"] for ref in line["references"] if ref.get("cited_as")))
        documents.update({_document(ref, texts): None for ref in line["references"] if ref.get("reference")})
        what = line["text"].rstrip(".")
        lines.append(f"{when}{possibly}. {line['kind']}: {what}. {cited or 'No reference'}.")
    total = len(body["changes"])
    head = f"What changed after {first}, up to the end of {last} ({total} changes dated by their sources):"
    if not lines:
        return [head, "nothing the sources date."]
    if total > len(lines):
        url = pinned.cite_url(url_for("changes.changes_page", _external=True, **{"from": first, "to": last}), store)
        lines.append(f"… and {total - len(lines)} more (the zones and acts listed first): {url}")
    return [head, *lines, "References of the changes: " + " ".join(_sentence(d) for d in documents)]


def _rank(line: dict) -> int:
    """Which changes a figure lists first when it cannot list all: the zones and acts, then the other changes of
    the regime, then the incidents and movements of people."""
    return 0 if line["kind"].capitalize() in REGIME else 2 if line["kind"] in EVENTS else 1


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."
