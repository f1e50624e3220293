"""Releases: every build whose content differs from the last one's is kept, immutable, with a manifest.

A release has an id (a short hash of its content), a readable number (`2026.12.3-1`: the day it was made and
its place that day), its creation time, the features per layer, the source documents and the changelog against
the release before it. The GeoPackage engine keeps each in a directory of `data/releases/`:

    data/releases/2026.12.3-1/atlas.gpkg       the store, never written again
    data/releases/2026.12.3-1/manifest.json    the manifest

A release is written beside the others under a hidden name and renamed into place when complete (the rename is
the switch of the latest), one at a time (a lock file); a build killed at any point leaves every release as it
was. PostGIS keeps releases as schemas (store.pgreleases). Pruning removes a release's data but keeps its
manifest, so that its number is never given again and its URLs say it was pruned.

    python -m store.releases list  [--releases DIR | --database URL]
    python -m store.releases prune --keep N [--apply] [--releases DIR | --database URL]
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from layers.errors import Gone, NotFound
from store import changelog
from store.base import Store
from store.geopackage import GeoPackageStore

ROOT = Path(__file__).resolve().parent.parent / "data" / "releases"
DATA, MANIFEST, LOCK = "atlas.gpkg", "manifest.json", ".lock"
NEW = ".new-"  # a release being written (a leftover of a killed build is removed by the next one)
NUMBER = re.compile(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})-([0-9]+)$")


@dataclass(frozen=True)
class Release:
    """One release as its manifest describes it; `where` is its GeoPackage's path or its PostGIS schema."""

    number: str
    id: str
    created: str  # ISO 8601, UTC
    manifest: dict = field(repr=False, compare=False)
    where: str = ""

    @property
    def date(self) -> str:
        return self.created[:10]

    @property
    def pruned(self) -> str | None:
        """When the release's data was removed (its manifest stays), or None."""
        return self.manifest.get("pruned")

    @classmethod
    def of(cls, manifest: dict, where: str = "") -> Release:
        return cls(manifest["number"], manifest["id"], manifest["created"], manifest, where)


def order(number: str) -> tuple[int, ...]:
    """The sort key of a release number: (year, month, day, sequence); a number of another form sorts first."""
    match = NUMBER.match(number)
    return tuple(int(g) for g in match.groups()) if match else (0, 0, 0, 0)


def next_number(numbers: list[str], today: date) -> str:
    """The number of a new release made on `today` (never before the latest's day): `YYYY.M.D-sequence`."""
    latest = max(numbers, key=order, default=None)
    day = today
    if latest is not None and NUMBER.match(latest) and date(*order(latest)[:3]) > today:
        day = date(*order(latest)[:3])  # a clock set back: still after the latest
    that_day = [order(n)[3] for n in numbers if order(n)[:3] == (day.year, day.month, day.day)]
    return f"{day.year}.{day.month}.{day.day}-{max(that_day, default=0) + 1}"


