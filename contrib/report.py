"""A problem of a contributed file, one line each: `file:row:column (field): what is wrong; what is allowed`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class Problem:
    """One problem (or warning, or note) at one cell of a file."""

    where: str  # "incidents.xlsx:Sheet1!D14", "incidents.csv:14:D", "incidents.geojson:feature 3:name"
    field: str | None
    what: str
    allowed: str | None = None
    severity: str = ERROR
    row: int | None = None

    def __str__(self) -> str:
        field = f" ({self.field})" if self.field else ""
        allowed = f"; allowed: {self.allowed}" if self.allowed else ""
        return f"{self.where}{field}: {self.what}{allowed}"

    def as_dict(self) -> dict:
        return asdict(self) | {"line": str(self)}


def lines(problems: list[Problem], severity: str = ERROR) -> list[str]:
    """The problems of one severity, one line each, in the order found."""
    return [str(p) for p in problems if p.severity == severity]
