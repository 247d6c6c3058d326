"""Reading and checking the study configuration ``quartier.toml`` (see ``docs/config.md``)."""

from __future__ import annotations

import datetime as _dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from quartier._paths import check_study_labels
from quartier.config_schema import (
    DATASET_SECTIONS,
    LIST_SECTIONS,
    SECTIONS,
    check_columns,
    check_table,
    report_unknown,
    subsections,
    type_name,
)
from quartier.load.sources import is_gdal_source, shown_source
from quartier.settings import IndicatorSettings, read_indicator_settings
from quartier.validation import ValidationReport

__all__ = ["DatasetConfig", "NetworkConfig", "StudyConfig", "read_config", "parse_crs",
           "DEFAULT_CRS"]

DEFAULT_CRS = "EPSG:25832"



@dataclass(frozen=True)
class DatasetConfig:
    """One dataset block of the config, with paths resolved against the config's folder."""

    name: str
    paths: tuple[Path, ...]
    columns: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        """The first (usually the only) file of the dataset."""
        return self.paths[0]

    def get(self, key: str, default: Any = None) -> Any:
        """An option of the block (``layer``, ``crs``, ``category`` …)."""
        return self.options.get(key, default)


@dataclass(frozen=True)
class NetworkConfig:
    """``[network]``: the street network for walking distances and the study's distance model.

    Attributes
    ----------
    path : Path or None
        The OpenStreetMap extract (``.osm.pbf``, ``.osm``, ``.osm.gz``); None without one
        (then only ``speed_kmh`` matters, for standards given in minutes).
    mode : str
        ``walk`` (the only mode so far).
    speed_kmh : float
        Walking speed that turns minutes into metres (4.5 km/h = 75 m per minute).
    distance : str
        The study's distance model, ``network`` or ``straight``; a category's ``distance``
        column overrides it. ``network`` by default when a path is given.
    label, date : str
        Name and date of the source for the report ("" when not given).
    cache_dir : Path or None
        Where the built graph is cached: ``.quartier-cache`` beside the config.
    """

    path: Path | None = None
    mode: str = "walk"
    speed_kmh: float = 4.5
    distance: str = "straight"
    label: str = ""
    date: str = ""
    cache_dir: Path | None = None


@dataclass(frozen=True)
class StudyConfig:
    """The checked study configuration."""

    path: Path
    name: str
    crs: CRS
    edition: str
    language: str
    id_width: int | None
    attribution: tuple[str, ...]
    quarters: DatasetConfig | None
    population_grid: DatasetConfig | None
    population_quarters: DatasetConfig | None
    facilities: tuple[DatasetConfig, ...]
    housing: DatasetConfig | None
    social: tuple[DatasetConfig, ...]
    actors: DatasetConfig | None
    measures: DatasetConfig | None
    categories: DatasetConfig | None
    standards: DatasetConfig | None
    raw: dict[str, Any]
    indicators: IndicatorSettings = field(default_factory=IndicatorSettings)
    concerns: DatasetConfig | None = None
    population_residential: DatasetConfig | None = None
    population_uninhabited: DatasetConfig | None = None
    network: NetworkConfig = field(default_factory=NetworkConfig)
    addresses: DatasetConfig | None = None

    @property
    def root(self) -> Path:
        """Folder where relative paths start: ``[study] root`` or the config's folder."""
        return (self.path.parent / str(self.raw.get("study", {}).get("root", "."))).resolve()


def parse_crs(value: Any) -> CRS:
    """Parse a CRS given as ``"EPSG:25832"``, ``25832`` or WKT/PROJ text.

    Raises
    ------
    ValueError
        With a message naming the value when pyproj does not know it.
    """
    try:
        return CRS.from_user_input(value)
    except (CRSError, TypeError) as exc:
        raise ValueError(f"'{value}' ist kein bekanntes Koordinatenreferenzsystem") from exc


