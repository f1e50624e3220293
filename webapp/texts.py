"""The source reader: /texts lists the documents, /texts/<document> shows one with its notes, every
passage the atlas cites highlighted and linked to the features it supports (and they link back).

Everything shown comes from the store (evidence/texts.py made it at build time) and is escaped here:
the documents' text is data like any other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from flask import Blueprint, jsonify, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import NotFound

from evidence import passages
from webapp import caching, params
from webapp.store import get_store

bp = Blueprint("texts", __name__)
bp.add_app_template_filter(passages.readable, "readable")  # a quote as a reader sees it (templates' `|readable`)
INLINE = re.compile(
    r"<sup>([^<]{1,12})</sup>|\*\*([^*]+)\*\*|\*([^*]+)\*|<(https?://[^>\s]+)>"
    r"|\[([^\]]{1,200})\]\((?:https?|mailto):[^)\s]+\)"  # a Markdown link: its text, the address left out
)
HEADING = re.compile(r"^(#{2,4})\s+")  # "## Title": a heading of level 2 to 4
NOTE_NUMBER = re.compile(r"^(?:<sup>\d+</sup>|\d{1,2}\.)\s*")  # "<sup>46</sup> " or "2. " opening a note
TAGS = {"strong": Markup("<strong>{}</strong>"), "em": Markup("<em>{}</em>")}
MARK, MARK_AGAIN, CLOSE = (
    Markup('<mark id="{0}" data-passage="{0}">'),
    Markup('<mark data-passage="{}">'),
    Markup("</mark>"),
)
PAGES = {"incidents": "incidents.incident_page", "places": "places.place_page"}
TABLES = {
    "statistics": ("statistics.statistics_page", "yearly figures"),
    "tariff_1923": ("customs.tariff_1923", "tariff"),
}


def _texts() -> dict:
    texts = get_store().meta("texts")
    if texts is None:
        raise NotFound("this build has no source texts: run `make data`")
    return texts


@bp.get("/texts")
def texts_page():
    """The source documents: record, licence, what is shipped, how many passages are cited (HTML or f=json)."""
    params.check_known(request.args, {"f"})
    counts = _passage_counts()
    docs = [_summary(doc, counts.get(doc["id"], 0)) for doc in _texts().values()]
    if not params.wants_html():
        return jsonify({"documents": docs})
    return render_template("texts.html", title="Sources", docs=docs, json_url=url_for("texts.texts_page", f="json"))


@bp.get("/texts/<did>")
def text_page(did: str):
    """One document: its paragraphs and notes, the cited passages marked with the features they support."""
    params.check_known(request.args, {"f"})
    doc = _texts().get(did)
    if doc is None:
        raise NotFound(f"no document {did!r}; the documents are listed at /texts")
    supports = _supports(did)
    if not params.wants_html():
        return jsonify(_summary(doc, len(supports)) | {"paragraphs": doc["paragraphs"], "notes": doc["notes"]} | {
            "coverage": doc.get("coverage"),
            "passages": [{"anchor": a, "features": f} for a, f in supports.items()]
        })  # fmt: skip
    paragraphs = [_paragraph_html(doc, p, supports) for p in doc["paragraphs"]]
    in_text = {p["note"]: p for p in paragraphs if p["kind"] == "note"}
    notes = {key: note | {"paragraph": in_text.get(key)} for key, note in doc["notes"].items()}
    return render_template(
        "text.html",
        title=doc["label"],
        doc=doc,
        paragraphs=paragraphs,
        notes=notes,
        cited=len(supports),
        coverage=doc.get("coverage"),
        review=caching.reviewer(),  # a signed-in reviewer sees which paragraphs no record cites, and why
        json_url=url_for("texts.text_page", did=did, f="json"),
    )


def _summary(doc: dict, passages: int) -> dict:
    keys = ("id", "label", "reference", "shipped", "licence", "licence_url", "licence_basis", "csl")
    return {k: doc[k] for k in keys} | {"cited_passages": passages, "url": url_for("texts.text_page", did=doc["id"])}


def _passage_counts() -> dict[str, int]:
    anchors, store = defaultdict(set), get_store()
    for row in [*(store.meta("citations") or []), *_table_rows(store)]:  # as the document's page marks them
        if row["anchor"]:
            anchors[row["document"]].add(row["anchor"])
    return {doc: len(a) for doc, a in anchors.items()}


def _supports(doc_id: str) -> dict[str, list[dict]]:
    """{passage anchor: the features that cite it, each once, with its map and page links}."""
    out: dict[str, list[dict]] = defaultdict(list)
    listed = set()
    store = get_store()
    rows = [*(row | _links(row) for row in store.meta("citations") or []), *_table_rows(store)]
    for row in rows:
        key = (row["anchor"], row["layer"], _feature(row["id"]))
        if row["document"] == doc_id and row["anchor"] and key not in listed:
            listed.add(key)
            out[row["anchor"]].append(row)
    return dict(out)


def _table_rows(store) -> Iterator[dict]:
    """The passages the tables cite (the yearly figures, the 1923 tariff), as rows like the features' citations."""
    for table, (endpoint, title) in TABLES.items():
        held = store.meta(table) or []
        for entry in held if isinstance(held, list) else [held]:
            url = url_for(endpoint) + "#" + entry["id"]
            for cite in entry.get("sources") or []:
                anchor = cite["passage"].split("#")[1] if cite.get("passage") else None
                name = entry.get("text") or entry.get("title_en") or entry["id"]
                yield {"layer": title, "id": entry["id"], "name": name, "anchor": anchor, "map_url": url,
                       "page_url": url, "document": cite.get("document"), "quote": cite.get("quote")}  # fmt: skip


