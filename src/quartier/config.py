"""Reading and checking the study configuration ``quartier.toml`` (see ``docs/config.md``)."""

from __future__ import annotations

import datetime as _dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from quartier.settings import IndicatorSettings, read_indicator_settings
from quartier.validation import ValidationReport

__all__ = ["DatasetConfig", "StudyConfig", "read_config", "parse_crs", "DEFAULT_CRS"]

DEFAULT_CRS = "EPSG:25832"

_DATASET_KEYS = {
    "path", "layer", "sheet", "crs", "wkt", "x", "y", "columns", "label", "category",
    "category_map", "osm", "id_prefix", "address_columns", "list_separator", "year", "preset",
    "format", "date", "id_corrections", "min_count", "period",
}
_SINGLE_DATASETS = ("quarters", "housing", "actors", "measures", "categories", "standards",
                    "concerns")
_LIST_DATASETS = ("facilities", "social")
_TOP_KEYS = {"study", "population", "indicators", *_SINGLE_DATASETS, *_LIST_DATASETS}
_STUDY_KEYS = {"name", "crs", "edition", "language", "id_width", "attribution", "root"}
LANGUAGES = ("de", "en")


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
                report: ValidationReport | None = None) -> tuple[StudyConfig | None, ValidationReport]:
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

    for key in sorted(set(raw) - _TOP_KEYS):
        report.add("warning", "unknown_key", ds, f"Unbekannter Abschnitt [{key}] wird ignoriert.",
                   f"Erlaubt sind: {', '.join(sorted(_TOP_KEYS))}. Tippfehler?", file=str(path))

    study = raw.get("study")
    if not isinstance(study, dict):
        report.add("error", "missing_section", ds, "Der Abschnitt [study] fehlt.",
                   'Mindestens [study] mit name = "…" angeben.', file=str(path))
        study = {}
    for key in sorted(set(study) - _STUDY_KEYS):
        report.add("warning", "unknown_key", ds, f"Unbekannter Eintrag '{key}' in [study].",
                   f"Erlaubt sind: {', '.join(sorted(_STUDY_KEYS))}.", file=str(path))
    name = str(study.get("name", "")).strip()
    if not name:
        report.add("error", "missing_key", ds, "In [study] fehlt der Name der Studie (name).",
                   'z. B. name = "Musterstadt"', file=str(path))

    crs = _working_crs(study.get("crs", DEFAULT_CRS), report, path)
    edition_label = str(edition if edition is not None else study.get("edition",
                                                                    _dt.date.today().year))
    language = str(study.get("language", "de"))
    if language not in LANGUAGES:
        report.add("error", "bad_value", ds, f"Unbekannte Berichtssprache '{language}'.",
                   'language = "de" oder "en"', file=str(path))
        language = "de"
    id_width = study.get("id_width")
    if id_width is not None and (not isinstance(id_width, int) or id_width < 1):
        report.add("error", "bad_value", ds, f"id_width = {id_width!r} ist keine positive Zahl.",
                   "id_width = 8 (Anzahl der Ziffern) oder Eintrag weglassen.", file=str(path))
        id_width = None
    attribution = study.get("attribution", [])
    if isinstance(attribution, str):
        attribution = [attribution]

    root = (path.parent / str(study.get("root", "."))).resolve()
    if not root.is_dir():
        report.add("error", "missing_file", ds, f"Der Ordner root = {study.get('root')} "
                   f"({root}) existiert nicht.", "root relativ zum Ordner der Konfiguration "
                   "angeben oder weglassen.", file=str(path))

    def block(key: str, value: Any, label: str) -> DatasetConfig | None:
        return _dataset(label, value, path, root, edition_label, report)

    quarters = block("quarters", raw.get("quarters"), "quarters") if "quarters" in raw else None
    if "quarters" not in raw:
        report.add("error", "missing_section", ds, "Der Abschnitt [quarters] (Quartiersgrenzen) "
                   "fehlt.", '[quarters] mit path = "…" und columns = { quarter_id = "…" } '
                   "angeben.", file=str(path))
    population = raw.get("population", {})
    if not isinstance(population, dict):
        population = {}
    grid = block("grid", population["grid"], "population.grid") if "grid" in population else None
    per_quarter = (block("quarters", population["quarters"], "population.quarters")
                   if "quarters" in population else None)
    for key in sorted(set(population) - {"grid", "quarters"}):
        report.add("warning", "unknown_key", ds, f"Unbekannter Abschnitt [population.{key}].",
                   "Erlaubt sind [population.grid] und [population.quarters].", file=str(path))
    if "grid" not in population and "quarters" not in population:
        report.add("error", "missing_section", ds, "Es sind keine Einwohnerdaten angegeben.",
                   "[population.grid] (Zensus-Gitter) oder [population.quarters] (Einwohner je "
                   "Quartier) ergänzen.", file=str(path))

    def many(key: str) -> tuple[DatasetConfig, ...]:
        value = raw.get(key, [])
        if isinstance(value, dict):
            value = [value]
        found = tuple(_dataset(f"{key}[{i + 1}]", item, path, root, edition_label, report)
                      for i, item in enumerate(value))
        return tuple(d for d in found if d is not None)

    facilities = many("facilities")
    if "facilities" not in raw:
        report.add("warning", "missing_section", ds, "Es sind keine Einrichtungen ([[facilities]]) "
                   "angegeben: Versorgungsindikatoren bleiben leer.",
                   "Mindestens eine Datei mit Angeboten als [[facilities]] eintragen.",
                   file=str(path))

    config = StudyConfig(
        path=path, name=name or path.parent.name, crs=crs or parse_crs(DEFAULT_CRS),
        edition=edition_label, language=language, id_width=id_width,
        attribution=tuple(str(a) for a in attribution),
        quarters=quarters, population_grid=grid, population_quarters=per_quarter,
        facilities=facilities,
        housing=block("housing", raw["housing"], "housing") if "housing" in raw else None,
        social=many("social"),
        actors=block("actors", raw["actors"], "actors") if "actors" in raw else None,
        measures=block("measures", raw["measures"], "measures") if "measures" in raw else None,
        categories=(block("categories", raw["categories"], "categories")
                    if "categories" in raw else None),
        standards=(block("standards", raw["standards"], "standards")
                   if "standards" in raw else None),
        raw=raw,
        indicators=read_indicator_settings(raw.get("indicators"), report, str(path),
                                           edition_label),
        concerns=(block("concerns", raw["concerns"], "concerns")
                  if "concerns" in raw else None),
    )
    return config, report


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