def read_config(path: str | Path, *, edition: str | None = None,
                report: ValidationReport | None = None
                ) -> tuple[StudyConfig | None, ValidationReport]:
    """Read and check ``quartier.toml``.

    Every problem is recorded in the returned report; the config is ``None`` only when the file
    itself cannot be read or lacks the ``[study]`` name or ``[quarters]`` block.

    Parameters
    ----------
    path : str or Path
        The config file.
    edition : str, optional
        Edition label that overrides ``[study] edition`` (and fills ``{edition}`` in paths).
    report : ValidationReport, optional
        Report to add to; a new one by default.
    """
    report = report if report is not None else ValidationReport()
    path = Path(path).resolve()
    ds = "config"
    if path.is_dir():
        path = path / "quartier.toml"
    if not path.is_file():
        report.add("error", "missing_file", ds, f"Die Konfigurationsdatei {path} gibt es nicht.",
                   "Pfad prüfen oder mit dem Beispiel in data/sample/quartier.toml beginnen.",
                   file=str(path))
        return None, report
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        report.add("error", "config_syntax", ds, f"Die Konfiguration ist kein gültiges TOML: {exc}",
                   "Anführungszeichen, Klammern und Gleichheitszeichen in der genannten Zeile "
                   "prüfen.", file=str(path))
        return None, report

    original = raw
    raw = _checked_sections(raw, report, str(path))
    study = raw.get("study")
    if not isinstance(study, dict):
        if "study" not in original:
            report.add("error", "missing_section", ds, "Der Abschnitt [study] fehlt.",
                       'Mindestens [study] mit name = "…" angeben.', file=str(path))
        study = {}
    name = str(study.get("name", "")).strip()
    original_study = original.get("study")
    if not isinstance(original_study, dict) or "name" not in original_study:
        report.add("error", "missing_key", ds, "In [study] fehlt der Name der Studie (name).",
                   'z. B. name = "Musterstadt"', file=str(path))

    crs = _working_crs(study.get("crs", DEFAULT_CRS), report, path)
    edition_label = str(edition if edition is not None else study.get("edition",
                                                                    _dt.date.today().year))
    edition_label = check_study_labels(name, edition_label, report, str(path))
    language = str(study.get("language", "de"))
    id_width = study.get("id_width")
    attribution = study.get("attribution", [])

    root = (path.parent / str(study.get("root", "."))).resolve()
    if not root.is_dir():
        report.add("error", "missing_file", ds, f"Der Ordner root = {study.get('root')} "
                   f"({root}) existiert nicht.", "root relativ zum Ordner der Konfiguration "
                   "angeben oder weglassen.", file=str(path))

    def block(section: str) -> DatasetConfig | None:
        value = _nested(raw, section)
        if value is None:  # absent, or not a table (reported by the schema check)
            return None
        return _dataset(section, value, path, root, edition_label, report,
                        path_given="path" in (_nested(original, section) or {}))

    def many(section: str) -> tuple[DatasetConfig, ...]:
        found = [_dataset(f"{section}[{i + 1}]", item, path, root, edition_label, report,
                          path_given="path" in item)
                 for i, item in enumerate(raw.get(section, [])) if item is not None]
        return tuple(d for d in found if d is not None)

    if "quarters" not in original:
        report.add("error", "missing_section", ds, "Der Abschnitt [quarters] (Quartiersgrenzen) "
                   "fehlt.", '[quarters] mit path = "…" und columns = { quarter_id = "…" } '
                   "angeben.", file=str(path))
    population = original.get("population")
    if not isinstance(population, dict) or not ({"grid", "quarters"} & set(population)):
        report.add("error", "missing_section", ds, "Es sind keine Einwohnerdaten angegeben.",
                   "[population.grid] (Zensus-Gitter) oder [population.quarters] (Einwohner je "
                   "Quartier) ergänzen.", file=str(path))
    if "facilities" not in original:
        report.add("warning", "missing_section", ds, "Es sind keine Einrichtungen ([[facilities]]) "
                   "angegeben: Versorgungsindikatoren bleiben leer.",
                   "Mindestens eine Datei mit Angeboten als [[facilities]] eintragen.",
                   file=str(path))

    config = StudyConfig(
        path=path, name=name or path.parent.name, crs=crs or parse_crs(DEFAULT_CRS),
        edition=edition_label, language=language, id_width=id_width,
        attribution=tuple(attribution),
        quarters=block("quarters"), population_grid=block("population.grid"),
        population_quarters=block("population.quarters"),
        facilities=many("facilities"),
        housing=block("housing"),
        social=many("social"),
        actors=block("actors"),
        measures=block("measures"),
        categories=block("categories"),
        standards=block("standards"),
        raw=raw,
        indicators=read_indicator_settings(original.get("indicators"), report, str(path),
                                           edition_label),
        concerns=block("concerns"),
        population_residential=block("population.residential"),
        population_uninhabited=block("population.uninhabited"),
        network=_network(raw.get("network"), block, path, report),
        addresses=block("addresses"),
    )
    return config, report


