"""Releases: every build whose content differs from the last one's is kept, immutable, with a manifest.

A release has an id (a short hash of its content), a readable number (`2026.12.3-1`: the day it was made and
its place that day), its creation time, the features per layer, the source documents and the changelog against
the release before it. The GeoPackage engine keeps each in a directory of `data/releases/`:

    data/releases/2026.12.3-1/atlas.gpkg       the store (a hard link to the build's file), never written again
    data/releases/2026.12.3-1/manifest.json    the manifest
    data/releases/LATEST                       the number of the latest release (replaced atomically)

A release is written under a hidden name and renamed into place when complete; then LATEST is replaced. One at a
time (a lock file); a build killed at any point leaves every release as it was (a hidden leftover is removed by
the next build). Pruning removes a release's data but keeps its manifest, so that its number is never given
again and its URLs say it was pruned (410).

    border-atlas releases list  [--releases DIR]              (python -m store.releases ... too)
    border-atlas releases prune [--keep N] [--yes] [--releases DIR]
    border-atlas releases diff A [B]                          (what changed from A to B, or to the latest)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from store import changelog
from store.base import Store
from store.errors import Gone, NotFound
from store.geopackage import GeoPackageStore, content_id

ROOT = Path(__file__).resolve().parent.parent / "data"
DEFAULT = ROOT / "releases"
DATA, MANIFEST, LOCK, LATEST = "atlas.gpkg", "manifest.json", ".lock", "LATEST"
NEW = ".new-"  # a release being written (a leftover of a killed build is removed by the next one)
NUMBER = re.compile(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})-([0-9]+)$")


def beside(store_path: Path) -> Path:
    """Where the releases of a build written to `store_path` are kept: data/releases for the default
    data/build/atlas.gpkg, else a `releases` directory beside the file."""
    store_path = Path(store_path).resolve()
    if store_path == ROOT / "build" / "atlas.gpkg":
        return DEFAULT
    return store_path.parent / "releases"


@dataclass(frozen=True)
class Release:
    """One release as its manifest describes it; `where` is its GeoPackage's path."""

    number: str
    id: str
    created: str  # ISO 8601, UTC
    manifest: dict = field(repr=False, compare=False)
    where: str = ""

    @property
    def date(self) -> str:
        return self.created[:10]

    @property
    def version(self) -> str:
        """The data version of its store: its content id (releases made before 2026-12-07 give a hash of the
        file's bytes here; `of_version` finds them by their id too)."""
        return self.manifest.get("version", "")

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


