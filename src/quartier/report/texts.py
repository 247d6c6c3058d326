"""Every fixed text of the report, in German and English."""

from __future__ import annotations

__all__ = ["TEXTS", "texts"]

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Sozialraumanalyse",
        "edition": "Ausgabe",
        "created": "Erstellt am {date} mit quartier {version}.",
        "contents": "Inhalt",
        "skip": "Zum Inhalt springen",
        "ch_summary": "1 Zusammenfassung",
        "ch_basis": "2 Grundlagen",
        "ch_changes": "Veränderungen seit der letzten Fortschreibung",
        "changes_lead": "Verglichen wird mit der Ausgabe {previous}: {opened} Einrichtungen sind "
                        "neu, {closed} geschlossen, {transitions} Bewertungen haben sich "
                        "geändert.",
        "changes_none": "Dies ist die erste gespeicherte Ausgabe; Veränderungen zeigt die nächste "
                        "Fortschreibung.",
        "opened": "Neu eröffnet",
        "closed": "Geschlossen",
        "transitions": "Geänderte Bewertungen",
        "before": "vorher",
        "after": "jetzt",
        "change": "Veränderung",
        "largest_changes": "Größte Veränderungen der bewerteten Indikatoren",
        "outside_short": "außerhalb",
        "profile_changes": "Veränderungen seit {previous}",
        "profile_no_changes": "Keine neuen oder geschlossenen Einrichtungen und keine geänderte "
                              "Bewertung seit {previous}.",
        "ch_fields": "3 Handlungsfelder",
        "ch_social": "4 Sozialer Status und Dynamik",
        "ch_profiles": "5 Quartiersprofile",
        "ch_appendix": "6 Anhang: alle Indikatoren",
        "summary_lead": "{study} hat {residents} Einwohner*innen in {quarters} Quartieren. "
                        "Bewertet wurden {categories} Angebotskategorien in {fields} "
                        "Handlungsfeldern: {gaps} Lücken und {resources} Ressourcen.",
        "summary_fields": "Lücken und Ressourcen je Handlungsfeld",
        "summary_attention": "Quartiere mit Handlungsbedarf",
        "summary_attention_lead": "Quartiere mit den meisten Lücken (bewertete Kategorien) "
                                  "und ihr sozialer Status.",
        "summary_gaps_top": "Die häufigsten Lücken",
        "summary_resources_top": "Die häufigsten Ressourcen",
        "quarters_with": "{n} Quartiere",
        "field": "Handlungsfeld",
        "category": "Kategorie",
        "categories": "Kategorien",
        "quarter": "Quartier",
        "id": "Nr.",
        "residents": "Einwohner*innen",
        "area": "Fläche",
        "density": "Einwohner je km²",
        "gaps": "Lücken",
        "resources": "Ressourcen",
        "ok": "ausreichend",
        "not_assessed": "nicht bewertet",
        "status_class": "Statusklasse",
        "dynamics_class": "Dynamikklasse",
        "combined_class": "Gesamtindex",
        "basis_area": "Untersuchungsgebiet",
        "basis_area_lead": "Das Untersuchungsgebiet umfasst {quarters} Quartiere mit "
                           "zusammen {area} km² und {residents} Einwohner*innen. "
                           "Koordinatensystem: {crs}.",
        "basis_map": "Karte der Quartiere und Angebote (interaktiv)",
        "basis_map_note": "Ebenen lassen sich oben rechts ein- und ausschalten. Ohne "
                          "Internetverbindung fehlt nur die Hintergrundkarte.",
        "basis_sources": "Datenquellen",
        "source": "Quelle",
        "file": "Datei",
        "as_of": "Stand",
        "rows": "Datensätze",
        "licence": "Lizenzen und Namensnennung",
        "basis_methods": "Methoden",
        "methods_lead": "Alle Entfernungen sind Luftlinien zwischen dem Mittelpunkt einer "
                        "bewohnten 100-m-Zelle und der Einrichtung. Jede Zahl des Berichts "
                        "folgt einer der folgenden Formeln.",
        "indicator": "Indikator",
        "formula": "Formel",
        "unit": "Einheit",
        "assessment": "Bewertung",
        "assessment_rules": "Eine Kategorie mit Richtwert je 1.000 gilt als Lücke, wenn das "
                            "erreichbare Angebot darunter liegt, als Ressource ab dem "
                            "{resource_factor}-Fachen. Mit Entfernungs-Richtwert ist eine Lücke, "
                            "wer unter {gap_below} der Bezugsgruppe abdeckt, eine Ressource ab "
                            "{resource_from}. Ohne Richtwert wird mit dem Median der Quartiere "
                            "verglichen: unter dem {median_gap}-Fachen Lücke, ab dem "
                            "{median_resource}-Fachen Ressource. Quartiere mit weniger als "
                            "{min_population} Einwohner*innen werden nicht bewertet.",
        "standards": "Richtwerte",
        "target": "Richtwert",
        "reference_group": "Bezugsgruppe",
        "binding": "verbindlich",
        "yes": "ja",
        "no": "nein",
        "per_1000": "{value} je 1.000",
        "within_m": "höchstens {value} m",
        "median_basis": "Median der Quartiere",
        "field_lead": "{n} Kategorien mit Angeboten im Untersuchungsgebiet.",
        "field_none": "Für dieses Handlungsfeld liegen keine Angebotsdaten vor.",
        "field_table": "Bewertung je Quartier",
        "map_of": "Karte: {label}",
        "judged": "bewertet",
        "value": "Wert",
        "count": "Anzahl",
        "capacity": "Kapazität",
        "supply_rate": "Versorgungsquote",
        "coverage": "Abdeckung",
        "median_distance": "Entfernung (Median)",
        "fca_access": "Erreichbares Angebot",
        "population": "Bezugsbevölkerung",
        "social_lead": "Status- und Dynamikindex nach dem Verfahren des Monitorings Soziale "
                       "Stadtentwicklung Berlin, Jahr {year}; {included} Quartiere gingen ein.",
        "social_none": "Für diese Studie ist kein Sozialindex eingerichtet "
                       "([indicators.status_index] in quartier.toml).",
        "social_map": "Statusindex {year}",
        "profiles_lead": "Je Quartier: Bevölkerung, Altersstruktur, Angebote je Handlungsfeld "
                         "mit Ampel gegenüber den Richtwerten und die Stellung in der Stadt.",
        "profiles_pages": "Wegen der Zahl der Quartiere steht jedes Profil auf einer eigenen "
                          "Seite im selben Ordner.",
        "profile_position": "Stellung in der Stadt",
        "rank_residents": "Rang {rank} von {n} nach Einwohnerzahl",
        "gaps_in_quarter": "{gaps} Lücken und {resources} Ressourcen bei {assessed} bewerteten "
                           "Kategorien (Stadt: im Mittel {mean_gaps} Lücken je Quartier)",
        "age_structure": "Altersstruktur",
        "age_band": "Altersgruppe",
        "share": "Anteil",
        "years": "Jahre",
        "years_plus": "Jahre und älter",
        "back": "Zurück zum Bericht",
        "appendix_lead": "Alle Indikatoren als Tabellen; die Dateien unten enthalten dieselben "
                         "Zahlen zum Weiterrechnen.",
        "downloads": "Downloads",
        "download_csv": "Alle Indikatoren (CSV)",
        "download_gaps": "Bewertungen (CSV)",
        "download_xlsx": "Arbeitsmappe (Excel)",
        "download_gpkg": "Geodaten (GeoPackage für QGIS)",
        "findings": "Hinweise zu den Daten",
        "outside": "{n} Einrichtungen liegen außerhalb aller Quartiere; sie zählen in keinem "
                   "Quartier, gehen aber in Entfernungen und Einzugsbereiche ein.",
        "no_data": "–",
    },
    "en": {
        "title": "Social space analysis",
        "edition": "Edition",
        "created": "Generated on {date} with quartier {version}.",
        "contents": "Contents",
        "skip": "Skip to content",
        "ch_summary": "1 Summary",
        "ch_basis": "2 Basis",
        "ch_changes": "Changes since the last edition",
        "changes_lead": "Compared with edition {previous}: {opened} facilities opened, {closed} "
                        "closed, {transitions} assessments changed.",
        "changes_none": "This is the first stored edition; the next update will show changes.",
        "opened": "Opened",
        "closed": "Closed",
        "transitions": "Changed assessments",
        "before": "before",
        "after": "now",
        "change": "Change",
        "largest_changes": "Largest changes of the assessed indicators",
        "outside_short": "outside",
        "profile_changes": "Changes since {previous}",
        "profile_no_changes": "No facility opened or closed and no assessment changed since "
                              "{previous}.",
        "ch_fields": "3 Action fields",
        "ch_social": "4 Social status and dynamics",
        "ch_profiles": "5 Quarter profiles",
        "ch_appendix": "6 Appendix: all indicators",
        "summary_lead": "{study} has {residents} residents in {quarters} quarters. "
                        "{categories} categories of services in {fields} action fields were "
                        "assessed: {gaps} gaps and {resources} resources.",
        "summary_fields": "Gaps and resources per action field",
        "summary_attention": "Quarters needing attention",
        "summary_attention_lead": "Quarters with the most gaps (assessed categories) and their "
                                  "social status.",
        "summary_gaps_top": "Most frequent gaps",
        "summary_resources_top": "Most frequent resources",
        "quarters_with": "{n} quarters",
        "field": "Action field",
        "category": "Category",
        "categories": "Categories",
        "quarter": "Quarter",
        "id": "No.",
        "residents": "Residents",
        "area": "Area",
        "density": "Residents per km²",
        "gaps": "Gaps",
        "resources": "Resources",
        "ok": "adequate",
        "not_assessed": "not assessed",
        "status_class": "Status class",
        "dynamics_class": "Dynamics class",
        "combined_class": "Combined index",
        "basis_area": "Study area",
        "basis_area_lead": "The study area comprises {quarters} quarters with {area} km² and "
                           "{residents} residents. Coordinate reference system: {crs}.",
        "basis_map": "Map of quarters and services (interactive)",
        "basis_map_note": "Layers can be switched on and off at the top right. Without an "
                          "internet connection only the background map is missing.",
        "basis_sources": "Data sources",
        "source": "Source",
        "file": "File",
        "as_of": "As of",
        "rows": "Records",
        "licence": "Licences and attribution",
        "basis_methods": "Methods",
        "methods_lead": "All distances are straight lines between the centre of a populated "
                        "100 m cell and the facility. Every figure of the report follows one of "
                        "these formulas.",
        "indicator": "Indicator",
        "formula": "Formula",
        "unit": "Unit",
        "assessment": "Assessment",
        "assessment_rules": "A category with a standard per 1,000 is a gap where the accessible "
                            "supply is below it and a resource from {resource_factor} times it. "
                            "With a distance standard, covering less than {gap_below} of the "
                            "reference group is a gap, from {resource_from} a resource. Without "
                            "a standard quarters are compared with the median of all quarters: "
                            "below {median_gap} times a gap, from {median_resource} times a "
                            "resource. Quarters with fewer than {min_population} residents are "
                            "not assessed.",
        "standards": "Standards",
        "target": "Standard",
        "reference_group": "Reference group",
        "binding": "binding",
        "yes": "yes",
        "no": "no",
        "per_1000": "{value} per 1,000",
        "within_m": "at most {value} m",
        "median_basis": "median of quarters",
        "field_lead": "{n} categories with services in the study area.",
        "field_none": "There are no data on services of this action field.",
        "field_table": "Assessment per quarter",
        "map_of": "Map: {label}",
        "judged": "assessed",
        "value": "Value",
        "count": "Number",
        "capacity": "Capacity",
        "supply_rate": "Supply rate",
        "coverage": "Coverage",
        "median_distance": "Distance (median)",
        "fca_access": "Accessible supply",
        "population": "Reference population",
        "social_lead": "Status and dynamics index after the method of Berlin's Monitoring "
                       "Soziale Stadtentwicklung, year {year}; {included} quarters included.",
        "social_none": "No social index is configured for this study "
                       "([indicators.status_index] in quartier.toml).",
        "social_map": "Status index {year}",
        "profiles_lead": "Per quarter: population, age structure, services per action field "
                         "with a traffic light against the standards, and its place in the town.",
        "profiles_pages": "Because of the number of quarters each profile is on a page of its "
                          "own in the same folder.",
        "profile_position": "Place in the town",
        "rank_residents": "rank {rank} of {n} by residents",
        "gaps_in_quarter": "{gaps} gaps and {resources} resources among {assessed} assessed "
                           "categories (town: {mean_gaps} gaps per quarter on average)",
        "age_structure": "Age structure",
        "age_band": "Age group",
        "share": "Share",
        "years": "years",
        "years_plus": "years and over",
        "back": "Back to the report",
        "appendix_lead": "All indicators as tables; the files below hold the same figures for "
                         "further work.",
        "downloads": "Downloads",
        "download_csv": "All indicators (CSV)",
        "download_gaps": "Assessments (CSV)",
        "download_xlsx": "Workbook (Excel)",
        "download_gpkg": "Geodata (GeoPackage for QGIS)",
        "findings": "Notes on the data",
        "outside": "{n} facilities lie outside every quarter; they count in no quarter but "
                   "enter distances and catchments.",
        "no_data": "–",
    },
}


def texts(language: str) -> dict[str, str]:
    """The fixed texts of one language (``de`` or ``en``)."""
    return TEXTS[language]
