"""Plain-language overview figures of a loaded study (for ``quartier info`` and the report)."""

from __future__ import annotations

import pandas as pd

from quartier.assign import assign_points
from quartier.fields import FIELDS, field_label
from quartier.format import format_number
from quartier.study import Study

__all__ = ["population_by_quarter", "study_overview"]


def population_by_quarter(study: Study) -> pd.DataFrame:
    """Residents per quarter: ``quarter_id``, ``name``, ``total`` and the source of the figure.

    The per-quarter table (register) is used where the study has one; otherwise the grid cells
    are summed by the quarter that contains their centre. Quarters without figures get 0.

    Examples
    --------
    >>> from quartier.sample import sample_study
    >>> table = population_by_quarter(sample_study())
    >>> table.loc[0, "quarter_id"], table.loc[0, "name"], float(table.loc[0, "total"])
    ('01', 'Altstadt', 4318.0)
    >>> float(table["total"].sum())
    27267.0
    """
    quarters = study.quarters[["quarter_id", "name"]].copy()
    if study.population_quarters is not None:
        totals = study.population_quarters.groupby("quarter_id")["total"].sum()
        source = "Einwohnertabelle"
    elif study.population_grid is not None:
        cells = study.population_grid
        totals = cells["total"].groupby(assign_points(cells, study.quarters)).sum()
        source = "Gitterzellen"
    else:
        totals, source = pd.Series(dtype=float), ""
    quarters["total"] = quarters["quarter_id"].map(totals).fillna(0.0).astype(float)
    quarters["source"] = source
    return quarters


def study_overview(study: Study) -> list[tuple[str, str]]:
    """Labelled counts of everything that was loaded.

    Examples
    --------
    >>> from quartier.sample import sample_study
    >>> study_overview(sample_study())[:2]
    [('Quartiere', '7'), ('Einwohner*innen', '27.267')]
    """
    rows = [("Quartiere", format_number(len(study.quarters))),
            ("Einwohner*innen", format_number(population_by_quarter(study)["total"].sum()))]
    if study.population_grid is not None:
        grid = study.population_grid
        rows.append(("Gitterzellen (bewohnt)",
                     f"{format_number(len(grid))} mit {format_number(grid['total'].sum())} "
                     "Einwohner*innen"))
    facilities = study.facilities
    rows.append(("Einrichtungen", format_number(len(facilities))))
    if len(facilities):
        per_field = facilities.groupby("field").size()
        for key in FIELDS:
            rows.append((f"  {field_label(key, study.config.language)}",
                         format_number(per_field.get(key, 0))))
        if "in_study_area" in facilities.columns:
            outside = int((~facilities["in_study_area"]).sum())
            rows.append(("Einrichtungen außerhalb aller Quartiere", format_number(outside)))
    for label, frame in (("Wohnungsdaten (Quartiere)", study.housing),
                         ("Sozialindikatoren (Zeilen)", study.social),
                         ("Akteure", study.actors), ("Maßnahmen", study.measures)):
        if frame is not None:
            rows.append((label, format_number(len(frame))))
    if study.social is not None and len(study.social):
        rows.append(("Jahre der Sozialindikatoren",
                     ", ".join(str(y) for y in sorted(study.social["year"].unique()))))
    return rows
