"""Guided tours: /tours lists them, /tours/<slug> (and /tours/<slug>/<n>, a step's permalink) plays one on the map.

A tour comes from the store (layers/tours.py compiled it at build time), so a pinned URL (/v/<release>/tours/...)
plays it as it was in that release. The player is the map page with a side panel: each step's map state is the
map's own URL state (static/atlas/urlstate.js), which static/tour.js writes and the map applies. A step's text is
Markdown rendered by markdown-it-py with raw HTML off (escaped); every other text is escaped by Jinja.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, quote

from flask import Blueprint, jsonify, render_template, request, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

from layers import schema
from store.errors import NotFound, QueryError
from webapp import mapview, params, pinned
from webapp.store import get_store
from webapp.vocabulary import OVERLAYS

bp = Blueprint("tours", __name__)
MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a tour is shown as text, never parsed
HIDDEN_FIRST = ("placeAreas", "heat")  # the overlays the map page starts with hidden (webapp/mapview.py)
FORMATS = ("html", "json", "storymapjs")
PANEL_AT = "<body>"


def markdown(text: str) -> Markup:
    """A tour's Markdown as HTML, raw HTML escaped and unsafe links (javascript:) refused by markdown-it."""
    return Markup(MARKDOWN.render(text or ""))  # noqa: S704 - markdown-it escapes the text (html off)


def all_tours() -> list[dict]:
    """The tours of the store this request reads (none in a build made before tours existed)."""
    return get_store().meta("tours") or []


def find(slug: str) -> dict:
    for tour in all_tours():
        if tour["slug"] == slug:
            return tour
    known = ", ".join(t["slug"] for t in all_tours()) or "none in this release"
    raise NotFound(f"no tour {slug!r}; the tours are listed at /tours ({known})")


def overlay_names() -> tuple[dict[str, str], set[str]]:
    """({layer id a tour names: the overlay's name in the layer control}, the names of the overlays hidden first)."""
    zones = get_store().frame("zones")
    names = {cid: html.escape(OVERLAYS[cid]) for cid in OVERLAYS}
    names |= {zid: html.escape(name) for zid, name in zip(zones["id"], zones["name"], strict=True)}
    return names, {html.escape(OVERLAYS[key]) for key in HIDDEN_FIRST}


def step_hash(step: dict, names: dict[str, str], hidden: set[str]) -> str:
    """The map's URL state (#year=…&z=…&c=…&off=…&on=…&sel=…) of a step: its years, view, layers and selection."""
    first, last = step["years"]
    lat, lon = step["centre"]
    years = f"{first}" if first == last else f"{first}-{last}"
    parts = [f"year={years}", f"z={step['zoom']}", f"c={lat:.4f},{lon:.4f}"]
    if step.get("layers") is not None:
        shown = {names[layer] for layer in step["layers"]}
        off = [n for n in names.values() if n not in hidden and n not in shown]
        on = [n for n in names.values() if n in hidden and n in shown]
        for key, listed in (("off", off), ("on", on)):
            parts += [f"{key}=" + ",".join(quote(name, safe="") for name in listed)] if listed else []
    if step.get("select"):
        parts.append("sel=" + quote(step["select"][0], safe=""))  # the first one's popup; the others outlined
    return "&".join(parts)


def selection(step: dict) -> list[str]:
    """The ids a step selects, the first one's popup opened (a tour of a release before 2026-12 selects one, a text)."""
    chosen = step.get("select")
    return [chosen] if isinstance(chosen, str) else list(chosen or [])


def playable(tour: dict) -> dict:
    """The tour with each step's map state, permalink and references' links on this request's root."""
    names, hidden = overlay_names()
    steps = []
    for step in tour["steps"]:
        cites = [{**c, "link": request.script_root + c["passage"] if c.get("passage") else None} for c in step["cite"]]
        url = url_for("tours.step_page", slug=tour["slug"], n=step["n"])
        chosen = {**step, "select": selection(step)}
        state = {"hash": step_hash(chosen, names, hidden), "url": url, "cite": cites, "also": chosen["select"][1:]}
        steps.append(chosen | state)
    return {**tour, "steps": steps, "url": url_for("tours.tour_page", slug=tour["slug"])}


def _format() -> str:
    f = request.args.get("f", "html")
    if f not in FORMATS:
        raise QueryError("f", f"{f!r} is not served here; allowed: {', '.join(FORMATS)}")
    return f


@bp.get("/tours")
def tours_page():
    """The tours of this release: title, authors, summary, steps (HTML or f=json)."""
    params.check_known(request.args, {"f"})
    listed = [
        {k: t[k] for k in ("slug", "title", "authors", "summary", "licence", "release", "intro")}
        | {"steps": len(t["steps"]), "url": url_for("tours.tour_page", slug=t["slug"])}
        for t in all_tours()
    ]
    if _format() != "html":
        return jsonify({"tours": listed})
    json_url = url_for("tours.tours_page", f="json")
    return render_template("tours.html", title="Guided tours", tours=listed, json_url=json_url, markdown=markdown)


