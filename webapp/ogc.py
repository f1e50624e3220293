"""OGC API - Features service documents: the landing page, /conformance and /api (OpenAPI 3.0)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from webapp import mapview, params

bp = Blueprint("ogc", __name__)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]
TITLE = "Border Atlas"
DESCRIPTION = "The Kazakh–Xinjiang section of the Soviet–Chinese border, 1918–1940: border, legal zones and sources."


@bp.get("/")
def landing():
    """The landing page: the map (HTML) or the OGC API landing document (JSON)."""
    params.check_known(request.args, {"f"})
    if params.wants_html():  # browsers ask for text/html: they get the map; API clients get JSON
        return mapview.page()
    link = lambda rel, endpoint, kind, title: {  # noqa: E731 - a local table builder
        "rel": rel,
        "type": kind,
        "title": title,
        "href": url_for(endpoint, _external=True),
    }
    return jsonify(
        {
            "title": TITLE,
            "description": DESCRIPTION,
            "links": [
                link("self", "ogc.landing", "application/json", "this document"),
                link("service-desc", "ogc.api_document", "application/vnd.oai.openapi+json;version=3.0", "the API"),
                link("conformance", "ogc.conformance", "application/json", "conformance classes"),
                link("data", "api.collections", "application/json", "the collections"),
                link("alternate", "mapview.page", "text/html", "the map"),
            ],
        }
    )


@bp.get("/conformance")
def conformance():
    """The conformance classes this server implements."""
    params.check_known(request.args, {"f"})
    if params.wants_html():
        return render_template("conformance.html", title="Conformance", conforms=CONFORMANCE, json_url=None)
    return jsonify({"conformsTo": CONFORMANCE})


@bp.get("/api")
def api_document():
    """The OpenAPI 3.0 description of every path and parameter the server has."""
    params.check_known(request.args, {"f"})
    response = jsonify(openapi())
    response.mimetype = "application/vnd.oai.openapi+json"
    return response


def _param(name: str, schema: dict, description: str, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


def _error() -> dict:
    return {
        "description": "bad request or not found",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}},
    }


def _json(ref: str, kind: str = "application/json") -> dict:
    return {
        "description": "OK",
        "content": {
            kind: {"schema": {"$ref": f"#/components/schemas/{ref}"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def openapi() -> dict:
    """The API document, built from the routes' own parameter lists."""
    f_html = _param("f", {"type": "string", "enum": sorted(params.FORMATS)}, "output format")
    cid = _param("collectionId", {"type": "string"}, "collection id", "path", True)
    items_params = [
        cid,
        _param("datetime", {"type": "string"}, params.DATETIME_HELP),
        _param(
            "bbox",
            {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            "minlon,minlat,maxlon,maxlat",
        ),
        _param(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": params.MAX_LIMIT, "default": params.DEFAULT_LIMIT},
            "page size",
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
        "servers": [{"url": request.host_url.rstrip("/")}],
        "paths": {
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
                "get": op("Features of a collection", items_params, _json("featureCollection", "application/geo+json"))
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": op(
                    "One feature",
                    [cid, _param("featureId", {"type": "string"}, "feature id", "path", True), f_html],
                    _json("feature", "application/geo+json"),
                )
            },
        },
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {
                        "code": {"type": "string"},
                        "description": {"type": "string"},
                        "parameter": {"type": "string"},
                    },
                },
                "conformance": {
                    "type": "object",
                    "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
                },
                "collections": {
                    "type": "object",
                    "required": ["collections", "links"],
                    "properties": {
                        "collections": {"type": "array", "items": {"$ref": "#/components/schemas/collection"}},
                        "links": {"type": "array"},
                    },
                },
                "collection": {
                    "type": "object",
                    "required": ["id", "links"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "extent": {"type": "object"},
                        "links": {"type": "array"},
                    },
                },
                "featureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array", "items": {"$ref": "#/components/schemas/feature"}},
                        "numberMatched": {"type": "integer"},
                        "numberReturned": {"type": "integer"},
                        "links": {"type": "array"},
                    },
                },
                "feature": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Feature"]},
                        "id": {"type": "string"},
                        "geometry": {"nullable": True, "type": "object"},
                        "properties": {"type": "object"},
                    },
                },
            }
        },
    }
