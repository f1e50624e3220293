"""OGC API - Features service documents: the landing page, /conformance and /api (OpenAPI 3.0)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from webapp import mapview, params
from webapp.openapi import DESCRIPTION, TITLE, openapi

bp = Blueprint("ogc", __name__)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",  # /collections/{id}/queryables
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",  # ?feature_type=town
]


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
