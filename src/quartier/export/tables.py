"""Exports beside the report: a GeoPackage for QGIS, CSV tables and an Excel workbook.

:func:`write_exports` writes, into one folder (usually ``reports/<study>/<edition>/``):

============================  ================================================================
file                          content
============================  ================================================================
``<slug>_<edition>.gpkg``     layers ``quartiere`` (quarters with every indicator in wide form),
                              ``einrichtungen`` (facilities with the ``quarter_id`` containing
                              them), and the attribute tables ``indikatoren`` (the tidy results),
                              ``bewertung`` (gaps), ``kategorien`` (catalogue rows used),
                              ``spalten`` (what each column of ``quartiere`` holds) and
                              ``sozialindex`` (when computed); all in the study's working CRS
``indikatoren.csv``           the tidy results table (:data:`quartier.compute.RESULT_COLUMNS`)
``bewertung.csv``             the gap assessment (``results.gaps``)
``einrichtungen.csv``         facilities with ``x``/``y`` (working CRS) and ``lon``/``lat``
                              (WGS 84)
``sozialindex.csv``           the social status and dynamics index (only when computed)
``<slug>_<edition>.xlsx``     a workbook for readers: overview, one sheet per action field,
                              assessment, social index, facilities, categories and the
                              indicator formulas
============================  ================================================================

File and layer names and the column headers and codes of the GeoPackage are the stable English
contract names, whatever the language, so that scripts keep working (as are the CSV files of
``quartier indicators CONFIG``). The CSV files beside the report are for readers: headers and
labels in the report's language, numbers rounded as the report prints them
(:mod:`quartier.export.labels`); the Excel workbook follows the language as well.

The work is split by kind of output: :mod:`quartier.export.naming` (file slugs, wide column
names), :mod:`quartier.export.geodata` (the two spatial layers and the GeoPackage),
:mod:`quartier.export.frames` (the plain tables), :mod:`quartier.export.csv_files` (the
public CSV files) and :mod:`quartier.export.workbook` (one function per sheet). This module
runs them in order with safe writes and keeps the names importable from here.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from quartier._atomic import remove_temporary, replace_file, temporary_beside
from quartier._paths import inside
from quartier.compute import Results
from quartier.export.csv_files import write_csv_files
from quartier.export.frames import (
    facility_coordinates,
    housing_table,
    status_table,
    used_categories,
)
from quartier.export.geodata import (
    FACILITY_COLUMNS,
    LAYERS,
    check_inputs,
    columns_table,
    facility_table,
    quarter_table,
    write_geopackage,
)
from quartier.export.naming import MAX_COLUMN_NAME, column_name, column_plan, export_slug
from quartier.export.workbook import write_workbook
from quartier.fields import LANGUAGES
from quartier.study import Study

__all__ = [
    "FACILITY_COLUMNS",
    "LAYERS",
    "MAX_COLUMN_NAME",
    "column_name",
    "export_slug",
    "export_targets",
    "facility_table",
    "housing_table",
    "quarter_table",
    "write_exports",
]


def _timestamp(created: _dt.datetime | None) -> _dt.datetime:
    if created is None:
        created = _dt.datetime.now(_dt.UTC)
    if not isinstance(created, _dt.datetime):
        raise TypeError(f"created must be a datetime, got {type(created).__name__}.")
    if created.tzinfo is not None:
        created = created.astimezone(_dt.UTC).replace(tzinfo=None)
    return created.replace(microsecond=0)


def export_targets(study: Study, results: Results, folder: Path) -> dict[str, Path]:
    """The files :func:`write_exports` writes, by key, without writing anything.

    Parameters
    ----------
    study : Study
        The loaded study (its name and edition name the GeoPackage and the workbook).
    results : Results
        What :func:`quartier.compute` returned; a social index adds ``sozialindex.csv``.
    folder : Path
        The target folder; every path is checked to stay inside it.

    Returns
    -------
    dict of str to Path
        File per key (``geopackage``, ``indicators``, ``gaps``, ``facilities``, ``excel``, and
        ``status`` / ``housing`` where the study has them).

    Examples
    --------
    >>> from quartier.sample import sample_results, sample_study
    >>> targets = export_targets(sample_study(), sample_results(), Path("out"))
    >>> targets["excel"].name, targets["housing"].name, len(targets)
    ('musterstadt_2025.xlsx', 'wohnen.csv', 7)
    """
    base = f"{export_slug(study.name)}_{export_slug(str(study.edition))}"
    names = {"geopackage": f"{base}.gpkg", "indicators": "indikatoren.csv",
             "gaps": "bewertung.csv", "facilities": "einrichtungen.csv", "excel": f"{base}.xlsx"}
    if results.social_index is not None:
        names["status"] = "sozialindex.csv"
    if housing_table(study) is not None:
        names["housing"] = "wohnen.csv"
    return {key: inside(folder, name) for key, name in names.items()}


def write_exports(study: Study, results: Results, folder: Path, *, language: str | None = None,
                  created: _dt.datetime | None = None) -> dict[str, Path]:
    """Write the GeoPackage, the CSV tables and the Excel workbook of a study into ``folder``.

    Parameters
    ----------
    study : Study
        The loaded study.
    results : Results
        What :func:`quartier.compute` returned for ``study``.
    folder : Path
        Target folder, usually the report's ``reports/<study>/<edition>/``; created if needed.
    language : {"de", "en"}, optional
        Language of the workbook and the CSV number format; default the study's language.
    created : datetime, optional
        Creation time written into the workbook (overview and document properties) and the
        GeoPackage; default now. Pass a fixed time to get byte-identical files on a rerun.

    Returns
    -------
    dict of str to Path
        ``geopackage``, ``excel``, ``indicators`` (``indikatoren.csv``), ``gaps``
        (``bewertung.csv``), ``facilities`` (``einrichtungen.csv``) and, when the social index
        was computed, ``status`` (``sozialindex.csv``); ``housing`` (``wohnen.csv``, every
        column of ``[housing]`` as loaded) when the study has housing data.

    Raises
    ------
    TypeError
        If ``study`` or ``results`` are not what :func:`quartier.load_study` and
        :func:`quartier.compute` return.
    ValueError
        If ``language`` is not supported.
    PermissionError
        If a target file is locked (open in Excel or QGIS on Windows); the message says which.

    Notes
    -----
    **Safe writes.** Every file is first written under a hidden temporary name in ``folder``;
    only when all files are complete are they renamed onto their targets with
    :func:`os.replace` (atomic on one file system). An interrupted run leaves the previous
    files untouched and removes its temporary files.

    **CSV format.** UTF-8 with byte-order mark, so that Excel recognises the encoding. With
    ``language="de"``: ``;`` as separator and ``,`` as decimal mark (what Excel on German
    Windows expects); with ``"en"``: ``,`` and ``.``. Read them back with
    ``pd.read_csv(path, sep=";", decimal=",", dtype={"Quartier-Nr.": str})``. Headers, codes
    and booleans are written in ``language`` (``Quartier-Nr.``, ``Bewertung`` = ``Lücke``,
    ``ja``/``nein``; :func:`quartier.export.labels.public_table`) and values rounded to the
    decimals the report prints; the GeoPackage keeps the English contract names and codes for
    scripts. Quarter ids are written as text with their leading zeros, but Excel converts a
    column like ``01`` to the number 1 when it opens a CSV file by double click: use the
    workbook (ids stored as text) or Excel's text import.

    **Wide columns.** The ``quartiere`` layer has one column per category × indicator named by
    :func:`column_name` (``kita__supply_rate``) and one ``<category>__status``; the
    ``spalten`` table of the GeoPackage lists each column with its category, indicator, label
    and unit.

    Examples
    --------
    >>> import quartier
    >>> study = quartier.load_study("data/sample/quartier.toml")  # doctest: +SKIP
    >>> paths = write_exports(study, quartier.compute(study), Path("out"))  # doctest: +SKIP
    >>> paths["geopackage"].name  # doctest: +SKIP
    'musterstadt_2025.gpkg'
    """
    check_inputs(study, results)
    language = language or study.config.language or "de"
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; allowed: {', '.join(LANGUAGES)}.")
    stamp = _timestamp(created)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    quarters = quarter_table(study, results)
    plan = column_plan(results)
    facilities = facility_table(study)
    status = status_table(results)
    indicators = results.indicators.copy()
    gaps = results.gaps.copy()
    # The housing headers are the report profile's (the one import from report/).
    from quartier.report.profile_context import column_label

    targets = export_targets(study, results, folder)
    staged = {key: temporary_beside(path) for key, path in targets.items()}
    try:
        write_geopackage(staged["geopackage"], quarters, facilities,
                         {"indikatoren": indicators, "bewertung": gaps,
                          "kategorien": used_categories(study, results),
                          "spalten": columns_table(plan, study, language),
                          "sozialindex": status}, stamp)
        write_csv_files(staged, {"indicators": indicators, "gaps": gaps,
                                 "facilities": facility_coordinates(facilities),
                                 "status": status, "housing": housing_table(study)},
                        study, language, column_label=column_label)
        write_workbook(staged["excel"], study, results, quarters, plan, facilities, language,
                       stamp, column_label=column_label)
        for key, temporary in staged.items():
            replace_file(temporary, targets[key])
    finally:
        for temporary in staged.values():
            remove_temporary(temporary)
    return targets