def _feature(fid: str) -> str:
    """The feature a row is of: a unit whose seat moved has a record per seat ("<unit>@<date>"), one feature."""
    return fid.split("@", maxsplit=1)[0]


def _links(row: dict) -> dict:
    hash_ = f"#place={row['id']}" if row["layer"] == "places" else f"#year={row['year'] or 1930}&sel={row['id']}"
    endpoint = PAGES.get(row["layer"])
    page = url_for(endpoint, **{"pid" if row["layer"] == "places" else "iid": row["id"]}) if endpoint else None
    page = page or url_for("api.item", cid=row["layer"], fid=row["id"], f="html")
    return {"map_url": url_for("mapview.page") + hash_, "page_url": page}


# --- a paragraph as HTML: escaped text, note markers linked, cited passages marked ---------------


def _paragraph_html(doc: dict, paragraph: dict, supports: dict) -> dict:
    """The paragraph with its HTML and the passages it holds (anchor, features); a note without its number."""
    text = NOTE_NUMBER.sub("", paragraph["text"]) if paragraph["kind"] == "note" else paragraph["text"]
    markers = paragraph.get("markers") or []
    heading = HEADING.match(text) if paragraph["kind"] == "heading" else None
    if heading:  # the Markdown of the copy ("## Introduction") shown as a heading, not as its marks
        cut = heading.end()
        text, markers = text[cut:], [(s - cut, e - cut, key) for s, e, key in markers if s >= cut]
    spans = _cited_spans(text, supports)
    held = [{"anchor": a, "features": supports[a]} for a in dict.fromkeys(a for _, _, a in spans)]
    html = _inline(text, spans, markers)
    return paragraph | {"html": html, "passages": held, "level": len(heading.group(1)) if heading else 2}


def _cited_spans(text: str, supports: dict) -> list[tuple[int, int, str]]:
    """(start, end, anchor) of each cited passage in a paragraph's text."""
    found = ((passages.find(text, features[0]["quote"]), anchor) for anchor, features in supports.items())
    return sorted((*span, anchor) for span, anchor in found if span)


def _inline(text: str, spans: list, markers: list) -> Markup:
    """Escaped text: note markers link to their note, <sup>th</sup> raised, *emphasis*, cited passages marked."""
    bounds = {c for s, e, _ in spans for c in (s, e)}
    pieces, at = [], 0
    for start, end, kind, value, inner in _specials(text, markers):
        pieces += _plain(text, at, start, bounds)
        pieces.append((start, _special(kind, value, escape(text[inner[0] : inner[1]]) if inner else None)))
        at = end
    return _marked(pieces + _plain(text, at, len(text), bounds), spans)


def _plain(text: str, start: int, end: int, bounds: set[int]) -> list[tuple[int, Markup]]:
    """(offset, escaped text) of the plain text from start to end, cut where a passage begins or ends."""
    cuts = sorted({start, end, *(c for c in bounds if start < c < end)})
    return [(a, escape(passages.rejoined(text[a:b]))) for a, b in zip(cuts, cuts[1:], strict=False)]


def _marked(pieces: list[tuple[int, Markup]], spans: list) -> Markup:
    """The pieces with each passage in a <mark> from its start to its end, a passage inside another nested in
    its mark, and a raised ordinal or note marker inside the passage it falls in. Only a passage that crosses
    another's end is cut into several marks (the first holds its id)."""
    outer_first = sorted(spans, key=lambda s: (s[0], -s[1]))
    out, open_marks, opened = [], [], set()
    for start, html in pieces:
        wanted = [anchor for s, e, anchor in outer_first if s <= start < e]
        kept = 0
        while kept < min(len(open_marks), len(wanted)) and open_marks[kept] == wanted[kept]:
            kept += 1
        out += [CLOSE] * (len(open_marks) - kept)
        out += [(MARK_AGAIN if a in opened else MARK).format(a) for a in wanted[kept:]]
        opened.update(wanted)
        open_marks = wanted
        out.append(html)
    return Markup("").join(out + [CLOSE] * len(open_marks))


def _specials(text: str, markers: list) -> list[tuple]:
    """(start, end, kind, value, inner span) of each marked-up piece, markers first, in order."""
    found = [(s, e, "marker", key, None) for s, e, key in markers]
    taken = [(s, e) for s, e, *_ in found]
    for m in INLINE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        group = next(i for i, g in enumerate(m.groups(), 1) if g is not None)
        kind = ("sup", "strong", "em", "url", "link")[group - 1]
        inner = (m.start(group), m.end(group)) if kind in ("strong", "em", "link") else None
        found.append((m.start(), m.end(), kind, m.group(group), inner))
    return sorted(found)


def _special(kind: str, value: str, inner: Markup | None) -> Markup:
    if kind == "marker":
        number = value.rsplit(".", maxsplit=1)[-1]
        return Markup('<sup class="marker"><a href="#n-{}">{}</a></sup>').format(value, number)
    if kind == "sup":
        return Markup("<sup>{}</sup>").format(value)
    if kind in ("strong", "em"):
        return TAGS[kind].format(inner)
    if kind == "link":
        return inner
    return escape(value)
