"""The file name of a download, made safe whatever it is made of (RFC 6266).

A name made from data (a feature's id in a citation file's name) may hold a quote, a semicolon, a slash or a
newline that would end the header's `filename` and start another, or choose another extension. Every character
but letters, digits, `.`, `_` and `-` becomes `_`, a leading dot is dropped; `filename` carries the name in
ASCII and `filename*` in UTF-8 (percent-encoded), which browsers prefer.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

UNSAFE = re.compile(r"[^\w.-]", re.ASCII)
UNSAFE_UNICODE = re.compile(r"[^\w.-]")


def safe_name(name: str, *, ascii_only: bool = False) -> str:
    """The name with every character that is not a letter, a digit, `.`, `_` or `-` made `_` (ASCII letters only if
    `ascii_only`), without leading dots, at most 150 characters."""
    text = unicodedata.normalize("NFKC", name)
    text = (UNSAFE if ascii_only else UNSAFE_UNICODE).sub("_", text).lstrip(".")
    return text[-150:] or "download"


def disposition(name: str, kind: str = "attachment") -> dict[str, str]:
    """The Content-Disposition header of a download named `name` (`kind`: attachment or inline)."""
    plain, full = safe_name(name, ascii_only=True), safe_name(name)
    return {"Content-Disposition": f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(full, safe='')}"}
