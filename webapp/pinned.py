"""Pinned URLs: `/v/<release>/...` answers every route from that release's store, and never changes.

One mechanism for every route: a WSGI layer moves `/v/<release>` from the path to the script root (so that
Flask routes the rest as usual, and every link url_for builds on a pinned page stays pinned), and
webapp.store.get_store opens the release's store for such a request. The plain URLs serve the build at STORE,
which the build also keeps as its latest release (store.releases); citations of a plain page name that release.

The releases are read from RELEASES (BORDER_ATLAS_RELEASES), by default data/releases beside the default
store, else a `releases` directory beside STORE (store.releases.beside); on PostGIS, from the database's
catalogue of release schemas (store.pg_releases).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request, url_for

from store import config as store_config
from store import releases
from store.base import Store
from store.errors import NotFound

KEY, ROOT_KEY = "atlas.release", "atlas.script_root"  # the release a request names; the script root before it
PINNED = re.compile(r"^/v/([0-9A-Za-z][0-9A-Za-z.-]{0,39})(/.*)?$")
OPEN_RELEASES = 8  # release stores kept open (with what was derived from them), the least recently used closed


class Pinned:
    """WSGI: `/v/<release>/rest` is routed as `/rest` under the script root `.../v/<release>`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        match = PINNED.match(environ.get("PATH_INFO", ""))
        if match:
            script = environ.get("SCRIPT_NAME", "")
            environ.update({KEY: match.group(1), ROOT_KEY: script, "SCRIPT_NAME": f"{script}/v/{match.group(1)}"})
            environ["PATH_INFO"] = match.group(2) or "/"
        return self.app(environ, start_response)


def directory(app: Flask | None = None) -> releases.Releases:
    """The app's releases: the directory of GeoPackage releases, or on PostGIS the database's catalogue."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("atlas_releases")
    if found is None:
        found = app.extensions["atlas_releases"] = _directory(app)
    return found


def _directory(app: Flask) -> releases.Releases:
    if store_config.engine(app.config) == "postgis":
        from store.pg_releases import Catalogue

        return Catalogue(store_config.database(app.config, app.extensions))
    return releases.Directory(app.config.get("RELEASES") or releases.beside(app.config["STORE"]))


def requested() -> releases.Release | None:
    """The release this request names (`/v/<release>/...`), None for a plain URL or outside a request (the app's
    store); NotFound (404) or Gone (410)."""
    if not has_request_context():
        return None
    name = request.environ.get(KEY)
    if name is None:
        if request.path.startswith("/v/"):
            raise NotFound(f"{request.path[:60]!r} names no release; the releases are listed at /releases")
        return None
    if "atlas_release" not in g:
        g.atlas_release = directory().find(name)
    return g.atlas_release


def release_store(release: releases.Release) -> tuple[Store, dict]:
    """(the release's store, what was derived from it), kept open for the next requests."""
    app = current_app._get_current_object()
    cache = app.extensions.setdefault("atlas_pinned", OrderedDict())
    if release.number not in cache:
        cache[release.number] = (directory(app).open(release), {})
        while len(cache) > OPEN_RELEASES:
            cache.popitem(last=False)
    cache.move_to_end(release.number)
    return cache[release.number]


def current(store: Store) -> releases.Release | None:
    """The release an answer from `store` belongs to: the pinned one, or the release kept of the plain build."""
    return requested() or directory().of_version(store.version)


def root() -> str:
    """The external root URL without any `/v/<release>` (the public URL or the trusted origin, webapp/origin.py)."""
    return request.host_url.rstrip("/") + request.environ.get(ROOT_KEY, request.script_root) + "/"


def link(number: str, path: str, external: bool = False) -> str:
    """The pinned URL of `path` (as url_for gives it on a plain page, without the script root) at a release."""
    base = root() if external else request.environ.get(ROOT_KEY, request.script_root) + "/"
    return f"{base}v/{number}/{path.lstrip('/')}"


def path_of(url: str) -> str:
    """A url_for result without this request's script root (plain or pinned)."""
    return url[len(request.script_root) :] if url.startswith(request.script_root) else url


def cite_url(url: str, store: Store) -> str:
    """The URL to cite for an external URL of this request: pinned at its release (unchanged when already
    pinned, or when the build is no release)."""
    release = current(store)
    plain_root = request.url_root
    if request.environ.get(KEY) is None and release is not None and url.startswith(plain_root):
        return link(release.number, url[len(plain_root) :], external=True)
    return url


def map_cite_url(store: Store) -> str | None:
    """The map's URL "Cite this view" gives (the view's hash appended): pinned at the page's release, absolute on
    the public URL, else a path the browser resolves on the page's own origin; None (the page's own address)
    when the build is no release and no public URL is set."""
    public = current_app.config.get("PUBLIC_URL")
    if current(store) is None and not public:
        return None
    url = cite_url(url_for("mapview.page", _external=True), store)
    return url if public else urlsplit(url).path


def time_stamp() -> str | None:
    """The `timeStamp` of a pinned answer: when its release was made (so that its bytes never change), else None."""
    release = requested()
    return release.created if release else None


def data_words(store: Store) -> str:
    """How a citation names the data: "release 2026.12.3-1 (data version ...)", or the data version alone."""
    release = current(store)
    return f"Release {release.number} (data version {store.version})" if release else f"Data version {store.version}"


def page_context(app: Flask) -> dict:
    """test_request_context arguments for a page made once for every client of this request's release."""
    from webapp import origin

    base = origin.base_url(app).rstrip("/") + "/"
    name = request.environ.get(KEY)
    if name is None:
        return {"base_url": base}
    prefix = urlsplit(base).path.rstrip("/")
    return {"base_url": f"{base}v/{name}/", "environ_overrides": {KEY: name, ROOT_KEY: prefix}}


def register(app: Flask) -> None:
    """Route `/v/<release>/...` (inside webapp/origin.py's layer, which resets the script root first); refuse an
    unknown release before any work (404, or 410 for a pruned one)."""
    app.wsgi_app = Pinned(app.wsgi_app)

    @app.before_request
    def _known_release() -> None:
        requested()