@bp.get("/tours/<slug>", strict_slashes=False)
def tour_page(slug: str):
    """A tour played from its first step; f=json gives the tour, f=storymapjs a StoryMapJS story."""
    params.check_known(request.args, {"f"})
    return _play(find(slug), 1)


@bp.get("/tours/<slug>/<n>", strict_slashes=False)
def step_page(slug: str, n: str):
    """A tour opened at its step n (a step's permalink)."""
    params.check_known(request.args, {"f"})
    tour = find(slug)
    if not (n.isascii() and n.isdigit() and 1 <= int(n) <= len(tour["steps"])):
        raise NotFound(f"the tour {slug!r} has steps 1 to {len(tour['steps'])}, not {n[:20]!r}")
    return _play(tour, int(n))


def _play(tour: dict, n: int):
    f = _format()
    tour = playable(tour)
    if f == "json":
        return jsonify(tour)
    if f == "storymapjs":
        return jsonify(storymap(tour))
    page, status, headers = mapview.page()
    cite_step = lambda k: citation(tour, k)  # noqa: E731 - the template asks for each step's
    panel = render_template("tour_panel.html", tour=tour, current=n, markdown=markdown, cite_step=cite_step)
    head = f'<link rel="stylesheet" href="{url_for("static", filename="tour.css")}"></head>'
    page = page.replace("</head>", head, 1).replace(PANEL_AT, f'{PANEL_AT}<div class="tour-page">{panel}</div>', 1)
    title = html.escape(f"{tour['title']} — {schema.TITLE}")
    page = page.replace(f"<title>{html.escape(mapview.PAGE_TITLE)}</title>", f"<title>{title}</title>", 1)
    return page, status, headers


def citation(tour: dict, n: int) -> str:
    """How to cite the tour at step n: its authors, title, step, the data release and the step's pinned URL."""
    title = tour["steps"][n - 1]["title"]
    url = pinned.cite_url(url_for("tours.step_page", slug=tour["slug"], n=n, _external=True), get_store())
    step = f"step {n}" + (f", “{title}”" if title else "")
    return (
        f"{', '.join(tour['authors'])}. “{tour['title']},” {step}. Guided tour in {schema.TITLE}. "
        f"{pinned.data_words(get_store())}. {url}"
    )


@bp.get("/tours/<slug>/print", strict_slashes=False)
def print_page(slug: str):
    """The tour as a handout: one page per step, with its text, its references and its map link."""
    params.check_known(request.args, set())
    tour = playable(find(slug))
    for step in tour["steps"]:
        step["link"] = pinned.cite_url(url_for("tours.step_page", slug=slug, n=step["n"], _external=True), get_store())
        step["figure"] = url_for("figure.figure", **figure_args(step))
    words = pinned.data_words(get_store())
    return render_template("tour_print.html", title=tour["title"], tour=tour, markdown=markdown, data_words=words)


def figure_args(step: dict) -> dict:
    """The /figure parameters of a step: its years, its view (its bbox as written, or its centre and zoom) and the
    layers it switches off, all taken from its map state, and the features it selects (ringed: a figure has no
    popup)."""
    state = dict(parse_qsl(step["hash"]))
    args = {key: state[key] for key in ("year", "off") if key in state}
    view = {"bbox": ",".join(str(v) for v in step["bbox"])} if step.get("bbox") else {"c": state["c"], "z": state["z"]}
    selected = {"sel": ",".join(step["select"])} if step.get("select") else {}
    return args | view | selected | {"width": "double"}


def storymap(tour: dict) -> dict:
    """The tour as a StoryMapJS story: an overview slide, then a slide per step (location, headline, text)."""
    slides = [{"type": "overview", "text": {"headline": tour["title"], "text": str(markdown(tour["summary"]))}}]
    for step in tour["steps"]:
        refs = "".join(f"<li>{html.escape(c['reference'])}</li>" for c in step["cite"])
        years = "–".join(str(y) for y in dict.fromkeys(step["years"]))
        headline = step["title"] or f"Step {step['n']}"
        headline += "" if years in headline else f" ({years})"  # the years once, in the headline as in the date
        slides.append(
            {
                "location": {"lat": step["centre"][0], "lon": step["centre"][1], "zoom": step["zoom"]},
                "text": {"headline": html.escape(headline), "text": f"{markdown(step['text'])}<ol>{refs}</ol>"},
                "date": years,
            }
        )
    return {"storymap": {"language": "en", "map_type": "osm:standard", "slides": slides}}
