"""Errors as JSON responses, translated in one place."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, SecurityError

from layers import NotFound, QueryError


class Busy(Exception):
    """The server is at its limit for this kind of request (HTTP 503): try again after `retry_after` seconds."""

    status = 503

    def __init__(self, reason: str, retry_after: int):
        self.reason, self.retry_after = reason, retry_after
        super().__init__(reason)


def _body(status: int, code: str, description: str, **extra):
    response = jsonify({"code": code, "description": description, **extra})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(QueryError)
    def _query_error(exc: QueryError):
        return _body(400, "InvalidParameterValue", str(exc), parameter=exc.parameter)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return _body(404, "NotFound", str(exc.args[0]))

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
        return _body(400, "InvalidParameterValue", reason, parameter="Host")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = _body(exc.code or 500, exc.name.replace(" ", ""), exc.description or exc.name)
        for name, value in exc.get_headers():  # e.g. `Allow` on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
