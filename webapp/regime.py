"""`GET /regime`: what border regime applied at a point (or a place) on a date."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from layers.errors import BadValue
from layers.regime import regime_at
from store.errors import NotFound, QueryError
from webapp import params
from webapp.store import get_store

bp = Blueprint("regime", __name__)
HELP = "give lat and lon (WGS84 degrees), or place (a place id), and date (YYYY, YYYY-MM or YYYY-MM-DD, 1918–1940)"


def _point() -> tuple[float, float, str | None]:
    args = request.args
    if "place" in args:
        if "lat" in args or "lon" in args:
            raise QueryError("place", f"give either place or lat/lon, not both; {HELP}")
        row = get_store().get("places", args["place"]).iloc[0]
        if row.geometry is None or row.geometry.is_empty:
            raise QueryError("place", f"{args['place']!r} has no coordinates (unlocated); {HELP}")
        if row.get("where_prec") == "area":
            raise QueryError(
                "place",
                f"{args['place']!r} has no point of its own, only an area of possibility ({row['area_id']}); "
                f"ask for a point inside it with lat/lon; {HELP}",
            )
        return row.geometry.x, row.geometry.y, args["place"]
    for name in ("lat", "lon"):
        if name not in args:
            raise QueryError(name, f"missing; {HELP}")
    return params.parse_number("lon", args["lon"]), params.parse_number("lat", args["lat"]), None


@bp.get("/regime")
def regime():
    """The zones around the point, which were in force on the date, and what they restricted then."""
    params.check_known(request.args, {"lat", "lon", "place", "date", "f"})
    if "date" not in request.args:
        raise QueryError("date", f"missing; {HELP}")
    lon, lat, place = _point()
    return jsonify({**answer_at(lon, lat, request.args["date"]), "place": place})


def answer_at(lon: float, lat: float, on: str, *, date_name: str = "date") -> dict:
    """The regime at a point on a date (layers.regime.regime_at on the store's layers); a bad value a 400 naming
    the request's parameter (`date_name` for the date)."""
    store = get_store()
    try:
        return regime_at(lon, lat, on, store.frame("zones"), _border(store), store.soviet_land())
    except BadValue as exc:  # the function's parameter, named as the request names it
        raise QueryError({"on": date_name}.get(exc.parameter, exc.parameter), exc.reason) from None


def _border(store):
    frame = store.frame("border")
    if frame.empty:
        raise NotFound("the border layer is empty: run `make data`")
    return frame.geometry.iloc[0]
