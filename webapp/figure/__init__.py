"""A figure for publication: any map view drawn on the server as SVG, PDF or PNG (GeoPandas + Matplotlib), at a
journal's column width, with its bibliography beside it.

`GET /figure` takes the map view's own parameters (the years, the bounds or centre and zoom, the layers switched
off, the label language: webapp.figure.view) and draws the same features as the map (selected by the store's
query: webapp.figure.drawers) in the map's styles (webapp/vocabulary.py), in the project's metric CRS, with a
legend, a scale bar, a north arrow and a short caption (webapp.figure.render), `width` wide (a single or double
journal column). `part=sources` gives the bibliography of the features drawn (webapp.figure.sources), and
`part=all` a zip of the figure and its bibliography. Nothing is drawn at import time.

`python -m webapp.figure --out docs/figure-1930.png` writes the default view to a file.
"""

from __future__ import annotations

import io
import json
import zipfile

from flask import Blueprint, Response, render_template, request

from webapp import limits
from webapp.attachment import disposition
from webapp.figure import sources
from webapp.figure.compare import frames_of
from webapp.figure.drawers import features
from webapp.figure.furniture import nice_length, north_angle
from webapp.figure.page import FORMATS, PNG_DPI, RC, SOURCE_FORMATS, WIDTH_IN
from webapp.figure.render import drawn, render
from webapp.figure.schema import ZIP
from webapp.figure.view import View, map_url, overlay_names, parse_view
from webapp.store import get_store

bp = Blueprint("figure", __name__)


@bp.get("/figure")
def figure():
    """The current map view as a figure for publication (SVG, PDF or PNG), its sources, or both in a zip."""
    store = get_store()
    view = parse_view(request.args, store)
    view.url = map_url(request.args, view)
    name = f"border-atlas-{view.file_text}"
    if view.part == "sources":
        body = bibliography(store, view, view.fmt)
        return Response(body, mimetype=SOURCE_FORMATS[view.fmt], headers=_file(f"{name}-sources.{view.fmt}"))
    if view.part == "all":
        body = limits.figure(lambda: _zip(store, view, name))
        return Response(body, mimetype=ZIP, headers=_file(f"{name}.zip", "attachment"))
    body = limits.figure(lambda: render(store, view))
    return Response(body, mimetype=FORMATS[view.fmt], headers=_file(f"{name}.{view.fmt}"))


def _file(name: str, kind: str = "inline") -> dict:
    return disposition(name, kind)


def bibliography(store, view: View, fmt: str) -> str:
    """The bibliography of the features a view draws, as HTML, plain text or JSON (`fmt`)."""
    frames = frames_of(store, view)
    entries = sources.bibliography(frames, store.meta("texts") or {})
    if fmt == "json":
        return json.dumps(sources.as_json(view, frames, entries), ensure_ascii=False, indent=1)
    if fmt == "txt":
        return sources.as_text(view, frames, entries)
    shows = sources.heading(view, frames)
    return render_template(
        "figure_sources.html", title="Sources of a figure", shows=shows, atlas=sources.atlas(view), entries=entries
    )


def _zip(store, view: View, name: str) -> bytes:
    """A zip of the figure (in view.fmt) and its bibliography as plain text."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.{view.fmt}", render(store, view))
        archive.writestr(f"{name}-sources.txt", bibliography(store, view, "txt"))
    return out.getvalue()


__all__ = [
    "FORMATS",
    "PNG_DPI",
    "RC",
    "WIDTH_IN",
    "View",
    "bp",
    "drawn",
    "features",
    "map_url",
    "nice_length",
    "north_angle",
    "overlay_names",
    "parse_view",
    "render",
]
