"""The indicator registry: name, labels, formula and unit of every indicator quartier reports.

The report's methods chapter prints this table, so every figure names its formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quartier.judgements import STATUS_ORDER, judgement_label

__all__ = ["Indicator", "INDICATORS", "indicator_table", "STATUSES", "status_label"]


@dataclass(frozen=True)
class Indicator:
    """One indicator: stable name, German and English label, formula and unit."""

    name: str
    label_de: str
    label_en: str
    formula_de: str
    formula_en: str
    unit_de: str
    unit_en: str


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("population", "Bezugsbevölkerung", "Reference population",
              "P_q = Σ Einwohner*innen der Bezugsgruppe in den Zellen des Quartiers; Altersgruppen, "
              "die die Grenzen der Bezugsgruppe schneiden, werden nach Jahrgängen anteilig "
              "gezählt (gleichmäßig verteilte Jahrgänge).",
              "P_q = Σ residents of the reference group in the quarter's cells; age bands that "
              "cross the group's limits count in proportion to their years (years spread evenly).",
              "Personen", "persons"),
    Indicator("count", "Anzahl Einrichtungen", "Number of facilities",
              "N_q = Anzahl der Einrichtungen der Kategorie, deren Standort im Quartier liegt.",
              "N_q = number of facilities of the category located in the quarter.",
              "Einrichtungen", "facilities"),
    Indicator("capacity", "Kapazität", "Capacity",
              "K_q = Σ der bekannten Kapazitäten (Plätze, Wohnungen, …) der Einrichtungen im "
              "Quartier.",
              "K_q = Σ known capacities (places, dwellings, …) of the facilities in the quarter.",
              "Plätze/Einheiten", "places/units"),
    Indicator("supply_rate", "Versorgungsquote im Quartier", "Supply rate in the quarter",
              "V_q = K_q / P_q · 1.000 (ohne bekannte Kapazitäten: N_q / P_q · 1.000) – Angebote "
              "im Quartier je 1.000 Personen der Bezugsgruppe.",
              "V_q = K_q / P_q · 1,000 (without known capacities: N_q / P_q · 1,000) – supply "
              "located in the quarter per 1,000 persons of the reference group.",
              "je 1.000", "per 1,000"),
    Indicator("median_distance", "Entfernung zum nächsten Angebot (Median)",
              "Distance to the nearest facility (median)",
              "Für jede bewohnte 100-m-Zelle i die Luftlinie d_i zur nächsten Einrichtung der "
              "Kategorie (auch außerhalb des Quartiers); je Quartier der mit der Bezugsgruppe "
              "gewichtete Median: der kleinste Wert d, bis zu dem mindestens die Hälfte der "
              "Bezugsgruppe wohnt.",
              "For each populated 100 m cell i the straight-line distance d_i to the nearest "
              "facility of the category (also outside the quarter); per quarter the median "
              "weighted by the reference group: the smallest d within which at least half of "
              "the reference group lives.",
              "m", "m"),
    Indicator("coverage", "Abdeckung", "Coverage",
              "C_q = Σ_{i: d_i ≤ D} P_i / Σ_i P_i · 100 – Anteil der Bezugsgruppe, der höchstens "
              "die Richtwert-Entfernung D (Luftlinie, einschließlich) vom nächsten Angebot "
              "entfernt wohnt.",
              "C_q = Σ_{i: d_i ≤ D} P_i / Σ_i P_i · 100 – share of the reference group living "
              "within the standard distance D (straight line, inclusive) of the nearest facility.",
              "%", "%"),
    Indicator("fca_access", "Erreichbares Angebot (2SFCA)", "Accessible supply (2SFCA)",
              "Zwei-Stufen-Verfahren (2SFCA): 1. je Einrichtung j R_j = S_j / Σ_{i: d_ij ≤ d0} "
              "P_i; 2. je Zelle i A_i = Σ_{j: d_ij ≤ d0} R_j; je Quartier Σ_i P_i·A_i / Σ_i P_i · "
              "1.000. S_j = Kapazität (sonst 1), d0 = Richtwert-Entfernung oder Einzugsbereich "
              "der Studie. Zellen ohne erreichbares Angebot zählen mit 0.",
              "Two-step floating catchment (2SFCA): 1. per facility j R_j = S_j / "
              "Σ_{i: d_ij ≤ d0} P_i; 2. per cell i A_i = Σ_{j: d_ij ≤ d0} R_j; per quarter "
              "Σ_i P_i·A_i / Σ_i P_i · 1,000. S_j = capacity (else 1), d0 = standard distance or "
              "the study's catchment. Cells reaching no facility count as 0.",
              "je 1.000", "per 1,000"),
    Indicator("residents", "Einwohner*innen", "Residents",
              "E_q = Σ Einwohner*innen der Zellen des Quartiers (Bevölkerungsoberfläche); "
              "je Quartier, ohne Angebotskategorie. Wird bei geänderten Quartiersgrenzen "
              "flächenanteilig übertragen.",
              "E_q = Σ residents of the quarter's cells (population surface); per quarter, "
              "without a category. Carried by area share when quarter boundaries change.",
              "Personen", "persons"),
    Indicator("status_index", "Statusindex", "Status index",
              "Verfahren des Monitorings Soziale Stadtentwicklung Berlin: je Statusindikator "
              "z = (x − Mittelwert) / Standardabweichung (ungewichtet, Grundgesamtheit, ddof = 0) "
              "über die Quartiere mit mindestens der Mindesteinwohnerzahl; Summe der z-Werte, "
              "erneut standardisiert.",
              "Method of Berlin's Monitoring Soziale Stadtentwicklung: per status indicator "
              "z = (x − mean) / SD (unweighted, population SD, ddof = 0) over the quarters with "
              "at least the minimum population; sum of the z-values, standardised again.",
              "z", "z"),
    Indicator("dynamics_index", "Dynamikindex", "Dynamics index",
              "Wie der Statusindex, mit den Veränderungen der Statusindikatoren in "
              "Prozentpunkten.",
              "As the status index, with the changes of the status indicators in percentage "
              "points.",
              "z", "z"),
)}

#: Every judgement status with its German and English label (:mod:`quartier.judgements`).
STATUSES = {key: (judgement_label(key, "de"), judgement_label(key, "en"))
            for key in STATUS_ORDER}


def status_label(status: str, language: str = "de") -> str:
    """German or English label of a judgement status (see :mod:`quartier.judgements`)."""
    return judgement_label(status, language)


def indicator_table(language: str = "de") -> pd.DataFrame:
    """The registry as a table (name, label, formula, unit) for the methods chapter."""
    suffix = "de" if language == "de" else "en"
    return pd.DataFrame([{"name": i.name, "label": getattr(i, f"label_{suffix}"),
                          "formula": getattr(i, f"formula_{suffix}"),
                          "unit": getattr(i, f"unit_{suffix}")} for i in INDICATORS.values()])
