"""Validation findings as data.

Loaders never raise on bad input data. They record a :class:`Finding` for each problem in a
:class:`ValidationReport` and go on, so that one run lists every problem of a study at once.
Only :func:`quartier.load_study` turns a report with errors into one :class:`StudyError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from quartier.errors import QuartierError

__all__ = ["Finding", "ValidationReport", "StudyError", "Severity", "format_ids"]

Severity = Literal["error", "warning", "note"]
_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


@dataclass(frozen=True)
class Finding:
    """One problem (or remark) found while loading a study.

    Parameters
    ----------
    severity : {"error", "warning", "note"}
        ``error`` stops the study from loading, ``warning`` means the data were repaired or
        may mislead, ``note`` records what the loader did on its own (e.g. padded ids).
    code : str
        Stable machine-readable code such as ``"missing_column"``.
    dataset : str
        Dataset of the config (``"quarters"``, ``"facilities[2]"``, ``"config"``).
    message : str
        Plain-language description of the problem.
    hint : str
        What the user can do about it.
    file : str, optional
        The file concerned.
    rows : str, optional
        Feature ids or row numbers concerned (already shortened for display).
    column : str, optional
        The column concerned.
    """

    severity: Severity
    code: str
    dataset: str
    message: str
    hint: str = ""
    file: str | None = None
    rows: str | None = None
    column: str | None = None

    def format(self) -> str:
        """Render the finding as a few lines of text."""
        label = {"error": "FEHLER", "warning": "WARNUNG", "note": "HINWEIS"}[self.severity]
        where = [self.dataset]
        if self.file:
            where.append(f"Datei {self.file}")
        if self.column:
            where.append(f"Spalte '{self.column}'")
        if self.rows:
            where.append(f"Zeilen/Objekte {self.rows}")
        text = f"{label} [{self.code}] {' · '.join(where)}\n    {self.message}"
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


@dataclass
class ValidationReport:
    """An ordered collection of findings with helpers to filter and print them."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: Severity, code: str, dataset: str, message: str, hint: str = "", *,
            file: str | None = None, rows: str | None = None, column: str | None = None) -> None:
        """Record one finding."""
        self.findings.append(Finding(severity, code, dataset, message, hint, file, rows, column))

    def extend(self, other: ValidationReport | Iterable[Finding]) -> None:
        """Append the findings of another report."""
        items = other.findings if isinstance(other, ValidationReport) else other
        self.findings.extend(items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        """The findings with severity ``error``."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings with severity ``warning``."""
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and notes are allowed)."""
        return not self.errors

    def codes(self, severity: Severity | None = None) -> list[str]:
        """The codes of all findings, optionally of one severity only."""
        return [f.code for f in self.findings if severity is None or f.severity == severity]

    def to_frame(self) -> pd.DataFrame:
        """All findings as a table (one row per finding)."""
        columns = ["severity", "code", "dataset", "file", "rows", "column", "message", "hint"]
        return pd.DataFrame([{c: getattr(f, c) for c in columns} for f in self.findings],
                            columns=columns)

    def format(self) -> str:
        """All findings as text, errors first, with a closing summary line."""
        ordered = sorted(self.findings, key=lambda f: _SEVERITY_ORDER[f.severity])
        lines = [f.format() for f in ordered]
        lines.append(
            f"{len(self.errors)} Fehler, {len(self.warnings)} Warnungen, "
            f"{len(self.findings) - len(self.errors) - len(self.warnings)} Hinweise."
        )
        return "\n".join(lines)


class StudyError(QuartierError, ValueError):
    """Raised by :func:`quartier.load_study` when the study has errors; lists all of them."""

    def __init__(self, report: ValidationReport):
        self.report = report
        errors = ValidationReport(report.errors)
        super().__init__("Die Studie kann nicht geladen werden:\n" + errors.format())


def format_ids(ids: Iterable[object], limit: int = 10) -> str:
    """Join ids for a message, shortened to ``limit`` entries with a count of the rest.

    Examples
    --------
    >>> format_ids(["a", "b", "c"], limit=2)
    'a, b (+1 weitere)'
    """
    items = [str(i) for i in ids]
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += f" (+{len(items) - limit} weitere)"
    return text
