"""A study: the validated inputs of one Sozialraumanalyse, loaded from ``quartier.toml``.

:class:`Study` only bundles the loaded (Geo)DataFrames so that the CLI and the notebooks can
pass them on; every computation is a plain function elsewhere.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier._paths import check_quarter_ids
from quartier.catalogue import (
    apply_standards,
    default_catalogue,
    merge_catalogue,
    minutes_as_metres,
)
from quartier.config import DatasetConfig, StudyConfig, read_config
from quartier.load.addresses import load_addresses, with_address_register
from quartier.load.age_structure import read_age_structure
from quartier.load.attributes import load_actors, load_housing, load_measures, load_social
from quartier.load.completeness import check_completeness
from quartier.load.concerns import load_concerns
from quartier.load.facilities import load_facilities
from quartier.load.geometry import outside_quarters
from quartier.load.landcover import load_land_layer
from quartier.load.population import load_population_grid, load_population_quarters
from quartier.load.quarters import load_quarters
from quartier.load.tables import TableReadError, read_table
from quartier.validation import StudyError, ValidationReport, format_ids

__all__ = ["Study", "load_study", "validate_study"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Study:
    """The loaded, validated inputs of a study (see ``docs/config.md`` for the contracts)."""

    config: StudyConfig
    quarters: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    catalogue: pd.DataFrame
    #: Every warning and note found while loading (errors stop loading, see :class:`StudyError`).
    findings: ValidationReport
    population_grid: gpd.GeoDataFrame | None = None
    population_quarters: pd.DataFrame | None = None
    housing: pd.DataFrame | None = None
    social: pd.DataFrame | None = None
    actors: pd.DataFrame | None = None
    measures: pd.DataFrame | None = None
    concerns: pd.DataFrame | None = None
    residential: gpd.GeoDataFrame | None = None
    uninhabited: gpd.GeoDataFrame | None = None
    #: Residents per single year of age 0–100 from ``[population] age_structure``; None for
    #: the national default (:func:`quartier.population.national_age_structure`).
    age_structure: np.ndarray | None = None

    @property
    def name(self) -> str:
        """The name of the study (``[study] name``)."""
        return self.config.name

    @property
    def edition(self) -> str:
        """The label of the edition (``[study] edition``)."""
        return self.config.edition

    @property
    def report(self) -> ValidationReport:
        """Deprecated name of :attr:`findings` (kept for one release)."""
        warnings.warn("Study.report heißt jetzt Study.findings (die Prüfergebnisse); der alte "
                      "Name entfällt in der nächsten Version.", DeprecationWarning, stacklevel=2)
        return self.findings


def validate_study(path: str | Path, *, edition: str | None = None,
                   progress: Progress | None = None) -> tuple[Study | None, ValidationReport]:
    """Load every dataset of a study and collect all problems.

    Parameters
    ----------
    path : str or Path
        ``quartier.toml`` (or the folder holding it).
    edition : str, optional
        Edition label overriding the config (fills ``{edition}`` in paths).
    progress : callable, optional
        Called with a short German description before each slow step.

    Returns
    -------
    study : Study or None
        ``None`` when the report has errors.
    report : ValidationReport
        Every error, warning and note found.

    Examples
    --------
    >>> study, findings = validate_study("gibt-es-nicht/quartier.toml")
    >>> study is None, findings.ok, findings.codes("error")
    (True, False, ['missing_file'])

    On the sample town (:func:`quartier.sample.config_path`) nothing stops loading:

    >>> from quartier.sample import config_path
    >>> study, findings = validate_study(config_path())  # doctest: +SKIP
    >>> findings.codes("error"), len(study.quarters)  # doctest: +SKIP
    ([], 7)
    """
    step = progress or (lambda _message: None)
    config, report = read_config(path, edition=edition)
    if config is None:
        return None, report
    catalogue = _catalogue(config, report)

    step("Quartiersgrenzen laden")
    quarters, id_width = (load_quarters(config.quarters, config.crs, report,
                                        id_width=config.id_width)
                          if config.quarters else (None, config.id_width))
    grid = per_quarter = None
    if config.population_grid:
        step("Einwohner-Gitter laden")
        grid = load_population_grid(config.population_grid, config.crs, report,
                                    quarters=quarters,
                                    context_buffer_m=config.indicators.context_buffer_m,
                                    cache_dir=config.path.parent / ".quartier-cache")
    if config.population_quarters:
        step("Einwohner je Quartier laden")
        per_quarter = load_population_quarters(config.population_quarters, report,
                                               id_width=id_width)
    land = {}
    for key in ("residential", "uninhabited"):  # where people live (population surface)
        if getattr(config, f"population_{key}"):
            step("Flächennutzung laden")
            land[key] = load_land_layer(getattr(config, f"population_{key}"), config.crs,
                                        report)
    age_structure = _age_structure(config, report)
    addresses = None
    if config.addresses:  # official house coordinates to place registers without coordinates
        step("Adressverzeichnis laden")
        addresses = load_addresses(config.addresses, config.crs, report)
    step("Einrichtungen laden")
    facilities = load_facilities(with_address_register(config.facilities, addresses), catalogue,
                                 config.crs, report, quarters,
                                 config.indicators.context_buffer_m)
    facilities = check_completeness(facilities, config.facilities, catalogue, report)
    step("Weitere Tabellen laden")
    housing = (load_housing(config.housing, report, id_width=id_width, quarters=quarters,
                            working_crs=config.crs) if config.housing else None)
    social = (load_social(config.social, report, id_width=id_width, quarters=quarters,
                          working_crs=config.crs) if config.social else None)
    actors = (load_actors(config.actors, report, id_width=id_width, addresses=addresses,
                          quarters=quarters) if config.actors else None)
    measures = (load_measures(config.measures, report, id_width=id_width)
                if config.measures else None)
    concerns = (load_concerns(config.concerns, report, id_width=id_width, quarters=quarters,
                              working_crs=config.crs) if config.concerns else None)

    if quarters is not None and config.quarters is not None:
        known = set(quarters["quarter_id"])
        quarters_file = config.quarters.path
        check_quarter_ids(quarters["quarter_id"], report, file=str(quarters_file))
        if per_quarter is not None and config.population_quarters is not None:
            _check_references(per_quarter, known, config.population_quarters, report,
                              unique=True, complete=True, quarters_file=quarters_file)
        if housing is not None and config.housing is not None:
            _check_references(housing, known, config.housing, report, unique=True,
                              quarters_file=quarters_file)
        if social is not None and config.social:
            _check_references(social, known, config.social[0], report, unique=False,
                              quarters_file=quarters_file)
        if grid is not None and len(grid) and config.population_grid is not None:
            _check_grid(grid, quarters, config.population_grid, report)
    if not report.ok or quarters is None:
        return None, report
    study = Study(config=config, quarters=quarters, facilities=facilities, catalogue=catalogue,
                  findings=report, population_grid=grid, population_quarters=per_quarter,
                  housing=housing, social=social, actors=actors, measures=measures,
                  concerns=concerns, age_structure=age_structure, **land)
    return study, report


def _age_structure(config: StudyConfig, report: ValidationReport) -> np.ndarray | None:
    """The study's own reference age structure (``[population] age_structure``), if given."""
    value = (config.raw.get("population") or {}).get("age_structure")
    if not isinstance(value, str) or not value.strip():
        return None
    path = (config.root / value).resolve()
    try:
        return read_age_structure(path)
    except FileNotFoundError:
        report.add("error", "missing_file", "population", f"Die Altersstruktur {path} gibt es "
                   "nicht.", "Den Pfad in [population] age_structure prüfen (relativ zum "
                   "Ordner der Konfiguration).", file=str(config.path))
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        report.add("error", "bad_age_structure", "population", f"Die Altersstruktur lässt sich "
                   f"nicht lesen: {exc}", "Eine CSV mit den Spalten age (0, 1, …, letzte "
                   "Gruppe offen wie '90+') und residents angeben.", file=str(path))
    return None