def _documents(store: Store) -> list[dict]:
    """The source documents of a store (data/texts records), each with a hash of what the store holds of it."""
    texts = store.meta("texts") or {}
    return [
        {
            "id": doc["id"],
            "label": doc.get("label"),
            "reference": doc.get("reference"),
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
        "version": store.version,
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


class Releases:
    """What the web app asks of the releases, whichever engine keeps them: `all`, `latest` and `open` are the
    engine's (Directory here, store.pg_releases.Catalogue on PostGIS); finding one is the same for both."""

    def all(self) -> list[Release]:
        raise NotImplementedError

    def latest(self) -> Release | None:
        raise NotImplementedError

    def open(self, release: Release) -> Store:
        raise NotImplementedError

    def find(self, number: str) -> Release:
        """The release with this number or id: NotFound naming it and where the list is; Gone when pruned."""
        for release in self.all():
            if number in (release.number, release.id):
                if release.pruned:
                    raise Gone(f"release {release.number} was pruned on {release.pruned[:10]}; kept: /releases")
                return release
        newest = self.latest()
        latest = newest.number if newest else "none yet"
        raise NotFound(f"no release {number[:40]!r}; the releases are listed at /releases (latest: {latest})")

    def of_version(self, version: str) -> Release | None:
        """The newest release kept whose store has this data version (its content id), or None."""
        return next((r for r in reversed(self.all()) if version in (r.version, r.id) and not r.pruned), None)

    def newer(self, release: Release) -> list[Release]:
        """The releases after `release`, oldest first."""
        found = self.all()
        return found[found.index(release) + 1 :] if release in found else []


class Directory(Releases):
    """The releases kept in a directory (data/releases): listed again whenever the directory changes."""

    def __init__(self, root: Path = DEFAULT):
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

    def latest(self) -> Release | None:
        """The release LATEST names (else the newest one not pruned), or None when there is none yet."""
        kept = [r for r in self.all() if not r.pruned]
        try:
            named = (self.root / LATEST).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            named = ""
        return next((r for r in kept if r.number == named), kept[-1] if kept else None)

    def open(self, release: Release) -> Store:
        return GeoPackageStore(Path(release.where), version=release.version or release.id)  # no need to hash the file


def _read_all(root: Path) -> list[Release]:
    found = []
    for folder in root.iterdir():
        manifest = folder / MANIFEST
        if NUMBER.match(folder.name) and manifest.is_file():
            found.append(Release.of(json.loads(manifest.read_text(encoding="utf-8")), str(folder / DATA)))
    return sorted(found, key=lambda r: order(r.number))


def _write_durably(path: Path, text: str) -> None:
    """Write `path` beside itself under a hidden name, flushed to disk, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


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


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(gpkg: Path, root: Path = DEFAULT, progress=print) -> Release | None:
    """Make the GeoPackage build `gpkg` a release in `root` if its content differs from the latest's.

    Returns the new release, or None when the content is the latest's. Written under a hidden name beside the
    other releases and renamed into place when complete; no release is ever rewritten.
    """
    directory = Directory(root)
    with _locked(directory.root):
        content = content_id(gpkg)
        latest = directory.latest()
        if latest is not None and latest.id == content:
            progress(f"the build's content is that of release {latest.number} ({content}): no new release")
            return None
        moment = now()
        number = next_number([r.number for r in directory.all()], moment.date())
        new = directory.root / f"{NEW}{number}"
        new.mkdir()
        _place(Path(gpkg), new / DATA)  # first: a build replacing `gpkg` meanwhile cannot change what is kept
        previous = (latest, directory.open(latest)) if latest else None
        manifest = make_manifest(GeoPackageStore(new / DATA, version=content), content, number, stamp(moment), previous)
        _write_durably(new / MANIFEST, _json(manifest))
        _sync_directory(new)
        os.rename(new, directory.root / number)
        _sync_directory(directory.root)
        _write_durably(directory.root / LATEST, number + "\n")
        _sync_directory(directory.root)
    progress(f"release {number} ({content}): {words(manifest['summary'])}")
    return Release.of(manifest, str(directory.root / number / DATA))


def words(summary: dict) -> str:
    """A changelog summary in words: "3 changes (zones: 1 added, 2 changed)"."""
    parts = [
        f"{cid}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
        for cid, counts in summary["layers"].items()
    ]
    other = f"; also {', '.join(changelog.other_words(summary['other']))}" if summary.get("other") else ""
    return f"{summary['total']} changes" + (f" ({'; '.join(parts)})" if parts else "") + other


def prune_plan(releases: list[Release], keep: int) -> list[Release]:
    """The releases a prune keeping the newest `keep` would remove (never the latest; pruned ones not again)."""
    if keep < 1:
        raise ValueError(f"`--keep` was {keep} but must be at least 1: the latest release is always kept")
    kept = [r for r in releases if not r.pruned]
    return kept[:-keep] if len(kept) > keep else []


def prune(directory: Directory, release: Release) -> None:
    """Remove one release's data; its manifest stays, marked pruned (its number is never given again)."""
    with _locked(directory.root):
        folder = directory.root / release.number
        (folder / DATA).unlink(missing_ok=True)
        _write_durably(folder / MANIFEST, _json(release.manifest | {"pruned": stamp(now())}))
        os.utime(directory.root)  # the listing changes


def state(release: Release) -> str:
    """How a list of releases describes one: when it was pruned, else its changes in words."""
    return f"pruned {release.pruned[:10]}" if release.pruned else words(release.manifest["summary"])


def prune_each(plan: list[Release], keep: int, yes: bool, remove, where=lambda r: "") -> None:
    """Say what a prune removes (or would: without `yes`), removing each with `remove(release)` when told."""
    for release in plan:
        print(f"{'removing' if yes else 'would remove'} {release.number} ({where(release)}{release.created})")
        if yes:
            remove(release)
    if not plan:
        print(f"nothing to prune: at most {keep} releases are kept")
    elif not yes:
        print("nothing removed: run again with --yes to remove these")


def main(argv: list[str] | None = None, prog: str = "python -m store.releases") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="List, prune or compare the atlas's releases.")
    parser.add_argument("command", choices=["list", "prune", "diff"])
    parser.add_argument("numbers", nargs="*", metavar="RELEASE", help="diff: the two releases (or one: to the latest)")
    parser.add_argument("--releases", type=Path, default=DEFAULT, help="the releases directory (default data/releases)")
    parser.add_argument("--keep", type=int, default=5, help="prune: how many of the newest releases to keep")
    parser.add_argument("--yes", action="store_true", help="prune: remove them (without it, only list them)")
    args = parser.parse_args(argv)
    directory = Directory(args.releases)
    if args.command == "list":
        for r in reversed(directory.all()):
            print(f"{r.number}\t{r.id}\t{r.created}\t{state(r)}")
        return 0
    try:
        if args.command == "diff":
            if len(args.numbers) not in (1, 2):
                raise ValueError("give two releases, or one to compare with the latest (see `list`)")
            return diff(directory, *args.numbers)
        plan = prune_plan(directory.all(), args.keep)
    except (ValueError, NotFound) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return 2
    prune_each(plan, args.keep, args.yes, lambda r: prune(directory, r), where=lambda r: f"{r.id}, ")
    return 0


def diff(directory: Directory, first: str, second: str | None = None) -> int:
    """Print what changed from one release to another (to the latest without `second`): a line per feature."""
    a = directory.find(first)
    b = directory.find(second) if second else directory.latest()
    found = changelog.changes(directory.open(a), directory.open(b))
    print(f"{a.number} -> {b.number}: {words(changelog.summary(found))}")
    for cid, kinds in found["layers"].items():
        for fid in kinds["added"]:
            print(f"{cid}\tadded\t{fid}")
        for fid in kinds["removed"]:
            print(f"{cid}\tremoved\t{fid}")
        for item in kinds["changed"]:
            print(f"{cid}\tchanged\t{item['id']}\t{', '.join(item['fields'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
