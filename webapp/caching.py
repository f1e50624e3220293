"""Conditional requests: an ETag from the data version, 304 Not Modified, Cache-Control on what a build makes.

Every answer derived from a build is fixed by (data version, path, query, the representation the Accept header
picks), so its ETag is a hash of those and a matching If-None-Match is answered 304 before any work is done.
The ETag is weak: the items' `timeStamp` says when a response was made. A pinned answer (`/v/<release>/...`,
webapp/pinned.py) never changes (its `timeStamp` is the release's): its ETag is strong (the release's id) and it
may be cached for a year.

`X-Accel-Expires` (read by nginx, never passed on to clients) says how long nginx's shared micro-cache
(deploy/nginx.conf) may keep an answer: only the answers marked here are kept there, a plain one for
PROXY_SECONDS (a new build is served within about a second), a pinned one for PROXY_PINNED_SECONDS (a pruned
release answers 410 within that time); each is then revalidated with its ETag, which a 304 answers cheaply.
Nothing private, carrying a nonce, or other than 200/304 is marked.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request

from store.errors import NotFound
from webapp import pinned
from webapp.store import get_store

CACHE_CONTROL = "public, max-age=60"  # then revalidate: a rebuilt atlas has a new ETag
IMMUTABLE = "public, max-age=31536000, immutable"  # a pinned answer: its release never changes
NOT_DERIVED = {"assets", None}  # blueprints whose answers do not come from the build (None: Flask's static)
_VARIANTS = ["application/json", "application/geo+json", "text/html"]
PROXY_SECONDS = 1  # how long nginx may serve a plain answer before revalidating it (X-Accel-Expires)
PROXY_PINNED_SECONDS = 300  # a pinned one: its release never changes, but may be pruned
PRIVATE = "private_blueprints"  # app.extensions key: blueprints whose answers are per user (never cached, no ETag)
# app.extensions key: a callable, true when the request comes from a signed-in reviewer (webapp.contribute.web sets
# it). What such a user is shown is theirs alone (the reader marks the paragraphs no record cites): never shared,
# cached, or answered 304 from what another user was sent.
REVIEWER = "reviewer_signed_in"


def _private() -> bool:
    return request.blueprint in current_app.extensions.get(PRIVATE, ()) or reviewer()


def reviewer() -> bool:
    """Is this request from a signed-in reviewer (false on a read-only atlas, which has no accounts)?"""
    check = current_app.extensions.get(REVIEWER)
    return bool(check and check())


def _derived() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint not in (None, "static")
        and (request.blueprint not in NOT_DERIVED)
        and not _private()
    )


def etag() -> str:
    """The weak ETag of this request's answer: the data version and a hash of what selects the answer (the
    scheme, host and prefix its links are built on included: an http and an https answer differ)."""
    variant = request.accept_mimetypes.best_match(_VARIANTS) or ""
    selector = f"{request.root_url}{request.path}?{request.query_string.decode('latin-1')}#{variant}"
    store = get_store()  # the store this answer was made from (one per request)
    digest = hashlib.sha256(selector.encode()).hexdigest()[:16]
    release = pinned.requested()
    return f'"{release.id}-{digest}"' if release else f'W/"{store.version}-{digest}"'


def cache_control() -> str:
    return IMMUTABLE if pinned.requested() else CACHE_CONTROL


def shared_headers() -> dict[str, str]:
    """What a shareable answer (200, or 304 to a revalidation) tells browsers and nginx's micro-cache."""
    seconds = PROXY_PINNED_SECONDS if pinned.requested() else PROXY_SECONDS
    return {"Cache-Control": cache_control(), "X-Accel-Expires": str(seconds)}


def _not_modified() -> Response | None:
    if not _derived() or "If-None-Match" not in request.headers:
        return None
    try:
        tag = etag()
    except NotFound:  # no data built yet: let the view say so
        return None
    if tag.removeprefix("W/") not in {
        t.strip().removeprefix("W/") for t in request.headers["If-None-Match"].split(",")
    }:
        return None
    return Response(status=304, headers={"ETag": tag, **shared_headers(), "Vary": "Accept"})


def _tag(response: Response) -> Response:
    if g.get("csp_nonce_used") or _private():  # a page with this response's nonce in it (webapp/security.py)
        response.headers["Cache-Control"] = "no-store"
        return response
    if _derived() and response.status_code == 200:
        try:
            response.headers["ETag"] = etag()
        except NotFound:
            return response
        response.headers.update(shared_headers())
        response.vary.add("Accept")
    return response


def register(app: Flask) -> None:
    """Install the conditional-request hooks."""
    app.before_request(_not_modified)
    app.after_request(_tag)