def load_study(path: str | Path, *, edition: str | None = None,
               progress: Progress | None = None) -> Study:
    """Load and validate a study; raise one :class:`StudyError` listing every error.

    Warnings and notes do not stop loading; they are kept in ``study.findings``.

    Examples
    --------
    >>> study = load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> study.quarters[["quarter_id", "name"]].head(2)  # doctest: +SKIP
    """
    study, report = validate_study(path, edition=edition, progress=progress)
    if study is None:
        raise StudyError(report)
    return study


def _catalogue(config: StudyConfig, report: ValidationReport) -> pd.DataFrame:
    catalogue = default_catalogue()
    for cfg, apply in ((config.categories, merge_catalogue), (config.standards, apply_standards)):
        if cfg is None or not cfg.path.exists():
            continue
        try:
            table, _ = read_table(cfg.path, sheet=cfg.get("sheet"))
        except TableReadError as exc:
            report.add("error", "unreadable_file", cfg.name, str(exc), "", file=str(cfg.path))
            continue
        table = table.rename(columns={v: k for k, v in cfg.columns.items()})
        catalogue = apply(catalogue, table, report=report, file=str(cfg.path))
    return minutes_as_metres(catalogue, config.network.speed_kmh)  # max_minutes → metres


def _check_references(frame: pd.DataFrame, known: set[str], cfg: DatasetConfig,
                      report: ValidationReport, *, unique: bool, complete: bool = False,
                      quarters_file: Path | None = None) -> None:
    ids = frame["quarter_id"].dropna()
    unknown = sorted(set(ids) - known)
    if unknown and len(unknown) == len(set(ids)):
        boundaries = Path(quarters_file).name if quarters_file else "quarters"
        report.add("error", "no_matching_ids", cfg.name, f"Keine Quartiers-ID der Datei "
                   f"{cfg.path.name} kommt in den Quartiersgrenzen ({boundaries}) vor: hier "
                   f"z. B. {format_ids(unknown, 3)}, dort z. B. {format_ids(sorted(known), 3)}.",
                   "Beide Dateien mit denselben "
                   "IDs schreiben (führende Nullen werden angeglichen, andere Schreibweisen "
                   "nicht) oder id_width in [study] setzen.", file=str(cfg.path),
                   column="quarter_id")
    elif unknown:
        report.add("warning", "unknown_quarter", cfg.name, f"{len(unknown)} Quartiers-IDs gibt es "
                   f"in den Quartiersgrenzen nicht: {format_ids(unknown)}. Diese Zeilen werden "
                   "nicht zugeordnet.", "Schreibweise der IDs vergleichen (führende Nullen?) oder "
                   "id_width in [study] setzen.", file=str(cfg.path), column="quarter_id")
    if unique:
        duplicated = ids[ids.duplicated()]
        if len(duplicated):
            report.add("error", "duplicate_id", cfg.name, f"Quartiers-IDs kommen mehrfach vor: "
                       f"{format_ids(sorted(set(duplicated)))}.", "Je Quartier eine Zeile.",
                       file=str(cfg.path), column="quarter_id")
    if complete:
        missing = sorted(known - set(ids))
        if missing:
            report.add("warning", "missing_quarter", cfg.name, f"Für {len(missing)} Quartiere "
                       f"fehlen Angaben: {format_ids(missing)}.", "Zeilen ergänzen; sonst gelten "
                       "diese Quartiere als unbewohnt.", file=str(cfg.path), column="quarter_id")


def _check_grid(grid: gpd.GeoDataFrame, quarters: gpd.GeoDataFrame, cfg: DatasetConfig,
                report: ValidationReport) -> None:
    outside = outside_quarters(grid, quarters)
    if outside.any():
        residents = grid.loc[outside, "total"].sum()
        report.add("note", "cells_outside", cfg.name, f"{int(outside.sum())} Gitterzellen mit "
                   f"{residents:.0f} Einwohner*innen liegen außerhalb der Quartiere und zählen "
                   "zu keinem Quartier.",
                   "Normal, wenn das Gitter über das Stadtgebiet hinausreicht.",
                   file=str(cfg.path))
