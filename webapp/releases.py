"""The releases (store.releases) on the web: /releases, the changes between two, a banner on older pinned
pages, and the atlas's own citation per release (/releases/<release>/cite)."""

from __future__ import annotations

import html
import json

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from evidence import citation_formats
from layers.words import moment_words
from store import changelog, releases
from store.errors import Busy, NotFound
from webapp import limits, params, pinned
from webapp.downloads import TITLE
from webapp.store import get_store

bp = Blueprint("releases", __name__)
AUTHORS = "Border Atlas maintainers"  # as CITATION.cff names them
SPAN = "..."  # /releases/<a>...<b>
bp.add_app_template_filter(moment_words, "moment")  # "7 December 2026, 06:00 UTC" on the pages


def _latest() -> releases.Release:
    latest = pinned.directory().latest()
    if latest is None:
        raise NotFound("no release has been made yet: run `make data` (every build with new content is one)")
    return latest


def changes(a: releases.Release, b: releases.Release) -> dict:
    """The changelog from release `a` to `b`: b's manifest when a is the one before it, else computed within this
    worker's bounds (kept in a cache by the pair; webapp.errors.Busy when as many are being computed as it allows)."""
    if b.manifest.get("previous") == a.number:
        return b.manifest["changes"]
    if a.number == b.number:
        return {"layers": {}, "other": []}
    directory = pinned.directory()
    made = limits.bounded(
        "changes",
        f"{a.id}{SPAN}{b.id}",
        lambda: json.dumps(changelog.changes(directory.open(a), directory.open(b))).encode(),
    )
    return json.loads(made)


def banner() -> dict | None:
    """On a pinned page of a release older than the latest: what it is, the latest, how many changes since."""
    release = pinned.requested() if request.environ.get(pinned.KEY) else None
    latest = pinned.directory().latest() if release else None
    if release is None or latest is None or latest.number == release.number:
        return None
    try:
        total = changelog.summary(changes(release, latest))["total"]
    except Busy:  # the page is still served; the count is left out
        total = None
    counted = "" if total is None else f", with {total} changes"
    return {
        "number": release.number,
        "latest": latest.number,
        "changes": total,
        "text": f"This is release {release.number} of {release.date}; the latest is {latest.number}{counted}.",
        "url": pinned.link(latest.number, f"releases/{release.number}{SPAN}{latest.number}"),
    }


def with_banner(page: str) -> str:
    """The map page with the banner of an older release after its <body> tag (escaped: no HTML from data)."""
    found = banner()
    if not found:
        return page
    words = f'{html.escape(found["text"])} <a href="{html.escape(found["url"])}">See the changes</a>.'
    return page.replace("<body>", f'<body>\n<p class="release-banner" role="status">{words}</p>', 1)


def _describe(release: releases.Release) -> dict:
    """A release as /releases lists it."""
    plain = {"number": release.number, "id": release.id, "created": release.created, "pruned": release.pruned}
    if release.pruned:
        return plain
    return plain | {
        "previous": release.manifest.get("previous"),
        "counts": release.manifest["counts"],
        "summary": release.manifest["summary"],
        "words": releases.words(release.manifest["summary"]),
        "map": pinned.link(release.number, "map"),
        "changes": pinned.link(release.number, f"releases/{release.number}"),
        "cite": pinned.link(release.number, f"releases/{release.number}/cite"),
    }


@bp.get("/releases")
def releases_page():
    """Every release, newest first, with its counts and a summary of its changes."""
    params.check_known(request.args, {"f"})
    found = [_describe(r) for r in reversed(pinned.directory().all())]
    if not params.wants_html():
        return jsonify({"releases": found})
    return render_template(
        "releases.html", title="Releases", found=found, json_url=url_for("releases.releases_page", f="json")
    )


def _pair(span: str) -> tuple[releases.Release | None, releases.Release]:
    """(a, b) of `a...b`, or (the one before, it) of a single release (None before the first)."""
    directory = pinned.directory()
    if SPAN in span:
        first, _, second = span.partition(SPAN)
        return directory.find(first), directory.find(second)
    release = directory.find(span)
    previous = release.manifest.get("previous")
    return (directory.find(previous) if previous else None), release


