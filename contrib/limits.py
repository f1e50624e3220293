"""The bounds every contributed file is read within, and the error a file that breaks one raises."""

from __future__ import annotations

import zipfile

LIMITS = {
    "file_bytes": 64 * 2**20,  # an upload or a file given to `border-atlas import`
    "unpacked_bytes": 512 * 2**20,  # all members of a zip (XLSX, CSV zip) unpacked
    "ratio": 1000,  # unpacked / packed size of a zip member larger than 1 MB: more is a zip bomb
    "rows": 100_000,  # rows or features of a file
    "columns": 200,  # columns of a sheet
    "cell_chars": 10_000,  # characters of one cell
    "json_chars": 200_000,  # characters of a cell holding a JSON list or mapping (a download's citations)
}


class ReadError(ValueError):
    """A file that cannot be read: names the file, says what is wrong and what is allowed."""

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"{file}: {reason}")


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
