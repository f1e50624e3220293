"""Errors a data build or a query can raise, each carrying what a user needs to fix it."""

from __future__ import annotations


class DataError(ValueError):
    """A source file is malformed: names the file, the line and the entry, and what is allowed."""

    def __init__(self, path, line: int | None, entry: str | None, reason: str):
        self.path, self.line, self.entry, self.reason = str(path), line, entry, reason
        where = f"{self.path}:{line}" if line else self.path
        what = f" entry {entry!r}:" if entry else ""
        super().__init__(f"{where}:{what} {reason}")


class QueryError(ValueError):
    """A request parameter is invalid (HTTP 400)."""

    status = 400

    def __init__(self, parameter: str, reason: str):
        self.parameter, self.reason = parameter, reason
        super().__init__(f"`{parameter}`: {reason}")


class NotFound(LookupError):
    """A collection or feature does not exist (HTTP 404)."""

    status = 404
