"""The OpenAPI 3.0 document of the server (GET /api): every path, parameter and answer it has."""

from __future__ import annotations

from flask import request

from evidence import citation_formats
from layers import schema
from webapp import params
from webapp.openapi_schemas import SCHEMAS

TITLE = schema.NAME
DESCRIPTION = f"{schema.SUBJECT[0].upper()}{schema.SUBJECT[1:]}, {schema.YEARS_TEXT}: border, legal zones and sources."

# What the server parses (webapp.params.parse_datetime): a date or date-time, or an interval whose ends may be
# open ('..' or empty). A year outside 1918-1940 or an impossible day (1930-02-30) matches and gets a 400.
_DATE = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T[0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
DATETIME_PATTERN = rf"^({_DATE}|({_DATE}|\.\.)?/({_DATE}|\.\.)?)$"
YEARS_PATTERN = r"^[0-9]{4}(-[0-9]{4})?$"
PERIOD = params.PERIOD_HELP  # `year` (webapp.params.parse_years): a year or a range of years


def _param(name: str, schema: dict, description: str, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


def _error() -> dict:
    """A 400 or 404: JSON naming the parameter and what is allowed, or the same as a page for a client that asks
    for HTML (`f=html`, or an Accept header that prefers it: webapp/params.error_in_html)."""
    return {
        "description": "bad request or not found (as a page when the client asks for HTML)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/exception"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def _json(ref: str, kind: str = "application/json") -> dict:
    return {
        "description": "OK",
        "content": {
            kind: {"schema": {"$ref": f"#/components/schemas/{ref}"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def _page() -> dict:
    return {
        "description": "OK",
        "content": {
            "application/json": {"schema": {}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def _more_paths(op, cid: dict, f_html: dict, items_params: list) -> dict:
    """Downloads, the regime at a point, place pages and the other pages the server has."""
    from webapp.downloads import COLLECTION_FORMATS, DATASET_FORMATS
    from webapp.figure import schema as figure_schema

    fmt = lambda values: _param("format", {"type": "string", "enum": values, "default": "geojson"}, "file format")  # noqa: E731
    filters = [p for p in items_params if p["name"] in ("datetime", "year", "bbox", "bbox-crs")]
    view_filters = [p for p in filters if p["name"] != "bbox-crs"]  # /cite: the map view's own
    grid_filters = [p | {"required": p["name"] == "bbox"} for p in filters]
    cells = {"type": "integer", "minimum": 1, "maximum": params.MAX_CELLS, "default": params.DEFAULT_CELLS}
    only_f = [_param("f", {"type": "string", "enum": sorted(params.FORMATS)}, "output format")]
    number = {"type": "number"}
    regime = [
        _param("lat", number, "latitude, WGS84 degrees (-90..90)"),
        _param("lon", number, "longitude, WGS84 degrees (-180..180)"),
        _param("place", {"type": "string"}, "a place id, instead of lat/lon"),
        _param("date", {"type": "string"}, f"YYYY, YYYY-MM or YYYY-MM-DD within {schema.YEARS_TEXT}", required=True),
        only_f[0],
    ]
    pid = _param("placeId", {"type": "string"}, "place id", "path", True)
    iid = _param("incidentId", {"type": "string"}, "incident id", "path", True)
    doc = _param("documentId", {"type": "string"}, "document id (see /texts)", "path", True)
    cite_fmt = _param("format", {"type": "string", "enum": sorted(citation_formats.FORMATS)}, "citation format")
    return {
        "/collections/{collectionId}/download": {
            "get": op(
                "One collection as a file",
                [cid, fmt(sorted(COLLECTION_FORMATS)), *filters],
                _download([mimetype for *_, mimetype in COLLECTION_FORMATS.values()]),
            )
        },
        "/download": {
            "get": op(
                "Every collection in one file",
                [fmt(sorted(DATASET_FORMATS)), *filters],
                _download([mimetype for *_, mimetype in DATASET_FORMATS.values()]),
            )
        },
        "/collections/{collectionId}/queryables": {
            "get": op(
                "What a collection's items can be filtered on, as a JSON Schema (OGC API - Features - Part 3)",
                [cid, f_html],
                _json("queryables", "application/schema+json"),
            )
        },
        "/collections/{collectionId}/grid": {
            "get": op(
                "How many features of a collection fall in each cell of a grid over a bbox (a count, not places)",
                [cid, *grid_filters, _param("cells", cells, "cells along each side of the grid")],
                _json("countGrid"),
            )
        },
        "/collections/places/lpf": {
            "get": op(
                "The gazetteer as Linked Places Format",
                [_param("f", {"type": "string", "enum": ["json"]}, "format")],
                {"description": "OK", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
            )
        },
        "/places/{placeId}": {"get": op("A place: names, location, sources", [pid, *only_f], _page())},
        "/incidents/{incidentId}": {
            "get": op("An incident: when, where (with its level), what happened, sources", [iid, *only_f], _page())
        },
        "/regime": {"get": op("What border regime applied at a point or place on a date", regime, _page())},
        "/quality": {"get": op("The data-quality report of the last build", only_f, _page())},
        "/statistics": {"get": op("Yearly figures (aggregates)", only_f, _page())},
        "/changes": {
            "get": op(
                "What changed between two years: zones, acts, units, posts, incidents and flows, each cited",
                [
                    _param(
                        "from",
                        {"type": "integer", "minimum": schema.YEARS[0], "maximum": schema.YEARS[1]},
                        "the first year",
                    ),
                    _param(
                        "to",
                        {"type": "integer", "minimum": schema.YEARS[0], "maximum": schema.YEARS[1]},
                        "the later year",
                    ),
                    *regime[:2],  # with both: "at_point", the regime there at both moments
                    *only_f,
                ],
                _page(),
            )
        },
        "/charts": {
            "get": op("Charts: detentions and deaths by year, migration by period, features per year", only_f, _page())
        },
        "/customs/tariff-1923": {"get": op("The 1923 customs tariff (Shemetova 2020)", only_f, _page())},
        "/texts": {"get": op("The source documents: record, licence, what is shipped", only_f, _page())},
        "/cite": {
            "get": op(
                "The sources of a view (collections, datetime, bbox) or of the whole atlas, for reference managers",
                [cite_fmt, _param("collections", {"type": "string"}, "comma-separated collection ids"), *view_filters],
                _citations(),
            )
        },
        "/collections/{collectionId}/items/{featureId}/cite": {
            "get": op(
                "The sources of one feature, for reference managers",
                [cid, _param("featureId", {"type": "string"}, "feature id", "path", True), cite_fmt],
                _citations(),
            )
        },
        "/releases": {"get": op("The releases, newest first: counts and a summary of their changes", only_f, _page())},
        "/releases/{releases}": {
            "get": op(
                "`a...b`: every change between two releases; one release: its changes against the one before",
                [_param("releases", {"type": "string"}, "a release, or two joined by ...", "path", True), *only_f],
                _page(),
            )
        },
        "/releases/{release}/cite": {
            "get": op(
                "The atlas's own citation at a release (or `latest`), for reference managers",
                [_param("release", {"type": "string"}, "release number or id", "path", True), cite_fmt],
                _citations(),
            )
        },
        "/texts/{documentId}": {
            "get": op("A source document with its notes, cited passages linked to features", [doc, *only_f], _page())
        },
        **_tour_paths(op, only_f),
        "/figure": {
            "get": op(figure_schema.SUMMARY, figure_schema.parameters(filters, _param), figure_schema.answers())
        },
        "/map": {
            "get": op(
                "The map page", [], {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}
            )
        },
        "/map/places.json": {
            "get": op(
                "Every place under every name: [id, located (0/1), name, other names...] (the map's search index)",
                [],
                {"description": "OK", "content": {"application/json": {"schema": {"type": "array"}}}},
            )
        },
    }


def _download(mimetypes: list[str]) -> dict:
    """A download's answer: GeoJSON is a JSON object, the other formats are files."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "description": "a file",
        "content": {kind: {"schema": {"type": "object"}} if kind.endswith("json") else binary for kind in mimetypes},
    }


def _citations() -> dict:
    shapes = {"csl-json": {"type": "array", "items": {"type": "object"}}}
    content = {m: {"schema": shapes.get(f, {"type": "string"})} for f, (_, m, _) in citation_formats.FORMATS.items()}
    return {"description": "the citations as a file", "content": content}


def _templates(op) -> dict:
    """The contribution templates, one per layer (webapp/contribute/web.py), served with accounts or without."""
    from contrib.columns import LAYERS
    from webapp.contribute.guides import GUIDES
    from webapp.contribute.web import TEMPLATE_FORMATS

    layer = _param("layer", {"type": "string", "enum": list(LAYERS)}, "the layer", "path", True)
    fmt = _param("fmt", {"type": "string", "enum": list(TEMPLATE_FORMATS)}, "file format", "path", True)
    binary = {"schema": {"type": "string", "format": "binary"}}
    ok = {"description": "the template", "content": {kind: binary for _, kind in TEMPLATE_FORMATS.values()}}
    summary = "A layer's template for contributions: CSV, or XLSX with drop-down lists and a sheet of help"
    page = {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}
    guide = _param("page", {"type": "string", "enum": [name for name in GUIDES if name]}, "the guide", "path", True)
    return {
        "/contribute/templates/{layer}.{fmt}": {"get": op(summary, [layer, fmt], ok)},
        "/contribute/guide": {"get": op("The contributions guide: columns, checks, choices, review", [], page)},
        "/contribute/guide/{page}": {"get": op("Another guide of the door: the tour format", [guide], page)},
    }


# OpenAPI links (what a client, or schemathesis's stateful phase, may follow): a response's values that are
# the parameters of another operation. Each holds for every collection: the first collection listed is a
# collection, the first feature of a page is a feature of that collection, and so on.
FEATURE = "/collections/{collectionId}/items/{featureId}"
SAME_COLLECTION = {"collectionId": "$request.path.collectionId"}
LINKS = {
    "/collections": {
        "collection": ("/collections/{collectionId}", {"collectionId": "$response.body#/collections/0/id"}),
    },
    "/collections/{collectionId}": {
        "items": ("/collections/{collectionId}/items", SAME_COLLECTION),
        "download": ("/collections/{collectionId}/download", SAME_COLLECTION),
        "queryables": ("/collections/{collectionId}/queryables", SAME_COLLECTION),
    },
    "/collections/{collectionId}/items": {
        "feature": (FEATURE, {**SAME_COLLECTION, "featureId": "$response.body#/features/0/id"}),
        "collection": ("/collections/{collectionId}", SAME_COLLECTION),
    },
    FEATURE: {
        "collection": ("/collections/{collectionId}", SAME_COLLECTION),
        "items": ("/collections/{collectionId}/items", SAME_COLLECTION),
    },
}


def _with_links(paths: dict) -> dict:
    """`paths` with the LINKS on each operation's 200 response (as operationRef, a JSON pointer)."""
    for source, links in LINKS.items():
        paths[source]["get"]["responses"]["200"]["links"] = {
            name: {
                "operationRef": "#/paths/" + target.replace("~", "~0").replace("/", "~1") + "/get",
                "parameters": values,
            }
            for name, (target, values) in links.items()
        }
    return paths


YEAR = {"type": "integer", "minimum": schema.YEARS[0], "maximum": schema.YEARS[1]}
CERTAINTY_HELP = (
    ". With a datetime, each dated feature (not a place, the border or an area) carries `certainty`: `certain` when "
    "every reading of its dates (`bounds`) overlaps the period, `possible` when only some does (a feature the "
    "sources do not date is possible in every period)"
)


def openapi() -> dict:
    """The API document, built from the routes' own parameter lists."""
    f_html = _param("f", {"type": "string", "enum": sorted(params.FORMATS)}, "output format")
    cid = _param("collectionId", {"type": "string"}, "collection id", "path", True)
    items_params = [
        cid,
        _param("datetime", {"type": "string", "pattern": DATETIME_PATTERN}, params.DATETIME_HELP + CERTAINTY_HELP),
        _param(
            "year",
            {"type": "string", "pattern": YEARS_PATTERN},
            f"the period as the map gives it; {params.PERIOD_HELP}",
        ),
        _param(
            "bbox",
            {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            "minlon,minlat,maxlon,maxlat",
        ),
        _param(
            "bbox-crs",
            {"type": "string", "format": "uri", "enum": params.BBOX_CRS, "default": params.CRS84},
            "the CRS of bbox (OGC API - Features - Part 2): WGS 84 longitude/latitude, the one offered",
        ),
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "default": params.DEFAULT_LIMIT},
            f"page size; a value above {params.MAX_LIMIT:,} is served as {params.MAX_LIMIT:,} (OGC API - Features)",
        ),
        _param("offset", {"type": "integer", "minimum": 0, "default": 0}, "start of the page"),
        f_html,
    ]
    items_params[2]["style"], items_params[2]["explode"] = "form", False
    op = lambda summary, parameters, ok: {  # noqa: E731
        "summary": summary,
        "parameters": parameters,
        "responses": {"200": ok, "400": _error(), "404": _error()},
    }
    landing_ok = {
        "description": "OK",
        "content": {"application/json": {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": TITLE, "description": DESCRIPTION, "version": "0.1.0"},
        "servers": [{"url": request.root_url.rstrip("/")}],
        "paths": _with_links(
            {
                "/": {"get": op("Landing page", [f_html], landing_ok)},
                "/conformance": {"get": op("Conformance classes", [f_html], _json("conformance"))},
                "/api": {
                    "get": op(
                        "This document",
                        [_param("f", {"type": "string", "enum": ["json"]}, "format")],
                        {
                            "description": "OK",
                            "content": {"application/vnd.oai.openapi+json": {"schema": {"type": "object"}}},
                        },
                    )
                },
                "/collections": {"get": op("The collections", [f_html], _json("collections"))},
                "/collections/{collectionId}": {"get": op("One collection", [cid, f_html], _json("collection"))},
                "/collections/{collectionId}/items": {
                    "get": op(
                        "Features of a collection", items_params, _json("featureCollection", "application/geo+json")
                    )
                },
                "/collections/{collectionId}/items/{featureId}": {
                    "get": op(
                        "One feature",
                        [cid, _param("featureId", {"type": "string"}, "feature id", "path", True), f_html],
                        _json("feature", "application/geo+json"),
                    )
                },
                **_more_paths(op, cid, f_html, items_params),
                **_templates(op),
            }
        ),
        "components": {"schemas": SCHEMAS},
    }


def _tour_paths(op, only_f: list[dict]) -> dict:
    """The guided tours (webapp/tours.py): the list, a tour played at its first or n-th step, its handout."""
    slug = _param("slug", {"type": "string"}, "tour id (see /tours)", "path", True)
    step = _param("n", {"type": "integer", "minimum": 1}, "step number, from 1", "path", True)
    tour_f = _param("f", {"type": "string", "enum": ["html", "json", "storymapjs"]}, "the tour played, as JSON, or "
                    "as a StoryMapJS story")  # fmt: skip
    return {
        "/tours": {"get": op("The guided tours: the argument of a source told on the map, step by step", only_f,
                             _page())},
        "/tours/{slug}": {"get": op("A tour, played from its first step", [slug, tour_f], _page())},
        "/tours/{slug}/{n}": {"get": op("A tour at its n-th step (a step's permalink)", [slug, step], _page())},
        "/tours/{slug}/print": {"get": op("A tour as a handout: a page per step with its references", [slug],
                                          _page())},
    }  # fmt: skip