def content_id(path: Path) -> str:
    """A short hash of a GeoPackage build's content: every row of every table (not the file's timestamps)."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
        for table in tables:
            digest.update(table.encode() + b"\0")
            quoted = '"' + table.replace('"', '""') + '"'
            for row in db.execute(f"SELECT * FROM {quoted} ORDER BY fid"):  # noqa: S608 - the catalog's own names
                digest.update(repr(row).encode())
    return digest.hexdigest()[:12]


def _documents(store: Store) -> list[dict]:
    """The source documents of a store (data/texts records), each with a hash of what the store holds of it."""
    texts = store.meta("texts") or {}
    return [
        {
            "id": doc["id"],
            "label": doc.get("label"),
            "reference": doc.get("reference"),
            "licence": doc.get("licence"),
            "digest": hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:12],
        }
        for doc in texts.values()
    ]


def make_manifest(store: Store, content: str, number: str, created: str, previous: tuple | None = None) -> dict:
    """The manifest of a new release of `store`; `previous` is (Release, its Store) of the release before it."""
    before, before_store = previous if previous else (None, None)
    changes = changelog.changes(before_store, store)
    return {
        "id": content,
        "number": number,
        "created": created,
        "previous": before.number if before else None,
        "counts": {cid: store.query(cid, limit=0)[1] for cid in store.collections()},
        "documents": _documents(store),
        "summary": changelog.summary(changes),
        "changes": changes,
    }


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------------- a directory


class Directory:
    """The releases kept in a directory (data/releases): listed again whenever the directory changes."""

    kind = "gpkg"

    def __init__(self, root: Path = ROOT):
        self.root = Path(root)
        self._listed: tuple[int, list[Release]] | None = None

    def all(self) -> list[Release]:
        """Every release, pruned ones included, oldest first (a directory under a hidden name is not one yet)."""
        try:
            changed = self.root.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        if self._listed is None or self._listed[0] != changed:
            self._listed = (changed, _read_all(self.root))
        return self._listed[1]

    def latest(self) -> Release:
        """The newest release that is not pruned; NotFound when there is none yet."""
        kept = [r for r in self.all() if not r.pruned]
        if not kept:
            raise NotFound(f"no release has been made yet in {self.root}: run `make data`")
        return kept[-1]

    def find(self, number: str) -> Release:
        """The release with this number (NotFound naming it and where the list is; Gone when pruned)."""
        return find(self.all(), number)

    def open(self, release: Release) -> Store:
        return GeoPackageStore(Path(release.where), version=release.id)

    def remove(self, release: Release) -> None:
        """Prune one release: its GeoPackage goes, its manifest stays (marked)."""
        folder = self.root / release.number
        (folder / DATA).unlink(missing_ok=True)
        _write_json(folder / MANIFEST, release.manifest | {"pruned": stamp(now())})
        os.utime(self.root)  # the listing changes


def find(releases: list[Release], number: str) -> Release:
    """The release `number` of a list; NotFound (unknown) or Gone (pruned), saying where the releases are listed."""
    for release in releases:
        if release.number == number:
            if release.pruned:
                raise Gone(f"release {number!r} was pruned on {release.pruned[:10]}; the releases kept: /releases")
            return release
    raise NotFound(f"no release {number!r}; the releases: /releases (newest {_newest(releases)})")


def _newest(releases: list[Release]) -> str:
    return releases[-1].number if releases else "none yet"


def _read_all(root: Path) -> list[Release]:
    found = []
    for folder in root.iterdir():
        manifest = folder / MANIFEST
        if NUMBER.match(folder.name) and manifest.is_file():
            found.append(Release.of(json.loads(manifest.read_text(encoding="utf-8")), str(folder / DATA)))
    return sorted(found, key=lambda r: order(r.number))


def _write_json(path: Path, value: dict) -> None:
    """Write JSON durably beside `path`, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One release at a time in `root`; leftovers of a killed run are removed once the lock is held."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in root.glob(NEW + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _place(gpkg: Path, target: Path) -> None:
    """The build's file as the release's: a hard link (the build replaces its file, never writes it), else a copy."""
    try:
        os.link(gpkg, target)
    except OSError:
        shutil.copyfile(gpkg, target)
        with open(target, "rb+") as out:
            os.fsync(out.fileno())


def publish(gpkg: Path, root: Path = ROOT, progress=print) -> Release | None:
    """Make the GeoPackage build `gpkg` a release in `root` if its content differs from the latest's.

    Returns the new release, or None when the content is the latest's. Written under a hidden name beside the
    other releases and renamed into place when complete; no release is ever rewritten.
    """
    directory = Directory(root)
    with _locked(directory.root):
        content = content_id(gpkg)
        kept = [r for r in directory.all() if not r.pruned]
        if kept and kept[-1].id == content:
            progress(f"the build's content is that of release {kept[-1].number} ({content}): no new release")
            return None
        moment = now()
        number = next_number([r.number for r in directory.all()], moment.date())
        previous = (kept[-1], directory.open(kept[-1])) if kept else None
        manifest = make_manifest(GeoPackageStore(gpkg, version=content), content, number, stamp(moment), previous)
        new = directory.root / f"{NEW}{number}"
        new.mkdir()
        _place(Path(gpkg), new / DATA)
        _write_json(new / MANIFEST, manifest)
        os.rename(new, directory.root / number)
        _sync_directory(directory.root)
    progress(f"release {number} ({content}): {_words(manifest['summary'])}")
    return Release.of(manifest, str(directory.root / number / DATA))


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _words(summary: dict) -> str:
    """A changelog summary in words: "12 changes (zones: 1 added, 2 changed)"."""
    parts = [
        f"{cid}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        for cid, counts in summary["layers"].items()
    ]
    other = f"; also {', '.join(summary['other'])}" if summary.get("other") else ""
    return f"{summary['total']} changes" + (f" ({'; '.join(parts)})" if parts else "") + other


def prune_plan(releases: list[Release], keep: int) -> list[Release]:
    """The releases a prune keeping the newest `keep` would remove (never the latest; pruned ones not again)."""
    if keep < 1:
        raise ValueError(f"`--keep` was {keep} but must be at least 1: the latest release is always kept")
    kept = [r for r in releases if not r.pruned]
    return kept[:-keep] if len(kept) > keep else []
