"""Settings of the indicator stage (``[indicators]`` in ``quartier.toml``), checked once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from quartier.validation import ValidationReport

__all__ = ["IndicatorSettings", "StatusIndexSettings", "read_indicator_settings"]


@dataclass(frozen=True)
class StatusIndexSettings:
    """``[indicators.status_index]``: the social status and dynamics index (MSS method).

    ``status`` names the status indicators (columns of the social table, shares in percent).
    ``dynamics`` names dynamics columns; when empty, the dynamics are derived as the change of
    each status indicator in percentage points since ``dynamics_years`` years before ``year``.
    """

    status: tuple[str, ...] = ()
    dynamics: tuple[str, ...] = ()
    year: int | None = None
    dynamics_years: int = 2
    population: str = "einwohner"
    min_population: float = 300
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorSettings:
    """``[indicators]``: how the indicators are computed and judged.

    Attributes
    ----------
    split_boundary_cells : bool
        Split grid cells crossing quarter boundaries by area share (default: by cell centre).
    catchment_m : float
        Catchment distance d0 of the floating catchment (2SFCA) for categories without a
        distance standard.
    min_population : float
        Quarters with fewer residents are not judged (their rates are too unstable).
    resource_factor : float
        Supply rate ≥ factor × standard counts as a clear surplus (``resource``).
    coverage_gap_below, coverage_resource_from : float
        Share of the reference group within the standard distance below which a quarter has a
        gap, and from which it counts as a resource.
    median_gap_factor, median_resource_factor : float
        Without a standard: rate < gap factor × study median → gap, ≥ resource factor × median →
        resource.
    """

    split_boundary_cells: bool = False
    catchment_m: float = 1500.0
    min_population: float = 300.0
    resource_factor: float = 1.5
    coverage_gap_below: float = 0.75
    coverage_resource_from: float = 0.95
    median_gap_factor: float = 0.5
    median_resource_factor: float = 1.5
    status_index: StatusIndexSettings | None = None


def _coerce(cls, raw: dict[str, Any], section: str, report: ValidationReport, file: str):
    values = {}
    known = {f.name: f for f in fields(cls)}
    for key, value in raw.items():
        if key not in known or key == "status_index":
            if key != "status_index":
                report.add("warning", "unknown_key", "config", f"Unbekannter Eintrag '{key}' in "
                           f"[{section}] wird ignoriert.", "Erlaubt sind: "
                           + ", ".join(k for k in known if k != "status_index") + ".", file=file)
            continue
        default = known[key].default
        try:
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise TypeError
                values[key] = value
            elif isinstance(default, tuple):
                items = [value] if isinstance(value, str) else list(value)
                values[key] = tuple(str(v) for v in items)
            elif isinstance(default, float):
                values[key] = float(value)
            elif isinstance(default, int) or default is None:
                values[key] = int(value) if key in ("year", "dynamics_years") else value
            else:
                values[key] = str(value)
        except (TypeError, ValueError):
            report.add("error", "bad_value", "config", f"[{section}] {key} = {value!r} hat den "
                       "falschen Typ.", f"Erwartet wird ein Wert wie {default!r}.", file=file)
    return cls(**values)


def read_indicator_settings(raw: Any, report: ValidationReport, file: str,
                            edition: str | None = None) -> IndicatorSettings:
    """Parse ``[indicators]``; problems go to ``report``, defaults fill the rest.

    ``year = "{edition}"`` in ``[indicators.status_index]`` takes the edition label as the
    year of the status indicators, so each yearly edition uses its own year's data.
    """
    if not isinstance(raw, dict):
        return IndicatorSettings()
    settings = _coerce(IndicatorSettings, raw, "indicators", report, file)
    for name in ("coverage_gap_below", "coverage_resource_from"):
        if not 0 <= getattr(settings, name) <= 1:
            report.add("error", "bad_value", "config", f"[indicators] {name} muss ein Anteil "
                       "zwischen 0 und 1 sein.", "z. B. 0.75 für 75 %.", file=file)
    status = raw.get("status_index")
    if isinstance(status, dict) and edition is not None and isinstance(status.get("year"), str):
        status = {**status, "year": status["year"].replace("{edition}", edition)}
    if isinstance(status, dict):
        index = _coerce(StatusIndexSettings, status, "indicators.status_index", report, file)
        if not index.status:
            report.add("error", "missing_key", "config", "[indicators.status_index] nennt keine "
                       "Statusindikatoren (status = […]).", 'z. B. status = ["arbeitslose_anteil",'
                       ' "sgb2_anteil"]', file=file)
        settings = IndicatorSettings(**{**settings.__dict__, "status_index": index})
    return settings
