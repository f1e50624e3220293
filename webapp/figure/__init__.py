"""A figure for publication: any map view drawn on the server as SVG, PDF or PNG (GeoPandas + Matplotlib).

`GET /figure` takes the map view's own parameters (the years, the bounds or centre and zoom, the layers switched
off, the label language: webapp.figure.view) and draws the same features as the map (selected by the store's
query: webapp.figure.drawers) in the map's styles (webapp/vocabulary.py), in the project's metric CRS, with a
legend, a scale bar, a north arrow and a caption that cites the atlas, the data version, the view and the sources
of every feature drawn (webapp.figure.render). Nothing is drawn at import time.

`python -m webapp.figure --out docs/figure-1930.png` writes the default view to a file.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from webapp import limits
from webapp.figure.drawers import features
from webapp.figure.page import FORMATS, PNG_DPI, RC, WIDTH_IN
from webapp.figure.render import footnotes, nice_length, north_angle, render
from webapp.figure.view import View, map_url, overlay_names, parse_view
from webapp.store import get_store

bp = Blueprint("figure", __name__)


@bp.get("/figure")
def figure():
    """The current map view as a figure for publication (SVG, PDF or PNG)."""
    store = get_store()
    view = parse_view(request.args, store)
    view.url = map_url(request.args, view)
    body = limits.figure(lambda: render(store, view))
    name = f"border-atlas-{view.years_text.replace('–', '-')}.{view.fmt}"
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(body, mimetype=FORMATS[view.fmt], headers=headers)


__all__ = [
    "FORMATS",
    "PNG_DPI",
    "RC",
    "WIDTH_IN",
    "View",
    "bp",
    "features",
    "footnotes",
    "map_url",
    "nice_length",
    "north_angle",
    "overlay_names",
    "parse_view",
    "render",
]