def _dataset(label: str, value: Any, config_path: Path, root: Path, edition: str,
             report: ValidationReport) -> DatasetConfig | None:
    if not isinstance(value, dict):
        report.add("error", "bad_section", label, f"[{label}] muss ein Abschnitt mit path = … sein.",
                   "Siehe docs/config.md.", file=str(config_path))
        return None
    for key in sorted(set(value) - _DATASET_KEYS):
        report.add("warning", "unknown_key", label, f"Unbekannter Eintrag '{key}' in [{label}] "
                   "wird ignoriert.", f"Erlaubt sind: {', '.join(sorted(_DATASET_KEYS))}.",
                   file=str(config_path))
    raw_paths = value.get("path")
    if raw_paths is None:
        report.add("error", "missing_key", label, f"In [{label}] fehlt path.",
                   'path = "datei.csv" (relativ zum Ordner der Konfiguration).',
                   file=str(config_path))
        return None
    if isinstance(raw_paths, str):
        raw_paths = [raw_paths]
    paths = []
    for item in raw_paths:
        resolved = (root / str(item).replace("{edition}", edition)).resolve()
        if not resolved.exists():
            hint = "Pfad und Schreibweise prüfen; Pfade gelten relativ zum Ordner der Konfiguration."
            if "{edition}" in str(item):
                hint = (f"Für die Ausgabe {edition} fehlt die Datei. " + hint)
            report.add("error", "missing_file", label, f"Die Datei {resolved} gibt es nicht.",
                       hint, file=str(resolved))
        paths.append(resolved)
    columns = value.get("columns", {})
    if not isinstance(columns, dict):
        report.add("error", "bad_value", label, "columns muss eine Zuordnung sein.",
                   'columns = { quarter_id = "Spaltenname" }', file=str(config_path))
        columns = {}
    options = {k: v for k, v in value.items() if k not in ("path", "columns")}
    if "date" in options:
        options["date"] = str(options["date"]).replace("{edition}", edition)
    if "crs" in options:
        try:
            parse_crs(options["crs"])
        except ValueError as exc:
            report.add("error", "unknown_crs", label, f"[{label}] crs: {exc}.",
                       'Einen EPSG-Code angeben, z. B. crs = "EPSG:4326" für Längen/Breiten.',
                       file=str(config_path))
            options.pop("crs")
    return DatasetConfig(label, tuple(paths), dict(columns), options)
