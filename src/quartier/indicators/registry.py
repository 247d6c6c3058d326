"""The indicator registry: name, labels, formula and unit of every indicator quartier reports.

The report's methods chapter prints this table, so every figure names its formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from quartier.judgements import STATUS_ORDER, judgement_label

__all__ = ["Indicator", "INDICATORS", "indicator_table", "STATUSES", "status_label",
           "SOCIAL_CLASSES", "social_class_label"]


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
              "Summe der Einwohner*innen der Bezugsgruppe in den bewohnten 100-m-Zellen des "
              "Quartiers; Altersgruppen, die die Grenzen der Bezugsgruppe schneiden, zählen "
              "anteilig nach Jahrgängen (gleichmäßig verteilte Jahrgänge).",
              "Sum of the residents of the reference group in the quarter's populated 100 m "
              "cells; age bands that cross the group's limits count in proportion to their "
              "years (years spread evenly).",
              "Personen", "persons"),
    Indicator("count", "Anzahl Einrichtungen", "Number of facilities",
              "Anzahl der Einrichtungen der Kategorie, deren Standort im Quartier liegt.",
              "Number of facilities of the category located in the quarter.",
              "Einrichtungen", "facilities"),
    Indicator("capacity", "Kapazität", "Capacity",
              "Summe der bekannten Kapazitäten (Plätze, Wohnungen, …) der Einrichtungen im "
              "Quartier.",
              "Sum of the known capacities (places, dwellings, …) of the facilities in the "
              "quarter.",
              "Plätze/Einheiten", "places/units"),
    Indicator("supply_rate", "Versorgungsquote im Quartier", "Supply rate in the quarter",
              "Kapazität im Quartier ÷ Bezugsbevölkerung × 1.000 (ohne bekannte Kapazitäten: "
              "Anzahl der Einrichtungen ÷ Bezugsbevölkerung × 1.000) – Angebote im Quartier je "
              "1.000 Personen der Bezugsgruppe.",
              "Capacity in the quarter ÷ reference population × 1,000 (without known "
              "capacities: number of facilities ÷ reference population × 1,000) – supply "
              "located in the quarter per 1,000 persons of the reference group.",
              "je 1.000", "per 1,000"),
    Indicator("median_distance", "Entfernung zum nächsten Angebot (Median)",
              "Distance to the nearest facility (median)",
              "Für jede bewohnte 100-m-Zelle die Luftlinie zur nächsten Einrichtung der "
              "Kategorie (auch außerhalb des Quartiers); je Quartier der Median, gewichtet mit "
              "der Bezugsgruppe: die kleinste Entfernung, bis zu der mindestens die Hälfte der "
              "Bezugsgruppe wohnt.",
              "For each populated 100 m cell the straight-line distance to the nearest "
              "facility of the category (also outside the quarter); per quarter the median "
              "weighted by the reference group: the smallest distance within which at least "
              "half of the reference group lives.",
              "m", "m"),
    Indicator("coverage", "Abdeckung", "Coverage",
              "Personen der Bezugsgruppe, die höchstens die Richtwert-Entfernung (Luftlinie, "
              "Grenze eingeschlossen) vom nächsten Angebot entfernt wohnen ÷ alle Personen der "
              "Bezugsgruppe im Quartier × 100.",
              "People of the reference group living at most the standard distance (straight "
              "line, limit included) from the nearest facility ÷ all people of the reference "
              "group in the quarter × 100.",
              "%", "%"),
    Indicator("fca_access", "Erreichbares Angebot (2SFCA)", "Accessible supply (2SFCA)",
              "Zwei-Stufen-Verfahren (2SFCA, engl. two-step floating catchment area): Es "
              "verteilt die Plätze jeder Einrichtung auf alle Menschen, die sie erreichen, und "
              "zählt für jeden Wohnort zusammen, was auf ihn entfällt – so zählt auch Angebot "
              "jenseits der Quartiersgrenze, und ein Angebot, um das viele konkurrieren, zählt "
              "weniger. Schritt 1: je Einrichtung ihre Plätze (ohne Angabe: 1) ÷ Personen der "
              "Bezugsgruppe in Einzugsentfernung. Schritt 2: je bewohnter 100-m-Zelle die Summe "
              "dieser Anteile über alle Einrichtungen in Einzugsentfernung. Je Quartier das "
              "Mittel der Zellen, gewichtet mit der Bezugsgruppe, × 1.000. Einzugsentfernung: "
              "die Richtwert-Entfernung oder der Einzugsbereich der Studie (Grenze "
              "eingeschlossen); Zellen ohne erreichbares Angebot zählen mit 0.",
              "Two-step floating catchment area (2SFCA): it shares the places of every facility "
              "among all people who reach it and adds up, for every place of residence, what "
              "falls to it – so supply beyond the quarter's boundary counts, and supply that "
              "many compete for counts less. Step 1: per facility its places (if not given: 1) "
              "÷ people of the reference group within the catchment distance. Step 2: per "
              "populated 100 m cell the sum of these shares over all facilities within the "
              "catchment distance. Per quarter the mean of the cells, weighted by the "
              "reference group, × 1,000. Catchment distance: the standard distance or the "
              "study's catchment (limit included); cells reaching no facility count as 0.",
              "je 1.000", "per 1,000"),
    Indicator("residents", "Einwohner*innen", "Residents",
              "Summe der Einwohner*innen in den bewohnten 100-m-Zellen des Quartiers (wie sie "
              "auf die Zellen verteilt sind, siehe oben); je Quartier, ohne Angebotskategorie. "
              "Bei geänderten Quartiersgrenzen nach Flächenanteil übertragen.",
              "Sum of the residents in the quarter's populated 100 m cells (as spread onto the "
              "cells, see above); per quarter, without a category. Carried over by share of "
              "area when quarter boundaries change.",
              "Personen", "persons"),
    Indicator("status_index", "Statusindex", "Status index",
              "Verfahren des Monitorings Soziale Stadtentwicklung Berlin: jeder Statusindikator "
              "wird standardisiert, z-Wert = (Wert − Mittelwert der Quartiere) ÷ "
              "Standardabweichung der Quartiere (jedes Quartier zählt gleich; die "
              "Standardabweichung der Quartiere selbst, nicht als Stichprobe geschätzt), über "
              "die Quartiere mit mindestens der Mindesteinwohnerzahl; die Summe der z-Werte "
              "wird erneut so standardisiert. Je höher der Index, desto größer die "
              "Benachteiligung.",
              "Method of Berlin's Monitoring Soziale Stadtentwicklung: each status indicator is "
              "standardised, z-value = (value − mean of the quarters) ÷ standard deviation of "
              "the quarters (every quarter counts equally; the standard deviation of the "
              "quarters themselves, not estimated as a sample), over the quarters with at least "
              "the minimum population; the sum of the z-values is standardised again the same "
              "way. The higher the index, the greater the disadvantage.",
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
    """German or English label of a judgement status (see :mod:`quartier.judgements`).

    Examples
    --------
    >>> status_label("gap"), status_label("gap", "en"), status_label("below_town")
    ('Lücke', 'Gap', 'unter dem Stadtmittel')
    """
    return judgement_label(status, language)


#: The classes of the social index (:mod:`quartier.indicators.mss` stores the German words)
#: with their German and English label.
SOCIAL_CLASSES: dict[str, tuple[str, str]] = {
    "hoch": ("hoch", "high"), "mittel": ("mittel", "medium"), "niedrig": ("niedrig", "low"),
    "sehr niedrig": ("sehr niedrig", "very low"), "positiv": ("positiv", "positive"),
    "stabil": ("stabil", "stable"), "negativ": ("negativ", "negative"),
}


def social_class_label(value: object, language: str = "de") -> str:
    """The reader's word for a status or dynamics class (``"mittel"`` → ``"medium"``).

    Missing values give ``"–"``; a class not in :data:`SOCIAL_CLASSES` is returned as it is.

    Examples
    --------
    >>> social_class_label("sehr niedrig", "en"), social_class_label("stabil")
    ('very low', 'stabil')
    >>> social_class_label(None)
    '–'
    """
    if not isinstance(value, str):
        return "–"
    labels = SOCIAL_CLASSES.get(value)
    return value if labels is None else labels[0 if language == "de" else 1]


def indicator_table(language: str = "de") -> pd.DataFrame:
    """The registry as a table (name, label, formula, unit) for the methods chapter.

    Examples
    --------
    >>> table = indicator_table()
    >>> list(table.columns)
    ['name', 'label', 'formula', 'unit']
    >>> {"coverage", "fca_access", "supply_rate"} <= set(table["name"])
    True
    """
    suffix = "de" if language == "de" else "en"
    return pd.DataFrame([{"name": i.name, "label": getattr(i, f"label_{suffix}"),
                          "formula": getattr(i, f"formula_{suffix}"),
                          "unit": getattr(i, f"unit_{suffix}")} for i in INDICATORS.values()])
