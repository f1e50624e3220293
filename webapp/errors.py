"""Errors as JSON responses, translated in one place."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from layers import NotFound, QueryError


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

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = _body(exc.code or 500, exc.name.replace(" ", ""), exc.description or exc.name)
        for name, value in exc.get_headers():  # e.g. `Allow` on a 405
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