def _rows(a: releases.Release | None, b: releases.Release, found: dict) -> list[dict]:
    """Every change, with the feature's URL at each release it is in."""
    rows = []
    for cid, kinds in found["layers"].items():
        for kind in ("added", "removed", "changed"):
            for entry in kinds[kind]:
                fid = entry if kind != "changed" else entry["id"]
                path = pinned.path_of(url_for("api.item", cid=cid, fid=fid))
                rows.append(
                    {
                        "collection": cid,
                        "id": fid,
                        "change": kind,
                        "fields": entry["fields"] if kind == "changed" else {},
                        "before": pinned.link(a.number, path) if a and kind != "added" else None,
                        "after": pinned.link(b.number, path) if kind != "removed" else None,
                    }
                )
    return rows


@bp.get("/releases/<span>")
def changes_page(span: str):
    """`a...b`: every change between two releases; a single release: its changes against the one before."""
    params.check_known(request.args, {"f"})
    if span.count(SPAN) > 1 or span.startswith(SPAN) or span.endswith(SPAN):
        raise params.QueryError("releases", f"{span[:60]!r} is not `<release>` or `<release>...<release>`")
    a, b = _pair(span)
    found = changes(a, b) if a else b.manifest["changes"]
    body = {
        "from": a.number if a else None,
        "to": b.number,
        "summary": changelog.summary(found),
        "changes": _rows(a, b, found),
    }
    if not params.wants_html():
        return jsonify(body)
    title = f"Changes from release {a.number} to {b.number}" if a else f"Release {b.number}: the first release"
    json_url = url_for("releases.changes_page", span=span, f="json")
    others = changelog.other_words(body["summary"]["other"])
    return render_template("changes.html", title=title, body=body, others=others, json_url=json_url)


def release_item(release: releases.Release) -> dict:
    """The atlas at one release as a CSL-JSON item (a dataset), citing its pinned map URL."""
    year, month, day = releases.order(release.number)[:3]
    return {
        "id": f"border-atlas-{release.number}",
        "type": "dataset",
        "title": TITLE,
        "author": [{"literal": AUTHORS}],
        "version": release.number,
        "issued": {"date-parts": [[int(p) for p in release.date.split("-")]]},
        "URL": pinned.link(release.number, "map", external=True),
        "note": f"Release {release.number} ({release.id}) of {year}-{month:02d}-{day:02d}",
        "publisher": "Border Atlas",
    }


def atlas_item(store) -> dict:
    """The atlas as a CSL-JSON dataset: at the release an answer from `store` belongs to, else (a build kept as no
    release) at its data version."""
    release = pinned.current(store)
    if release is not None:
        return release_item(release)
    words = {"version": store.version, "note": f"Data version {store.version}", "publisher": "Border Atlas"}
    item = {"id": "border-atlas", "type": "dataset", "title": TITLE, "author": [{"literal": AUTHORS}]}
    return item | words | {"URL": url_for("mapview.page", _external=True)}


@bp.get("/releases/<number>/cite")
def release_citation(number: str):
    """The atlas's own citation at a release: `format=csl-json|ris|bibtex`."""
    params.check_known(request.args, {"format"})
    fmt = params.parse_choice("format", request.args.get("format", "csl-json"), citation_formats.FORMATS, "offered")
    release = _latest() if number == "latest" else pinned.directory().find(number)
    writer, mimetype, extension = citation_formats.FORMATS[fmt]
    name = f"border-atlas-{release.number}.{extension}"
    return Response(
        writer([release_item(release)]),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def page_citation(title: str) -> str | None:
    """How to cite a page: the atlas, the page, its release and its pinned URL (None before any data is built)."""
    try:
        store = get_store()
    except NotFound:
        return None
    return f"{TITLE}. {title}. {pinned.data_words(store)}. {pinned.cite_url(request.url, store)}"


@bp.app_context_processor
def _helpers() -> dict:
    return {"release_banner": banner, "page_citation": page_citation}
