"""The error a source file that is malformed raises, naming the file, the line and the entry (the documents' records
and every layer's sources alike): the lowest floor that reads the sources defines it."""

from __future__ import annotations

import re
from pathlib import Path


class DataError(ValueError):
    """A source file is malformed: names the file, the line and the entry, and what is allowed."""

    def __init__(self, path, line: int | None, entry: str | None, reason: str):
        self.path, self.line, self.entry, self.reason = str(path), line, entry, reason
        where = f"{self.path}:{line}" if line else self.path
        what = f" entry {entry!r}:" if entry else ""
        super().__init__(f"{where}:{what} {reason}")

    def located(self, folder: Path) -> DataError:
        """This error with its file in `folder` and, when it names no line, the line of its entry's `id:`.

        A refusal raised while building a layer from records already read names only the file and the entry.
        """
        path = Path(self.path)
        if not path.exists() and (Path(folder) / path.name).exists():
            path = Path(folder) / path.name
        line = self.line or (entry_line(path, self.entry) if self.entry and path.exists() else None)
        return DataError(path, line, self.entry, self.reason)


def entry_line(path: Path, ident: str) -> int | None:
    """The line of the first `id: <ident>` in a YAML source (quoted or not), or None."""
    pattern = re.compile(rf"^[ \t-]*id:[ \t]*([\"']?){re.escape(ident)}\1[ \t]*(#.*)?$", re.M)
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
