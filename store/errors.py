"""The errors a query of the store raises, beside its interface (store.base), each carrying its HTTP meaning:
the web app answers them in one place (webapp.errors)."""

from __future__ import annotations


class QueryError(ValueError):
    """A request parameter is invalid (HTTP 400)."""

    status = 400

    def __init__(self, parameter: str, reason: str):
        self.parameter, self.reason = parameter, reason
        super().__init__(f"`{parameter}`: {reason}")


class NotFound(LookupError):
    """A collection or feature does not exist (HTTP 404)."""

    status = 404


class Gone(NotFound):
    """Something that existed and was removed on purpose, e.g. a pruned release (HTTP 410)."""

    status = 410


class Busy(Exception):
    """The server is at its limit for this kind of request (HTTP 503): try again after `retry_after` seconds."""

    status = 503

    def __init__(self, reason: str, retry_after: int):
        self.reason, self.retry_after = reason, retry_after
        super().__init__(reason)


__all__ = ["Busy", "Gone", "NotFound", "QueryError"]
