"""Errors translated in one place: JSON for API clients, a small page for a browser (webapp/params.error_in_html)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from layers.registry import REGISTRY
from store.errors import Busy, NotFound, QueryError
from webapp import params

# The first part of a path -> the page that lists what exists there: (its words, endpoint, arguments).
LISTS = {
    "places": ("every place", "api.items", {"cid": "places", "f": "html"}),
    "incidents": ("every incident", "api.items", {"cid": "incidents", "f": "html"}),
    "collections": ("the collections", "api.collections", {"f": "html"}),
    "texts": ("the source texts", "texts.texts_page", {}),
    "releases": ("the releases", "releases.releases_page", {}),
    "tours": ("the guided tours", "tours.tours_page", {}),
}
TOURS = ("a guided tour", "tours.tours_page")  # offered on every error page, as a way in beside the map


def _listing() -> dict | None:
    """The page that lists what exists where the request went (a known collection's own page), or None."""
    cid = (request.view_args or {}).get("cid")
    if cid in REGISTRY:
        return {"words": REGISTRY[cid].TITLE, "url": url_for("api.collection", cid=cid, f="html")}
    found = LISTS.get(request.path.strip("/").split("/")[0])
    return {"words": found[0], "url": url_for(found[1], **found[2])} if found else None


def _page(status: int, description: str, parameter: str | None, reason: str | None):
    """The error as a page: its status, the message (escaped by the template), the way back; None when the page
    cannot be made (the JSON says it all the same)."""
    title = f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}"
    try:
        body = render_template(
            "error.html",
            title=title,
            description=description,
            parameter=parameter,
            reason=reason,
            listing=_listing(),
            tours={"words": TOURS[0], "url": url_for(TOURS[1])},
            release_banner=lambda: None,  # nothing about releases that could fail again (a release gone, no build)
        )
    except Exception:  # noqa: BLE001 - any failure here falls back to the JSON
        current_app.logger.exception("the error page could not be made")
        return None
    return current_app.response_class(body, status=status, mimetype="text/html")


def _body(status: int, code: str, description: str, parameter: str | None = None, reason: str | None = None):
    """The error as JSON ({code, description, parameter}), or as a page when the client asks for HTML."""
    response = _page(status, description, parameter, reason) if params.error_in_html() else None
    if response is None:
        extra = {"parameter": parameter} if parameter else {}
        response = jsonify({"code": code, "description": description, **extra})
        response.status_code = status
    response.vary.add("Accept")
    return response


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(QueryError)
    def _query_error(exc: QueryError):
        return _body(400, "InvalidParameterValue", str(exc), exc.parameter, exc.reason)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return _body(exc.status, "Gone" if exc.status == 410 else "NotFound", str(exc.args[0]))

    @app.errorhandler(Busy)
    def _busy(exc: Busy):
        response = _body(503, "ServiceUnavailable", exc.reason)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(SecurityError)
    def _untrusted_host(exc: SecurityError):
        host = request.environ.get("HTTP_HOST", "")
        allowed = current_app.config.get("TRUSTED_HOSTS")
        reason = (
            f"{host[:100]!r} is not a host this server answers for; allowed: {allowed} "
            "(the server's BORDER_ATLAS_PUBLIC_URL or BORDER_ATLAS_TRUSTED_HOSTS)"
        )
        return _body(400, "InvalidParameterValue", reason, "Host")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = _body(exc.code or 500, exc.name.replace(" ", ""), exc.description or exc.name)
        for name, value in exc.get_headers():  # e.g. `Allow` on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
