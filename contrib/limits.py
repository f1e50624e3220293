"""The bounds every contributed file is read within, and the error a file that breaks one raises."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

LIMITS = {
    "file_bytes": 64 * 2**20,  # an upload or a file given to `border-atlas import`
    "unpacked_bytes": 512 * 2**20,  # all members of a zip (XLSX, CSV zip) unpacked
    "ratio": 1000,  # unpacked / packed size of a zip member larger than 1 MB: more is a zip bomb
    "rows": 100_000,  # rows or features of a file
    "columns": 200,  # columns of a sheet
    "cell_chars": 10_000,  # characters of one cell
    "json_chars": 200_000,  # characters of a cell holding a JSON list or mapping (a download's citations)
    "depth": 32,  # levels of lists and mappings in a JSON file (GeoJSON, LPF) or in one of its properties
    "name_bytes": 200,  # a file's name, in UTF-8 (a file system keeps at most 255)
}
# Where a file is read (contrib/sandbox.py): a child process with these bounds, so many at once per server process.
READING = {
    "cpu_seconds": 10,  # processor time of the child
    "memory_mb": 512,  # memory the child may allocate beyond what it starts with (its address space)
    "wall_seconds": 20,  # from the start of the child to its answer
    "at_once": 1,  # children reading at once per server process
    "wait_seconds": 2,  # how long a read waits for a free place before it is refused (Busy)
}
ALLOWED = "a CSV (UTF-8), CSV zip, XLSX, GeoJSON, GeoPackage or LPF file"


class ReadError(ValueError):
    """A file that cannot be read: names the file, says what is wrong and what is allowed."""

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"{file}: {reason}")


def megabytes(size: int) -> str:
    """A size in whole MB (2**20 bytes) as the pages state it: "64 MB"."""
    return f"{size / 2**20:,.0f} MB"


def check_name(name: str) -> None:
    """Refuse a file name that cannot be kept as one: too long, not text, a control character or a slash."""
    shown = repr(name[:40] + ("…" if len(name) > 40 else ""))
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise ReadError(shown, "the file's name is not text; allowed: a name such as register-1927.xlsx") from None
    if size > LIMITS["name_bytes"]:
        most = f"at most {LIMITS['name_bytes']} bytes (as many Latin letters, half as many Cyrillic)"
        raise ReadError(shown, f"the file's name is {len(name):,} characters long ({size:,} bytes); allowed: {most}")
    if any(ord(c) < 32 or c == "\x7f" for c in name) or not PurePosixPath(name).name.strip(". "):
        raise ReadError(shown, "the file's name holds a control character, or is only dots or a folder; "
                        "allowed: a name such as register-1927.xlsx")  # fmt: skip


def too_deep(value, skip: str = "coordinates") -> bool:
    """Whether lists and mappings nest in `value` more than LIMITS["depth"] levels (a mapping's `skip` member, the
    coordinates a geometry reader checks itself, is not looked into); read without recursion."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > LIMITS["depth"]:
            return True
        if isinstance(item, dict):
            stack += [(v, level + 1) for k, v in item.items() if k != skip and isinstance(v, (dict, list))]
        elif isinstance(item, list):
            stack += [(v, level + 1) for v in item if isinstance(v, (dict, list))]
    return False


def check_zip(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip whose members unpack to more than LIMITS allow.

    The sizes are the central directory's; zipfile reads no member past its stated size (a member whose
    data runs on fails its CRC), so these bounds hold for what is actually unpacked.
    """
    total = 0
    for info in archive.infolist():
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > 2**20 and info.file_size / packed > LIMITS["ratio"]:
            raise ReadError(
                name,
                f"{info.filename} unpacks {info.file_size / packed:,.0f} times its size (a zip bomb?); "
                f"allowed: at most {LIMITS['ratio']} times",
            )
    if total > LIMITS["unpacked_bytes"]:
        raise ReadError(name, f"unpacks to {total:,} bytes; allowed: at most {LIMITS['unpacked_bytes']:,}")