def _network(values: Any, block: Any, config_path: Path, report: ValidationReport
             ) -> NetworkConfig:
    """``[network]`` (values already checked by the schema) as a :class:`NetworkConfig`."""
    if not isinstance(values, dict):
        return NetworkConfig()
    dataset = block("network") if "path" in values else None
    distance = values.get("distance", "network" if dataset is not None else "straight")
    if distance == "network" and dataset is None:
        report.add("error", "missing_key", "network", "[network] distance = \"network\" braucht "
                   "ein Wegenetz, aber path fehlt.", 'path = "region.osm.pbf" (ein '
                   "OpenStreetMap-Auszug) angeben oder distance = \"straight\" setzen.",
                   file=str(config_path))
        distance = "straight"
    return NetworkConfig(
        path=dataset.path if dataset is not None else None, mode=values.get("mode", "walk"),
        speed_kmh=float(values.get("speed_kmh", 4.5)), distance=distance,
        label=str(values.get("label", "")), date=str(values.get("date", "")),
        cache_dir=config_path.parent / ".quartier-cache")


def _nested(raw: dict[str, Any], section: str) -> Any:
    """The table at a dotted section name (``population.grid``), or None."""
    value: Any = raw
    for part in section.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _checked_sections(raw: dict[str, Any], report: ValidationReport, file: str
                      ) -> dict[str, Any]:
    """Every section checked against :data:`quartier.config_schema.SECTIONS`.

    Returns the config with valid values normalised and invalid values (or sections that are
    not tables) left out; ``[indicators]`` is passed through (checked by
    :func:`quartier.settings.read_indicator_settings`). List sections (``[[facilities]]``)
    become lists whose invalid blocks are ``None`` (so that block numbers stay those of the
    file).
    """
    top = [name for name in SECTIONS if "." not in name]
    report_unknown([k for k in raw if k not in top], top, "der Konfiguration", report,
                   dataset="config", file=file, what="Abschnitt")
    checked: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in top:
            checked[name] = value
        elif name == "indicators":
            checked[name] = value
        elif name in LIST_SECTIONS:
            blocks = [value] if isinstance(value, dict) else value
            if not isinstance(blocks, list):
                _not_a_table(f"[[{name}]]", value, report, file)
                continue
            checked[name] = []
            for i, item in enumerate(blocks):
                label = f"{name}[{i + 1}]"
                if not isinstance(item, dict):
                    _not_a_table(f"[[{name}]]", item, report, file, dataset=label)
                    checked[name].append(None)
                else:
                    checked[name].append(_checked_section(item, name, label, report, file))
        elif isinstance(value, dict):
            checked[name] = _checked_section(value, name, name, report, file)
        else:
            _not_a_table(f"[{name}]", value, report, file)
    return checked


def _checked_section(values: dict[str, Any], section: str, label: str,
                     report: ValidationReport, file: str) -> dict[str, Any]:
    dataset = label if section in DATASET_SECTIONS else "config"
    checked = check_table(values, section, report, file=file, dataset=dataset, label=label)
    if "columns" in checked:
        check_columns(checked["columns"], section, report, file=file, dataset=label)
    for child in subsections(section):
        if child not in checked:
            continue
        if isinstance(checked[child], dict):
            checked[child] = _checked_section(checked[child], f"{section}.{child}",
                                              f"{label}.{child}", report, file)
        else:
            _not_a_table(f"[{label}.{child}]", checked.pop(child), report, file)
    return checked


