"""OGC API - Features paths: /collections, /collections/{id}, /collections/{id}/items[/{fid}]."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from layers.dates import parse_partial
from layers.registry import REGISTRY
from store.errors import NotFound, QueryError
from webapp import certainty, geojson, itempage, params, pinned, queryables
from webapp.store import get_store

bp = Blueprint("api", __name__)
GEOJSON = "application/geo+json"
FILTERS = {"datetime", "year", "bbox", "bbox-crs"}  # the period in either form (params.parse_period), the box
ITEMS_PARAMS = FILTERS | {"limit", "offset", "f"}
GRID_PARAMS = FILTERS | {"cells"}


def _html(template: str, title: str, **context):
    """An HTML view (autoescaped), with a link to the same resource as JSON."""
    json_url = url_for(request.endpoint, **(request.view_args or {}), **{**request.args.to_dict(), "f": "json"})
    return render_template(template, title=title, json_url=json_url, **context)


def collection_ids() -> list[str]:
    """The collections this server has, in the registry's order."""
    stored = get_store().collections()
    return [cid for cid in REGISTRY if cid in stored]


def check_collection(cid: str) -> None:
    """NotFound unless `cid` is a collection this server has."""
    if cid not in collection_ids():
        raise NotFound(f"no collection {cid!r}; available: {collection_ids()}")


