"""The words of the Excel workbook (and the GeoPackage's column labels), German and English.

A pure text table: :data:`TEXT` maps a language to the sheet names, headers, legends and notes.
"""

from __future__ import annotations

__all__ = ["TEXT"]

#: Words of the workbook per language (``de``, ``en``).
TEXT: dict[str, dict[str, str]] = {
    "de": {
        "overview": "Übersicht", "assessment": "Bewertung", "social": "Sozialindex",
        "facilities": "Einrichtungen", "indicators": "Indikatoren", "categories": "Kategorien",
        "title": "Sozialraumanalyse {study} – Ausgabe {edition}",
        "study": "Studie", "edition": "Ausgabe", "created": "Erstellt am",
        "crs": "Koordinatensystem", "n_quarters": "Quartiere", "software": "Erstellt mit",
        "sources": "Quellen", "how_to_read": "So lesen Sie die Tabellen",
        "legend": "Legende der Bewertung", "legend_social": "Klassen des Sozialindex",
        "notes": "Hinweise",
        "note_ids": "Quartiersnummern und Einrichtungs-IDs sind als Text gespeichert, damit "
                    "führende Nullen erhalten bleiben (Excel markiert sie als „Zahl als Text“).",
        "note_missing": "Leere Zellen: kein Wert (z. B. keine Bezugsbevölkerung oder kein "
                        "erreichbares Angebot).",
        "note_csv": "Die CSV-Dateien und die GeoPackage-Datei daneben enthalten dieselben Zahlen "
                    "mit englischen Spaltennamen für Auswertungen mit Skripten.",
        "no_data": "Ohne Einrichtungsdaten (kein eigenes Blatt): {fields}.",
        "sheet_field": "Ein Blatt je Handlungsfeld: je Quartier eine Zeile, je Kategorie die "
                       "Kennzahlen und die Bewertung.",
        "sheet_assessment": "Je Quartier und Kategorie die bewertete Kennzahl, der Vergleichswert "
                            "und die Bewertung.",
        "sheet_social": "Status- und Dynamikindex nach dem Verfahren des Monitorings Soziale "
                        "Stadtentwicklung.",
        "sheet_facilities": "Alle Einrichtungen mit Quartier und Koordinaten.",
        "sheet_categories": "Die Kategorien mit Bezugsgruppe und Richtwerten.",
        "sheet_indicators": "Bezeichnung, Formel und Einheit jeder Kennzahl.",
        "housing": "Wohnungsdaten",
        "sheet_housing": "Die Wohnungsdaten je Quartier, wie sie geladen wurden.",
        "gap": "Am Richtwert: die Kennzahl verfehlt den Richtwert (Lücke).",
        "met": "Am Richtwert: der Richtwert ist erfüllt.",
        "well_above": "Am Richtwert: deutlich über dem Richtwert.",
        "below_town": "Kein Richtwert: deutlich unter dem Median der Quartiere (keine Lücke).",
        "town_average": "Kein Richtwert: im Bereich des Medians der Quartiere.",
        "above_town": "Kein Richtwert: deutlich über dem Median der Quartiere.",
        "not_assessed": "Nicht bewertet (wenige Einwohner*innen, keine Bezugsbevölkerung oder "
                        "überwiegend ohne Wohnnutzung).",
        "social_legend": "Statusklasse: hoch, mittel, niedrig, sehr niedrig (Statusindex < −1, "
                         "−1 bis 1, über 1 bis 1,5, über 1,5; ein höherer Index bedeutet mehr "
                         "Benachteiligung). Dynamik: positiv, stabil, negativ "
                         "(Dynamikindex < −1, −1 bis 1, > 1).",
        "quarter_id": "Quartier-Nr.", "quarter": "Quartier", "residents": "Einwohner",
        "field": "Handlungsfeld", "category": "Kategorie", "indicator": "Kennzahl",
        "value": "Wert", "target": "Vergleichswert", "unit": "Einheit", "basis": "Grundlage",
        "status": "Bewertung", "judged": "Bewertung: {indicator}",
        "standard": "Richtwert", "median": "Median der Quartiere",
        "town": "Median der Quartiere", "few_residents": "zu wenige Einwohner*innen",
        "facility_id": "ID", "name": "Name", "capacity": "Kapazität", "operator": "Träger",
        "target_group": "Zielgruppe", "address": "Adresse", "source": "Quelle",
        "lon": "Länge (WGS 84)", "lat": "Breite (WGS 84)",
        "key": "Schlüssel", "label": "Bezeichnung", "reference_group": "Bezugsgruppe",
        "capacity_unit": "Kapazitätseinheit", "per_1000": "Richtwert je 1.000",
        "max_distance_m": "Richtwert Entfernung (m)", "standard_source": "Quelle des Richtwerts",
        "binding": "verbindlich", "formula": "Formel", "year": "Jahr",
        "included": "einbezogen", "status_sum": "Summe der z-Werte (Status)",
        "status_index": "Statusindex", "status_class": "Statusklasse",
        "status_class_number": "Statusklasse (Nr.)",
        "dynamics_sum": "Summe der z-Werte (Dynamik)", "dynamics_index": "Dynamikindex",
        "dynamics_class": "Dynamikklasse", "combined_class": "Gesamtklasse",
        "z": "z: {name}", "z_change": "z Veränderung: {name}",
        "facilities_per_1000": "Einrichtungen je 1.000", "per_1000_suffix": "je 1.000",
        "percent_format": '0.0" %"',
    },
    "en": {
        "overview": "Overview", "assessment": "Assessment", "social": "Social index",
        "facilities": "Facilities", "indicators": "Indicators", "categories": "Categories",
        "title": "Social space analysis {study} – edition {edition}",
        "study": "Study", "edition": "Edition", "created": "Created",
        "crs": "Coordinate reference system", "n_quarters": "Quarters",
        "software": "Created with",
        "sources": "Sources", "how_to_read": "How to read the sheets",
        "legend": "Assessment legend", "legend_social": "Social index classes",
        "notes": "Notes",
        "note_ids": "Quarter and facility ids are stored as text so that leading zeros are kept "
                    "(Excel flags them as 'number stored as text').",
        "note_missing": "Empty cells: no value (e.g. no reference population or no reachable "
                        "supply).",
        "note_csv": "The CSV files and the GeoPackage beside this workbook hold the same figures "
                    "with English column names for scripted analysis.",
        "no_data": "No facility data (no sheet of their own): {fields}.",
        "sheet_field": "One sheet per action field: one row per quarter, per category the "
                       "indicators and the assessment.",
        "sheet_assessment": "Per quarter and category the judged indicator, the value it is "
                            "compared with and the assessment.",
        "sheet_social": "Status and dynamics index after the method of Berlin's Monitoring "
                        "Soziale Stadtentwicklung.",
        "sheet_facilities": "All facilities with their quarter and coordinates.",
        "sheet_categories": "The categories with reference group and standards.",
        "sheet_indicators": "Label, formula and unit of every indicator.",
        "housing": "Housing data",
        "sheet_housing": "The housing figures per quarter as loaded.",
        "gap": "Against a standard: the indicator falls short of the standard (gap).",
        "met": "Against a standard: the standard is met.",
        "well_above": "Against a standard: well above the standard.",
        "below_town": "No standard: well below the median of the quarters (not a gap).",
        "town_average": "No standard: around the median of the quarters.",
        "above_town": "No standard: well above the median of the quarters.",
        "not_assessed": "Not assessed (few residents, no reference population or mostly "
                        "non-residential).",
        "social_legend": "Status class: high, medium, low, very low for status index < −1, "
                         "−1 to 1, over 1 to 1.5, over 1.5 (a higher index means more "
                         "disadvantage). Dynamics: positive, stable, negative for dynamics "
                         "index < −1, −1 to 1, > 1.",
        "quarter_id": "Quarter id", "quarter": "Quarter", "residents": "Residents",
        "field": "Action field", "category": "Category", "indicator": "Indicator",
        "value": "Value", "target": "Compared with", "unit": "Unit", "basis": "Basis",
        "status": "Assessment", "judged": "Assessment: {indicator}",
        "standard": "standard", "median": "median of the quarters",
        "town": "median of the quarters", "few_residents": "too few residents",
        "facility_id": "Id", "name": "Name", "capacity": "Capacity", "operator": "Operator",
        "target_group": "Target group", "address": "Address", "source": "Source",
        "lon": "Longitude (WGS 84)", "lat": "Latitude (WGS 84)",
        "key": "Key", "label": "Label", "reference_group": "Reference group",
        "capacity_unit": "Capacity unit", "per_1000": "Standard per 1,000",
        "max_distance_m": "Standard distance (m)", "standard_source": "Source of the standard",
        "binding": "binding", "formula": "Formula", "year": "Year",
        "included": "included", "status_sum": "Sum of z-values (status)",
        "status_index": "Status index", "status_class": "Status class",
        "status_class_number": "Status class (no.)",
        "dynamics_sum": "Sum of z-values (dynamics)", "dynamics_index": "Dynamics index",
        "dynamics_class": "Dynamics class", "combined_class": "Combined class",
        "z": "z: {name}", "z_change": "z change: {name}",
        "facilities_per_1000": "facilities per 1,000", "per_1000_suffix": "per 1,000",
        "percent_format": '0.0"%"',
    },
}
