"""Settings of the indicator stage (``[indicators]`` in ``quartier.toml``), checked once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from quartier.config_schema import check_table, type_name
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
    context_buffer_m : float
        Facilities outside every quarter count for distances, coverage and 2SFCA only within
        this distance of the study area (:func:`quartier.indicators.edges.context_facilities`).
    remote_radius_m, remote_share_flag : float
        Plausibility check "Wohnlage prüfen": residents in cells with no facility of any
        category within ``remote_radius_m``; a quarter whose share of them exceeds
        ``remote_share_flag`` is flagged (:mod:`quartier.indicators.remote`).
    """

    split_boundary_cells: bool = False
    catchment_m: float = 1500.0
    min_population: float = 300.0
    resource_factor: float = 1.5
    coverage_gap_below: float = 0.75
    coverage_resource_from: float = 0.95
    median_gap_factor: float = 0.5
    median_resource_factor: float = 1.5
    context_buffer_m: float = 2000.0
    remote_radius_m: float = 400.0
    remote_share_flag: float = 0.2
    status_index: StatusIndexSettings | None = None


def _settings(cls, values: dict[str, Any]):
    """An instance of ``cls`` from checked values (lists become tuples; other keys ignored)."""
    known = {f.name for f in fields(cls)} - {"status_index"}
    return cls(**{key: tuple(value) if isinstance(value, list) else value
                  for key, value in values.items() if key in known})


def _not_a_table(section: str, value: Any, report: ValidationReport, file: str) -> None:
    report.add("error", "bad_section", "config", f"[{section}] muss ein Abschnitt (Tabelle) "
               f"sein, gefunden: {type_name(value)}.", f"Als eigenen Abschnitt [{section}] "
               "mit Einträgen darunter schreiben; siehe docs/config.md.", file=file)


def read_indicator_settings(raw: Any, report: ValidationReport, file: str,
                            edition: str | None = None) -> IndicatorSettings:
    """Parse ``[indicators]``; problems go to ``report``, defaults fill the rest.

    Every key is checked against :data:`quartier.config_schema.SECTIONS` (type and range: a
    catchment > 0 and finite, shares between 0 and 1 …); a wrong value is an error and its
    default is used, an unknown key a warning naming the nearest known key.
    ``year = "{edition}"`` in ``[indicators.status_index]`` takes the edition label as the
    year of the status indicators, so each yearly edition uses its own year's data.
    """
    if raw is None:
        return IndicatorSettings()
    if not isinstance(raw, dict):
        _not_a_table("indicators", raw, report, file)
        return IndicatorSettings()
    values = check_table(raw, "indicators", report, file=file)
    settings = _settings(IndicatorSettings, values)
    if settings.coverage_gap_below > settings.coverage_resource_from:
        report.add("error", "bad_value", "config", "[indicators] coverage_gap_below = "
                   f"{settings.coverage_gap_below:g} ist größer als coverage_resource_from = "
                   f"{settings.coverage_resource_from:g}.", "Die Lücke muss unter der Schwelle "
                   "für eine Ressource liegen, z. B. 0.75 und 0.95.", file=file)
    status = values.get("status_index")
    if status is None:
        return settings
    if not isinstance(status, dict):
        _not_a_table("indicators.status_index", status, report, file)
        return settings
    if edition is not None and isinstance(status.get("year"), str):
        status = {**status, "year": status["year"].replace("{edition}", edition)}
    checked = check_table(status, "indicators.status_index", report, file=file)
    index = _settings(StatusIndexSettings, checked)
    if not index.status and "status" not in status:
        report.add("error", "missing_key", "config", "[indicators.status_index] nennt keine "
                   "Statusindikatoren (status = […]).", 'z. B. status = ["arbeitslose_anteil",'
                   ' "sgb2_anteil"]', file=file)
    return IndicatorSettings(**{**settings.__dict__, "status_index": index})