def _extent(cid: str) -> dict:
    frame = get_store().frame(cid)
    starts = [parse_partial(s)[0].isoformat() for s in frame["start"] if s]
    ends = [parse_partial(e)[1].isoformat() for e in frame["end"] if e]
    open_end = any(e is None for e in frame["end"])
    return {
        "spatial": {
            "bbox": [[round(v, 7) for v in frame.total_bounds]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        },
        "temporal": {"interval": [[min(starts, default=None), None if open_end else max(ends, default=None)]]},
    }


def _collection(cid: str) -> dict:
    module = REGISTRY[cid]
    items = url_for("api.items", cid=cid, _external=True)
    return {
        "id": cid,
        "title": module.TITLE,
        "description": module.DESCRIPTION,
        "itemType": "feature",
        "extent": _extent(cid),
        "crs": params.BBOX_CRS,
        "links": [
            {"rel": "self", "type": "application/json", "href": url_for("api.collection", cid=cid, _external=True)},
            {"rel": "items", "type": GEOJSON, "href": items},
            {
                "rel": queryables.REL,
                "type": queryables.MEDIA_TYPE,
                "title": "what the items can be filtered on",
                "href": url_for("api.collection_queryables", cid=cid, _external=True),
            },
        ],
    }


@bp.get("/collections")
def collections():
    """The collections this server has."""
    params.check_known(request.args, {"f"})
    body = {
        "collections": [_collection(cid) for cid in collection_ids()],
        "links": [{"rel": "self", "type": "application/json", "href": url_for("api.collections", _external=True)}],
    }
    if params.wants_html():
        return _html("collections.html", "Collections", collections=body["collections"])
    return jsonify(body)


@bp.get("/collections/<cid>")
def collection(cid: str):
    """One collection's description and extent."""
    params.check_known(request.args, {"f"})
    check_collection(cid)
    body = _collection(cid)
    if params.wants_html():
        return _html("collection.html", body["title"], collection=body)
    return jsonify(body)


@bp.get("/collections/<cid>/queryables")
def collection_queryables(cid: str):
    """What a collection's items can be filtered on (OGC API - Features - Part 3), as a JSON Schema."""
    params.check_known(request.args, {"f"})
    check_collection(cid)
    href = url_for("api.collection_queryables", cid=cid, _external=True)
    body = queryables.schema(cid, REGISTRY[cid].TITLE, get_store(), href)
    if params.wants_html():
        return _html("queryables.html", body["title"], schema=body, cid=cid)
    response = jsonify(body)
    response.mimetype = queryables.MEDIA_TYPE
    return response


def item_query(cid: str, extra: set[str] = frozenset()) -> dict:
    """The filters of an items or download request: datetime, bbox and equality on properties."""
    args = request.args
    store = get_store()
    properties = set(store.filterable(cid))
    params.check_known(args, ITEMS_PARAMS | extra | properties)
    equals = {k: params.parse_equals(k, v) for k, v in args.items() if k in properties}
    return params.parse_filters(args, store.first_date()) | {"equals": equals}


@bp.get("/collections/<cid>/items")
def items(cid: str):
    """Features of a collection, filtered by datetime, bbox and properties, paged by limit and offset."""
    check_collection(cid)
    query = item_query(cid)
    html = params.wants_html()
    limit = params.parse_limit(request.args.get("limit"))
    offset = params.parse_int("offset", request.args.get("offset", "0"), 0)
    page = _table_rows if html else get_store().items  # HTML shows a table: no feature is decoded for it
    texts, matched = page(cid, **query, limit=limit, offset=offset)
    if not html:
        texts = list(certainty.mark_texts(get_store(), cid, texts, query["period"]))
    rest = {
        "numberMatched": matched,
        "numberReturned": len(texts),
        "timeStamp": pinned.time_stamp() or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": _page_links(cid, offset, limit, matched),
    }
    if html:
        body = {"type": "FeatureCollection", "features": texts, **rest}
        return _html("items.html", f"{REGISTRY[cid].TITLE}: items", body=body, cid=cid)
    return current_app.response_class(_feature_collection(texts, rest), mimetype=GEOJSON)


def _table_rows(cid: str, **query) -> tuple[list[dict], int]:
    """A page of features as the HTML table shows them (properties, the geometry's type), from the decoded layer:
    no stored text is parsed and no coordinates are copied."""
    frame, matched = get_store().query(cid, **query)
    rows = frame.drop(columns=frame.geometry.name).to_dict("records")
    kinds = [None if g is None or g.is_empty else {"type": g.geom_type} for g in frame.geometry]
    return [{"id": r["id"], "properties": r, "geometry": k} for r, k in zip(rows, kinds, strict=True)], matched


@bp.get("/collections/<cid>/grid")
def grid(cid: str):
    """How many features match the datetime in each cell of a grid over the bbox (for a map too full to draw)."""
    check_collection(cid)
    args, store = request.args, get_store()
    params.check_known(args, GRID_PARAMS)
    if "bbox" not in args:
        raise QueryError("bbox", "a count grid needs a bbox; allowed: four numbers minlon,minlat,maxlon,maxlat")
    filters = params.parse_filters(args, store.first_date())
    period, bbox = filters["period"], filters["bbox"]
    cells = params.parse_cells(args.get("cells"))
    counts = store.grid(cid, bbox=bbox, cells=cells, period=period)
    width, height = (bbox[2] - bbox[0]) / cells, (bbox[3] - bbox[1]) / cells
    return jsonify(
        {
            "collection": cid,
            "bbox": list(bbox),
            "cells": cells,
            "numberMatched": sum(n for _, _, n in counts),
            "grid": [
                {
                    "column": col,
                    "row": row,
                    "count": n,
                    "bbox": [bbox[0] + col * width, bbox[1] + row * height]
                    + [bbox[0] + (col + 1) * width, bbox[1] + (row + 1) * height],
                }
                for col, row, n in counts
            ],
        }
    )


def _feature_collection(texts: list[bytes], rest: dict) -> list[bytes]:
    """A FeatureCollection whose features are the stored texts (UTF-8), joined, not decoded and encoded again: three
    parts sent one after the other (not copied into one string: a page of zones is 15 MB)."""
    tail = current_app.json.dumps(rest)  # '{"numberMatched": ...}'
    return [b'{"type":"FeatureCollection","features":[', b",".join(texts), b"]," + tail[1:].encode()]


def _page_links(cid: str, offset: int, limit: int, matched: int) -> list[dict]:
    base = {k: v for k, v in request.args.items() if k not in ("offset", "limit", "f")}

    def link(rel: str, start: int) -> dict:
        href = url_for("api.items", cid=cid, _external=True, **base, limit=limit, offset=start)
        return {"rel": rel, "type": GEOJSON, "href": href}

    links = [link("self", offset)]
    if offset + limit < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(offset - limit, 0)))
    return links


@bp.get("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str):
    """One feature by id."""
    params.check_known(request.args, {"f"})
    html = params.wants_html()
    check_collection(cid)
    if not html:  # the stored text, as items serves it: a large zone is not decoded and encoded again
        return current_app.response_class(get_store().feature_text(cid, fid), mimetype=GEOJSON)
    feature = geojson.features(get_store().get(cid, fid))[0]
    title = feature["properties"].get("name") or fid
    return _html("item.html", title, feature=feature, **itempage.context(cid, feature))
