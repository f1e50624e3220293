"""Errors a data build can raise, each carrying what a user needs to fix it (a query's are store.errors).

DataError, a malformed source file, is defined on the evidence floor (evidence/errors.py), which reads sources too.
"""

from __future__ import annotations

from evidence.errors import DataError, entry_line

__all__ = ["BadValue", "DataError", "entry_line"]


class BadValue(ValueError):
    """A value given to a layer's function is not one it takes: names the parameter and what is allowed (the web
    app answers it as a bad request parameter)."""

    def __init__(self, parameter: str, reason: str):
        self.parameter, self.reason = parameter, reason
        super().__init__(f"`{parameter}`: {reason}")
