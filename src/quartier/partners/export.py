"""Files on partners, measures and concerns: publishable tables and the internal register.

Publishable (beside the report, in ``reports/<study>/<edition>/``):

========================  ========================================================================
``netzwerk_partner.csv``  the public view of the partner register (organisations; contact data
                          only of rows marked public)
``massnahmen.csv``        the measures with field, quarters, target, budget, status and dates
``anliegen.csv``          concerns counted per quarter, field, period and status as *display
                          strings*: small counts ``"< 3"``, secondary suppressions ``"x"``
========================  ========================================================================

Internal (for the quarter manager only, never in the report folder):
``<config folder>/reports/<study>/intern/<edition>/netzwerk_partner.csv`` and
``netzwerk_partner.xlsx`` (:func:`internal_folder`) with contact people, e-mail addresses, phone
numbers and every further column of the actors table.

CSV files follow the other exports: UTF-8 with byte-order mark, ``;`` and decimal comma for
German, ``,`` and ``.`` for English; the public files have headers and labels in the report's
language (:func:`quartier.export.labels.public_table`), the internal register keeps the English
column names; text that a spreadsheet would run as a formula gets a leading ``'``
(:mod:`quartier.export.spreadsheet`).
"""

from __future__ import annotations

import os
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from quartier._paths import INTERNAL_FOLDER, inside
from quartier.export.labels import public_table
from quartier.export.spreadsheet import safe_table, write_csv
from quartier.format import slug
from quartier.load.concerns import concern_settings
from quartier.partners.concerns import PUBLISHED_TABLES, Protection, published_concerns
from quartier.partners.partners import missing_partners, partner_register, public_view
from quartier.study import Study

__all__ = ["study_register", "study_concerns", "public_tables", "write_network_exports",
           "write_internal_register", "internal_folder", "MEASURE_COLUMNS"]

#: Columns of the published measures table.
MEASURE_COLUMNS = ["measure_id", "title", "field", "quarter_id", "target", "budget_planned",
                   "budget_spent", "status", "start", "end"]


#: Results of study_register / study_concerns per live Study object: one report run asks for
#: them in the chapters, the public exports and the internal register (the concern audit
#: solves linear programs), so each is computed once per study.
_COMPUTED: dict[tuple[int, str], tuple[weakref.ref, Any]] = {}


def _once(study: Study, name: str, make: Callable[[], Any]) -> Any:
    key = (id(study), name)
    known = _COMPUTED.get(key)
    if known is not None and known[0]() is study:
        return known[1]
    value = make()
    _COMPUTED[key] = (weakref.ref(study, lambda _ref, key=key: _COMPUTED.pop(key, None)), value)
    return value


def study_register(study: Study) -> pd.DataFrame | None:
    """The partner register of a study (None without actors and facilities); computed once
    per study object, so treat it as read-only."""
    if study.actors is None and (study.facilities is None or not len(study.facilities)):
        return None
    return _once(study, "register",
                 lambda: partner_register(study.actors, study.facilities, study.quarters))


def study_concerns(study: Study) -> Protection | None:
    """The protected concern counts of a study with its ``min_count`` and ``period``;
    computed once per study object."""
    if study.concerns is None:
        return None
    threshold, period = concern_settings(study.config.concerns)
    return _once(study, "concerns", lambda: published_concerns(
        study.concerns, list(study.quarters["quarter_id"]), threshold=threshold, period=period))


def _concern_table(protection: Protection, language: str) -> pd.DataFrame:
    """Every published concern figure once, as a long table of display strings."""
    rows = []
    seen: set[tuple] = set()
    for row_dim, column_dim in PUBLISHED_TABLES:
        for key in protection.values:
            named = {d for d, v in zip(protection.dims, key, strict=True) if v is not None}
            if key in seen or not named <= {row_dim, column_dim}:
                continue
            seen.add(key)
            rows.append({**{d: (v if v is not None else "") for d, v in
                            zip(protection.dims, key, strict=True)},
                         "count": protection.display(key, language)})
    return pd.DataFrame(rows, columns=[*protection.dims, "count"])


def public_tables(study: Study, language: str | None = None) -> dict[str, pd.DataFrame]:
    """The publishable tables (file name → table); only those the study has data for."""
    language = language or study.config.language
    tables: dict[str, pd.DataFrame] = {}
    register = study_register(study)
    if register is not None:
        tables["netzwerk_partner.csv"] = public_view(register)
    if study.measures is not None:
        measures = study.measures.reindex(columns=MEASURE_COLUMNS).copy()
        for column in ("start", "end"):
            measures[column] = pd.to_datetime(measures[column]).dt.strftime("%Y-%m-%d")
        tables["massnahmen.csv"] = measures
    protection = study_concerns(study)
    if protection is not None:
        tables["anliegen.csv"] = _concern_table(protection, language)
    return tables


def write_network_exports(study: Study, folder: Path, *, language: str | None = None
                          ) -> dict[str, Path]:
    """Write the publishable tables into ``folder`` (the report folder).

    Returns
    -------
    dict of str to Path
        ``partners``, ``measures``, ``concerns`` → written file (those the study has).
    """
    language = language or study.config.language
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    keys = {"netzwerk_partner.csv": "partners", "massnahmen.csv": "measures",
            "anliegen.csv": "concerns"}
    written = {}
    for name, table in public_tables(study, language).items():
        public = public_table(table, keys[name], language, catalogue=study.catalogue)
        written[keys[name]] = write_csv(inside(folder, name), public, language)
    return written


def internal_folder(study: Study, root: Path | None = None) -> Path:
    """``reports/<study>/intern/<edition>/`` below ``root``, by default the folder of the
    study's config: never inside a report folder given with ``--output``.

    Check it against the public folder with :func:`quartier._paths.check_internal_folder`.
    """
    return inside(root if root is not None else study.config.path.parent, "reports",
                  slug(study.name), INTERNAL_FOLDER, slug(study.edition))


def write_internal_register(study: Study, folder: Path, *, language: str | None = None
                            ) -> dict[str, Path]:
    """Write the full partner register with contact data (CSV and Excel) for internal use.

    The workbook has the sheets ``Partner`` (every column, contacts included) and
    ``Fehlende Partner`` (fields of each quarter without a local partner, with the town-wide
    partners of that field). Never write this into the report folder.

    Returns
    -------
    dict of str to Path
        ``csv`` and ``excel``; empty when the study has no actors and no facilities.
    """
    language = language or study.config.language
    register = study_register(study)
    if register is None:
        return {}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = inside(folder, "netzwerk_partner.csv")
    excel_path = inside(folder, "netzwerk_partner.xlsx")
    write_csv(csv_path, register, language)
    missing = missing_partners(register, list(study.quarters["quarter_id"]))
    temporary = excel_path.with_name(f".{excel_path.stem}.{uuid.uuid4().hex[:12]}.tmp.xlsx")
    try:
        with pd.ExcelWriter(temporary, engine="openpyxl") as writer:
            safe_table(register, xlsx=True).to_excel(
                writer, sheet_name="Partner" if language == "de" else "Partners", index=False)
            safe_table(missing, xlsx=True).to_excel(
                writer, sheet_name="Fehlende Partner" if language == "de" else
                "Missing partners", index=False)
        os.replace(temporary, excel_path)
    finally:
        temporary.unlink(missing_ok=True)
    return {"csv": csv_path, "excel": excel_path}
