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

from pathlib import Path

import pandas as pd

from quartier._atomic import atomic_path
from quartier._paths import INTERNAL_FOLDER, inside
from quartier.export.labels import public_table
from quartier.export.spreadsheet import safe_table, write_csv
from quartier.format import slug
from quartier.partners.analysis import PartnerAnalysis, study_concerns, study_register
from quartier.partners.concerns import PUBLISHED_TABLES, Protection
from quartier.partners.partners import missing_partners, public_view
from quartier.study import Study

__all__ = ["study_register", "study_concerns", "public_tables", "write_network_exports",
           "write_internal_register", "internal_folder", "MEASURE_COLUMNS"]

#: Columns of the published measures table.
MEASURE_COLUMNS = ["measure_id", "title", "field", "quarter_id", "target", "budget_planned",
                   "budget_spent", "status", "start", "end"]


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


def public_tables(study: Study, language: str | None = None, *,
                  partners: PartnerAnalysis | None = None) -> dict[str, pd.DataFrame]:
    """The publishable tables (file name → table); only those the study has data for.

    ``partners`` (:func:`~quartier.partners.analysis.analyse_partners`) gives the register and
    the protected concerns computed once for the report; without it they are computed here.
    """
    language = language or study.config.language
    tables: dict[str, pd.DataFrame] = {}
    register = partners.register if partners is not None else study_register(study)
    if register is not None:
        tables["netzwerk_partner.csv"] = public_view(register)
    if study.measures is not None:
        measures = study.measures.reindex(columns=MEASURE_COLUMNS).copy()
        for column in ("start", "end"):
            measures[column] = pd.to_datetime(measures[column]).dt.strftime("%Y-%m-%d")
        tables["massnahmen.csv"] = measures
    protection = partners.concerns if partners is not None else study_concerns(study)
    if protection is not None:
        tables["anliegen.csv"] = _concern_table(protection, language)
    return tables


def write_network_exports(study: Study, folder: Path, *, language: str | None = None,
                          partners: PartnerAnalysis | None = None) -> dict[str, Path]:
    """Write the publishable tables into ``folder`` (the report folder).

    ``partners``: what :func:`~quartier.partners.analysis.analyse_partners` computed for the
    report (see :func:`public_tables`).

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
    for name, table in public_tables(study, language, partners=partners).items():
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


def write_internal_register(study: Study, folder: Path, *, language: str | None = None,
                            partners: PartnerAnalysis | None = None) -> dict[str, Path]:
    """Write the full partner register with contact data (CSV and Excel) for internal use.

    The workbook has the sheets ``Partner`` (every column, contacts included) and
    ``Fehlende Partner`` (fields of each quarter without a local partner, with the town-wide
    partners of that field). Never write this into the report folder. ``partners``: the
    register computed once (:func:`~quartier.partners.analysis.analyse_partners`); without
    it, computed here.

    Returns
    -------
    dict of str to Path
        ``csv`` and ``excel``; empty when the study has no actors and no facilities.
    """
    language = language or study.config.language
    register = partners.register if partners is not None else study_register(study)
    if register is None:
        return {}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = inside(folder, "netzwerk_partner.csv")
    excel_path = inside(folder, "netzwerk_partner.xlsx")
    write_csv(csv_path, register, language)
    missing = missing_partners(register, list(study.quarters["quarter_id"]))
    sheets = ("Partner", "Fehlende Partner") if language == "de" else ("Partners",
                                                                       "Missing partners")
    with atomic_path(excel_path) as temporary, pd.ExcelWriter(temporary,
                                                               engine="openpyxl") as writer:
        safe_table(register, xlsx=True).to_excel(writer, sheet_name=sheets[0], index=False)
        safe_table(missing, xlsx=True).to_excel(writer, sheet_name=sheets[1], index=False)
    return {"csv": csv_path, "excel": excel_path}