def _not_a_table(where: str, value: Any, report: ValidationReport, file: str,
                 dataset: str = "config") -> None:
    report.add("error", "bad_section", dataset, f"{where} muss ein Abschnitt (Tabelle) sein, "
               f"gefunden: {type_name(value)}.", f"Als eigenen Abschnitt {where} mit den "
               "Einträgen darunter schreiben (eine Zeile je Eintrag); siehe docs/config.md.",
               file=file)


def _working_crs(value: Any, report: ValidationReport, path: Path) -> CRS | None:
    try:
        crs = parse_crs(value)
    except ValueError as exc:
        report.add("error", "unknown_crs", "config", f"[study] crs: {exc}.",
                   'Einen EPSG-Code angeben, z. B. crs = "EPSG:25832" (UTM 32N).', file=str(path))
        return None
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        report.add("error", "geographic_crs", "config",
                   f"[study] crs = {value} ist kein projiziertes System in Metern; Entfernungen "
                   "und Flächen wären falsch.",
                   'Ein metrisches System wählen, z. B. "EPSG:25832" oder "EPSG:25833".',
                   file=str(path))
        return None
    return crs


def _dataset(label: str, value: dict[str, Any], config_path: Path, root: Path, edition: str,
             report: ValidationReport, *, path_given: bool = True) -> DatasetConfig | None:
    """One dataset block whose values passed the schema check; paths resolved and checked."""
    raw_paths = value.get("path")
    if raw_paths is None:
        if not path_given:  # a path of the wrong type is already reported
            report.add("error", "missing_key", label, f"In [{label}] fehlt path.",
                       'path = "datei.csv" (relativ zum Ordner der Konfiguration).',
                       file=str(config_path))
        return None
    if isinstance(raw_paths, str):
        raw_paths = [raw_paths]
    paths = []
    gdal_sources: dict[str, str] = {}  # shown path (password masked) -> connection string
    for item in raw_paths:
        if is_gdal_source(item) and not (root / item).exists():  # PG:…, WFS:… (docs/config.md)
            shown = Path(shown_source(item.replace("{edition}", edition)))
            if "layer" not in SECTIONS.get(label.split("[")[0], {}):
                report.add("error", "bad_value", label, f"[{label}] path = \"{shown}\" ist eine "
                           "GDAL-Quelle; solche Quellen gehen nur für Geodaten.",
                           "Eine Datei (CSV oder Excel) angeben.", file=str(config_path))
            gdal_sources[str(shown)] = item.replace("{edition}", edition)
            paths.append(shown)
            continue
        resolved = (root / item.replace("{edition}", edition)).resolve()
        if not resolved.exists():
            hint = ("Pfad und Schreibweise prüfen; Pfade gelten relativ zum Ordner der "
                    "Konfiguration.")
            if "{edition}" in item:
                hint = (f"Für die Ausgabe {edition} fehlt die Datei. " + hint)
            report.add("error", "missing_file", label, f"Die Datei {resolved} gibt es nicht.",
                       hint, file=str(resolved))
        paths.append(resolved)
    columns = value.get("columns", {})
    columns = value.get("columns", {})
    options = {k: v for k, v in value.items() if k not in ("path", "columns")}
    if gdal_sources:
        options["_gdal_sources"] = gdal_sources
    if "date" in options:
        options["date"] = str(options["date"]).replace("{edition}", edition)
    if isinstance(options.get("boundaries"), str):  # a dataset on other areas (other_boundaries)
        options["boundaries"] = (root / options["boundaries"].replace("{edition}", edition)
                                 ).resolve()
        if not options["boundaries"].exists():
            report.add("error", "missing_file", label, f"Die Grenzdatei {options['boundaries']} "
                       f"(boundaries) gibt es nicht.", "Pfad prüfen; Pfade gelten relativ zum "
                       "Ordner der Konfiguration.", file=str(options["boundaries"]))
            options.pop("boundaries")
    if "crs" in options:
        try:
            parse_crs(options["crs"])
        except ValueError as exc:
            report.add("error", "unknown_crs", label, f"[{label}] crs: {exc}.",
                       'Einen EPSG-Code angeben, z. B. crs = "EPSG:4326" für Längen/Breiten.',
                       file=str(config_path))
            options.pop("crs")
    return DatasetConfig(label, tuple(paths), dict(columns), options)
