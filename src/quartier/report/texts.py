"""Every fixed text of the report, in German and English."""

from __future__ import annotations

from quartier.format import counted_text

__all__ = ["TEXTS", "texts"]

TEXTS: dict[str, dict[str, str | list[str]]] = {
    "de": {
        "title": "Sozialraumanalyse",
        "edition": "Ausgabe",
        "created": "Erstellt am {date} mit quartier {version}.",
        "contents": "Inhalt",
        "skip": "Zum Inhalt springen",
        "ch_summary": "1 Zusammenfassung",
        "ch_basis": "2 Grundlagen",
        "ch_changes": "Veränderungen seit der letzten Fortschreibung",
        "changes_lead": "Verglichen wird mit der Ausgabe {previous}: {opened:Einrichtung ist|"
                        "Einrichtungen sind} neu, {closed} geschlossen, {transitions:Bewertung "
                        "hat|Bewertungen haben} sich geändert.",
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
        "changes_boundaries": "Die Quartiersgrenzen haben sich seit der Ausgabe {previous} "
                              "geändert ({before} Quartiere damals, {after} heute). Die Werte "
                              "von {previous} wurden flächengewichtet auf die heutigen Quartiere "
                              "übertragen: Anzahlen (Einwohner*innen, Einrichtungen, Plätze) "
                              "nach Flächenanteil, Quoten und Indizes als nach Einwohner*innen "
                              "gewichtetes Mittel. Bewertungen und Klassen lassen sich so nicht "
                              "übertragen; Übergänge zwischen Bewertungen entfallen deshalb. "
                              "Wo ein altes Quartier geteilt wurde, ist der übertragene Wert der "
                              "Durchschnitt des ganzen alten Gebiets: Eine Veränderung zeigt dort "
                              "auch die feinere Einteilung, nicht nur eine Entwicklung.",
        "changes_lead_carried": "Verglichen wird mit der Ausgabe {previous} (auf anderen "
                                "Quartiersgrenzen).",
        "changes_no_facilities": "Die Ausgabe {previous} enthält kein Einrichtungsregister; "
                                 "neu eröffnete und geschlossene Einrichtungen lassen sich nicht "
                                 "bestimmen.",
        "changes_method": "Bewertungsgrundlage geändert seit der Ausgabe {previous} – eine "
                          "Änderung der Methode (Katalog oder Richtwerte), keine Veränderung in "
                          "den Quartieren; diese Bewertungen zählen unten nicht als geändert: "
                          "{changes}.",
        "method_standard_town": "{category} wird jetzt mit dem Stadtmittel verglichen "
                                "(vorher gegen einen Richtwert)",
        "method_town_standard": "{category} wird jetzt gegen einen Richtwert bewertet (vorher "
                                "mit dem Stadtmittel verglichen)",
        "method_new_standard": "{category} neu gegen einen Richtwert bewertet",
        "method_new_town": "{category} neu mit dem Stadtmittel verglichen",
        "method_dropped": "{category} wird nicht mehr bewertet",
        "social_moves": "Größte Veränderungen des Statusindex",
        "transitions_lead": "Neue Lücken stehen zuerst, dann Bewertungen, die neu unter dem "
                            "Stadtmittel liegen, dann die übrigen, jeweils nach der Größe der "
                            "Veränderung im Verhältnis zum Bezugswert. Die Ursachen sind aus den "
                            "Daten beider Ausgaben bestimmt: Einrichtungen der Kategorie, die in "
                            "Reichweite des Quartiers (Richtwert-Entfernung oder Einzugsbereich) "
                            "eröffnet, geschlossen, verlegt oder vergrößert bzw. verkleinert "
                            "wurden, die Bezugsgruppe im Quartier, der Median der Quartiere und "
                            "der Richtwert.",
        "transition_value": "Wert vorher → jetzt",
        "transition_reference": "Bezugswert vorher → jetzt",
        "transition_cause": "Ursache",
        "cause_inside": "im Quartier",
        "cause_near": "in {quarter}, {distance} m vom Quartier",
        "cause_places": "Plätze",
        "cause_places_changed": "{name} ({where}): {previous} → {current} {unit}",
        "cause_facility_opened": "neu eröffnet: {name} ({where})",
        "cause_facility_closed": "geschlossen: {name} ({where})",
        "cause_facility_moved": "verlegt: {name} ({where})",
        "cause_population_changed": "Bezugsgruppe im Quartier: {previous} → {current} Personen",
        "cause_reference_moved": "Median der Quartiere: {previous} → {current}",
        "cause_value_unchanged": ", der Wert des Quartiers blieb gleich",
        "cause_basis_changed": "Bewertungsgrundlage geändert (Richtwert statt Median der "
                               "Quartiere oder umgekehrt)",
        "cause_standard_changed": "Richtwert geändert: {previous} → {current}",
        "cause_status_index_changed": "Statusindex: {previous} → {current}",
        "cause_other_change": "keine Einrichtung der Kategorie in Reichweite eröffnet, "
                              "geschlossen oder verändert; der Wert hat sich durch Veränderungen "
                              "weiter entfernt geändert",
        "change_from_zero": "neu (vorher 0)",
        "pp": "Pp.",
        "largest_coverage": "Größte Veränderungen der Abdeckung (in Prozentpunkten)",
        "largest_fca_access": "Größte Veränderungen des erreichbaren Angebots (in Prozent des "
                              "vorherigen Werts)",
        "largest_status_index": "Größte Veränderungen des Statusindex (in Indexpunkten; höher "
                                "heißt stärker benachteiligt)",
        "change_header_coverage": "Veränderung (Prozentpunkte)",
        "change_header_fca_access": "Veränderung (%)",
        "change_header_status_index": "Veränderung (Indexpunkte)",
        "mss_range_bottom": "unter {upper}",
        "mss_range_middle": "{lower} bis {upper}",
        "mss_range_open": "über {lower} bis {upper}",
        "mss_range_top": "über {lower}",
        "social_legend": "Statusklasse (Statusindex)",
        "social_explain_status": "Der Statusindex fasst {indicators} zusammen: Jeder Anteil wird "
                                 "über die einbezogenen Quartiere standardisiert (0 ist der "
                                 "Durchschnitt, 1 eine Standardabweichung darüber), die Werte "
                                 "werden addiert und die Summe noch einmal standardisiert. Je "
                                 "höher der Statusindex, desto stärker ist das Quartier sozial "
                                 "benachteiligt.",
        "social_explain_classes": "Die Statusklassen folgen dem Monitoring Soziale "
                                  "Stadtentwicklung Berlin: {classes}. „Hoch“ ist also der "
                                  "günstigste soziale Status mit der geringsten Benachteiligung, "
                                  "„sehr niedrig“ der Status mit der stärksten Benachteiligung.",
        "social_explain_dynamics": "Der Dynamikindex misst auf dieselbe Weise die Veränderung "
                                   "{what} (in Prozentpunkten): {classes}. Positiv heißt, die "
                                   "Benachteiligung nimmt ab; negativ, sie nimmt zu.",
        "social_dynamics_since": "dieser Anteile seit {year}",
        "social_dynamics_named": "der Dynamikindikatoren ({names})",
        "social_explain_no_dynamics": "Für diese Studie gibt es keinen Dynamikindex; der "
                                      "Gesamtindex ist dann allein die Nummer der Statusklasse.",
        "social_explain_combined": "Der Gesamtindex verbindet beides: die Nummer der Statusklasse "
                                   "(1 hoch bis 4 sehr niedrig) mit dem Zeichen der Dynamik, "
                                   "„+“ für positiv, „+/-“ für stabil, „-“ für negativ. „2+/-“ "
                                   "heißt also mittlerer Status bei stabiler Entwicklung, „4-“ "
                                   "sehr niedriger Status bei zunehmender Benachteiligung.",
        "ch_trends": "Entwicklung über alle Ausgaben",
        "trend_lead": "Kennzahlen der ganzen Stadt in jeder gespeicherten Ausgabe, jeweils auf "
                      "den Quartieren der Ausgabe gezählt.",
        "trend_quarters": "Quartiere",
        "trend_facilities": "Einrichtungen im Gebiet",
        "trend_gaps": "Lücken (am Richtwert)",
        "trend_gaps_by_field": "Lücken je Handlungsfeld",
        "trend_below_town": "unter dem Stadtmittel (kein Richtwert)",
        "trend_resources": "Ressourcen",
        "trend_low_status": "Quartiere mit niedrigem oder sehr niedrigem Status",
        "trend_carried": "Auf andere Quartiersgrenzen bezogen: Ausgabe {editions}; in den "
                         "Entwicklungslinien der Quartiersprofile sind diese Werte "
                         "flächengewichtet übertragen.",
        "trend_chart_alt": "Liniendiagramme: Kennzahlen der Stadt über alle Ausgaben",
        "trend_download": "Alle Indikatoren aller Ausgaben (CSV)",
        "download_series": "Alle Indikatoren aller Ausgaben (CSV)",
        "summary_changes_link": "Zu den Veränderungen",
        "profile_trends": "Entwicklung über alle Ausgaben",
        "ch_fields": "3 Handlungsfelder",
        "ch_social": "4 Sozialer Status und Dynamik",
        "ch_profiles": "5 Quartiersprofile",
        "ch_partners": "6 Netzwerk und Partner",
        "ch_measures": "7 Maßnahmen der Quartiersentwicklung",
        "ch_concerns": "8 Anliegen der Einwohner*innen",
        "ch_appendix": "9 Anhang: alle Indikatoren",
        "download_partners": "Netzwerkpartner (CSV, nur öffentliche Angaben)",
        "download_measures": "Maßnahmen (CSV)",
        "download_concerns": "Anliegen je Quartier, Handlungsfeld und Jahr (CSV, kleine Zahlen "
                             "geheim gehalten)",
        "nw_partners_lead": "{n} mögliche Netzwerkpartner: {actors} aus der Akteursliste des "
                            "Quartiersmanagements und {operators:Träger|Träger} von Einrichtungen "
                            "(manche sind beides). "
                            "Kontaktdaten stehen nur bei Partnern, die der Veröffentlichung "
                            "zugestimmt haben.",
        "nw_organisation": "Organisation",
        "nw_type": "Art",
        "nw_source": "Quelle",
        "nw_fields": "Handlungsfelder",
        "nw_quarters": "Quartiere",
        "nw_facilities": "Einrichtungen",
        "nw_contact": "Kontakt",
        "nw_town_wide": "stadtweit",
        "nw_several": "mehrere Quartiere",
        "nw_coverage": "Partner vor Ort je Quartier und Handlungsfeld",
        "nw_coverage_lead": "Anzahl der Partner, die im Quartier selbst tätig sind (stadtweit "
                            "tätige Partner zählen hier nicht). Leere Felder sind markiert.",
        "nw_missing": "Handlungsfelder ohne Partner vor Ort",
        "nw_missing_lead": "In diesen Quartieren fehlt für ein Handlungsfeld ein Partner vor Ort; "
                           "stadtweit tätige Partner dieses Feldes könnten einspringen.",
        "nw_missing_none": "Jedes Quartier hat in jedem Handlungsfeld mindestens einen Partner "
                           "vor Ort.",
        "nw_town_wide_partners": "Stadtweit tätig",
        "nw_profile_partners": "Netzwerk: Partner vor Ort in {n} von "
                               "{fields:Handlungsfeld|Handlungsfeldern} ({local:Partner|Partner} "
                               "im Quartier)",
        "nw_measures_lead": "{n:Maßnahme|Maßnahmen} mit zusammen {planned} geplantem Budget, davon "
                            "{spent} ausgegeben.",
        "nw_measure": "Maßnahme",
        "nw_target": "Ziel (Lücke)",
        "nw_planned": "Budget geplant",
        "nw_spent": "ausgegeben",
        "nw_spent_share": "Anteil",
        "nw_status": "Stand",
        "nw_period": "Laufzeit",
        "nw_count": "Anzahl",
        "nw_total": "Summe",
        "nw_budget_field": "Budget je Handlungsfeld",
        "nw_budget_quarter": "Budget je Quartier",
        "nw_budget_split": "Eine Maßnahme in mehreren Quartieren ist zu gleichen Teilen auf diese "
                           "verteilt (Rechenregel, nicht die tatsächliche Verwendung); so ergibt "
                           "die Summe der Quartiere das Gesamtbudget. Maßnahmen ohne Quartier "
                           "stehen unter „stadtweit“.",
        "nw_addressed": "Offene Lücken mit Maßnahmen",
        "nw_addressed_lead": "{open:offene Lücke|offene Lücken}; {without} davon ohne eine "
                             "Maßnahme, die sie angeht (abgebrochene Maßnahmen zählen nicht).",
        "nw_without": "Offene Lücken ohne Maßnahme",
        "nw_movement": "Entwicklung der Zielindikatoren",
        "nw_movement_lead": "Für jede Maßnahme der Wert ihres Zielindikators im Quartier in der "
                            "Ausgabe, in der sie begann, und heute. Gespeicherte Ausgaben: "
                            "{history}.",
        "nw_edition": "Vergleichsausgabe",
        "nw_better": "besser",
        "nw_worse": "schlechter",
        "nw_same": "unverändert",
        "nw_no_edition": "keine Vergleichsedition",
        "nw_current": "beginnt in dieser Ausgabe",
        "nw_no_start": "ohne Beginn",
        "nw_no_target": "ohne Ziel",
        "nw_no_value": "kein Wert",
        "nw_profile_measures": "Maßnahmen: {n} im Quartier, davon {open} geplant oder laufend",
        "nw_profile_measures_none": "Maßnahmen: keine im Quartier",
        "nw_concerns_lead": "{n} Anliegen aus den Sprechstunden ({periods}), gezählt nach "
                            "Quartier, Handlungsfeld, Jahr und Bearbeitungsstand.",
        "nw_concerns_rule": "Damit niemand erkennbar wird, erscheinen Anzahlen von 1 bis {k_1} "
                            "als „< {k}“. Wo sich eine solche Zahl aus Summen zurückrechnen "
                            "ließe, ist eine weitere Zahl derselben Zeile oder Spalte durch "
                            "„x“ ersetzt. Die Texte der Anliegen werden nicht veröffentlicht.",
        "nw_concerns_by_period": "Anliegen je Quartier und Jahr",
        "nw_concerns_by_field": "Anliegen je Quartier und Handlungsfeld (alle Jahre)",
        "nw_concerns_field_period": "Anliegen je Handlungsfeld und Jahr (ganze Stadt)",
        "nw_concerns_status": "Bearbeitungsstand je Jahr (ganze Stadt)",
        "nw_dim_quarter_id": "Quartier",
        "nw_dim_field": "Handlungsfeld",
        "nw_dim_period": "Zeitraum",
        "nw_dim_status": "Stand",
        "nw_concerns_map": "Anliegen je Quartier (Anzahlen unter {k} nicht gezeigt)",
        "nw_concerns_legend": "Anliegen",
        "nw_concerns_hidden": "weniger als {k} oder geheim gehalten",
        "nw_profile_concerns": "Anliegen aus den Sprechstunden: {n}",
        "nw_none": "Für diese Studie liegen keine Daten vor ([{section}] in quartier.toml).",
        "summary_lead": "{study} hat {residents} Einwohner*innen in "
                        "{quarters:Quartier|Quartieren}. Bewertet wurden "
                        "{categories:Angebotskategorie|Angebotskategorien} in "
                        "{fields:Handlungsfeld|Handlungsfeldern}: {standard} an einem Richtwert, "
                        "{town} ohne Richtwert im Vergleich mit dem Median der Quartiere.",
        "summary_counts": "Am Richtwert: {gaps:Lücke|Lücken}, {met} × erfüllt, {well_above} × "
                          "deutlich über Richtwert. Ohne Richtwert, relativ zur Stadt: {below} × "
                          "unter dem Stadtmittel, {average} × im Mittel, {above} × über dem "
                          "Stadtmittel. {resources:Ressource|Ressourcen} (Angebote im Quartier, "
                          "die auch Nachbarquartiere versorgen); {served} × gut versorgt durch "
                          "Nachbarquartiere.",
        "key_findings": "Das Wichtigste in Kürze",
        "finding_top": "Den größten Handlungsbedarf hat {name}{status}: {needs}.",
        "finding_status": " (sozialer Status {status})",
        "finding_other": "{name}{status} mit {people:ungedecktem Bedarfsfall|ungedeckten "
                         "Bedarfsfällen} (u. a. {need})",
        "finding_next": "Es folgen {quarters}.",
        "and": "und",
        "finding_field": "Der größte ungedeckte Bedarf liegt im Handlungsfeld {field}: "
                         "{people:Person|Personen} in {quarters:Quartier|Quartieren}.",
        "finding_no_gap": "In keinem Quartier unterschreitet ein Angebot seinen Richtwert.",
        "finding_kinds": "{standard:Kategorie wird|Kategorien werden} an einem Richtwert mit "
                         "Quelle gemessen ({gaps:Lücke|Lücken}). Für {town:Kategorie|Kategorien} "
                         "gibt es keinen Richtwert; sie werden nur mit dem Median der Quartiere "
                         "verglichen ({below} × unter dem Stadtmittel) – das zeigt Unterschiede, "
                         "keinen belegten Mangel.",
        "finding_unjudged": "{n:Kategorie wird|Kategorien werden} in keinem Quartier "
                            "bewertet: {groups}.",
        "finding_apart_one": "Ein Quartier mit wenigen Einwohner*innen oder überwiegend ohne "
                             "Wohnnutzung ist nicht eingestuft: {names}.",
        "finding_apart": "{n} Quartiere mit wenigen Einwohner*innen oder überwiegend ohne "
                         "Wohnnutzung sind nicht eingestuft: {names}.",
        "summary_fields": "Bewertungen je Handlungsfeld",
        "summary_standard": "Am Richtwert",
        "summary_town": "Relativ zur Stadt (kein Richtwert)",
        "summary_attention": "Quartiere mit Handlungsbedarf",
        "summary_attention_lead": "Rangfolge nach ungedeckten Bedarfsfällen: je Handlungsfeld "
                                  "die Personen der Bezugsgruppen, für die ein Angebot am "
                                  "Richtwert fehlt, über die Handlungsfelder zusammengezählt "
                                  "(wem Angebote aus zwei Feldern fehlen, zählt zweimal; die "
                                  "Summe kann daher die Einwohnerzahl übersteigen) und "
                                  "gewichtet mit dem sozialen Status; Quartiere mit niedrigem "
                                  "Status zuerst (Regel unter Methoden). "
                                  "Vergleiche mit dem Stadtmittel gehen nicht ein.",
        "rank": "Rang",
        "people_need": "Ungedeckte Bedarfsfälle",
        "weighted_need": "gewichtet",
        "largest_needs": "Größter Bedarf",
        "summary_apart": "Nicht eingestuft",
        "summary_apart_lead": "Quartiere mit weniger als {min_population} Einwohner*innen oder "
                              "überwiegend ohne Wohnnutzung werden nicht in die Rangfolge "
                              "aufgenommen.",
        "reason_few_residents": "wenige Einwohner*innen",
        "reason_mostly_non_residential": "überwiegend ohne Wohnnutzung",
        "reason_no_reference_population": "keine Bezugsbevölkerung",
        "reason_incomplete_data": "unvollständige Daten",
        "reason_combined_member": "bewertet als Teil eines gemeinsamen Richtwerts",
        "edge_marker": "Randlage",
        "edge_marker_title": "Quartier am Rand des Untersuchungsgebiets: Einrichtungen jenseits "
                             "der Grenze fehlen in den Daten.",
        "edge_method": "Randlage: Einrichtungen jenseits der Stadtgrenze fehlen in den Daten; ein "
                       "Quartier am Rand kann besser versorgt sein, als die Bewertung zeigt. "
                       "Einrichtungen außerhalb der Quartiere zählen bis {buffer} m jenseits der "
                       "Grenze für Entfernungen und Erreichbarkeit mit (nie als Angebot eines "
                       "Quartiers). {boundary:Quartier grenzt|Quartiere grenzen} an den Rand des "
                       "Untersuchungsgebiets; {edge} davon tragen für mindestens eine Kategorie "
                       "den Hinweis „Randlage“, weil dort für diese Kategorie keine Daten "
                       "jenseits der Grenze vorliegen. Eine Lücke in Randlage bleibt eine Lücke.",
        "age_estimation_method": "Geschätzte Altersgruppen: Schneidet eine Bezugsgruppe eine "
                                 "Altersgruppe der Daten (z. B. unter 3-Jährige aus 0 bis 5 "
                                 "Jahren, 80-Jährige und Ältere aus 65 Jahren und älter), wird "
                                 "diese nach einer Altersstruktur in einzelnen Altersjahren "
                                 "geteilt: {source}. In der offenen obersten Altersgruppe wird "
                                 "diese Verteilung je Quartier nach dem Verhältnis der "
                                 "Altersgruppe darunter (höchstens 15 Jahre breit, z. B. 55 bis "
                                 "64) zur offenen Gruppe geneigt, beide gemessen an der "
                                 "Altersstruktur: Wo viele gerade ins Rentenalter kommen, werden "
                                 "weniger Hochaltrige angenommen, wo die Bewohner*innen "
                                 "gemeinsam älter geworden sind, mehr; die Summe der "
                                 "Altersgruppe bleibt gleich. Probe am Berliner Melderegister "
                                 "vom 31.12.2024: aus 65+ geschätzte 80-Jährige und Ältere "
                                 "weichen stadtweit um −2 % ab, je Planungsraum im Median um "
                                 "11 %; unter 3-Jährige aus 0 bis 5 Jahren stadtweit um +2 %.",
        "age_structure_national": "Deutschland am 31.12.2023 (Destatis, GENESIS-Online "
                                  "12411-0005); eine Studie kann eine eigene, z. B. die ihres "
                                  "Landes, angeben",
        "age_structure_own": "die eigene Altersstruktur der Studie",
        "context_demand_method": "Nachfrage jenseits der Grenze: {residents} Einwohner*innen in "
                                 "{cells:Gitterzelle|Gitterzellen} außerhalb der Quartiere, "
                                 "höchstens {buffer} m vom Untersuchungsgebiet entfernt, teilen "
                                 "sich in der Erreichbarkeit (Zwei-Stufen-Verfahren, siehe "
                                 "Methoden) die Plätze der Einrichtungen mit den Einwohner*innen "
                                 "der Quartiere; sie zählen zu keinem Quartier.",
        "context_demand_uncalibrated": "Diese Zellen stammen aus dem Gitter, wie es ist; anders "
                                       "als die Zellen in den Quartieren sind sie nicht an die "
                                       "Einwohnertabelle je Quartier angepasst.",
        "summary_gaps_top": "Die häufigsten Lücken (am Richtwert)",
        "summary_below_top": "Am häufigsten unter dem Stadtmittel (kein Richtwert)",
        "summary_resources_top": "Die häufigsten Ressourcen",
        "quarters_with": "{n:Quartier|Quartiere}",
        "quarters_with_one": "1 Quartier",
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
        "gap": "Lücke",
        "met": "erfüllt",
        "well_above": "deutlich über Richtwert",
        "below_town": "unter dem Stadtmittel",
        "town_average": "im Mittel",
        "above_town": "über dem Stadtmittel",
        "not_assessed": "nicht bewertet",
        "status_class": "Statusklasse",
        "dynamics_class": "Dynamikklasse",
        "combined_class": "Gesamtindex",
        "basis_area": "Untersuchungsgebiet",
        "basis_area_lead": "Das Untersuchungsgebiet umfasst {quarters:Quartier|Quartiere} mit "
                           "zusammen {area} km² und {residents} Einwohner*innen. "
                           "Koordinatensystem: {crs}.",
        "basis_map": "Karte der Quartiere und Angebote (interaktiv)",
        "basis_map_note": "Ebenen lassen sich oben rechts ein- und ausschalten. Ohne "
                          "Internetverbindung fehlt nur die Hintergrundkarte.",
        "overview_map": "Übersicht: Lücken am Richtwert je Quartier",
        "overview_map_legend": "Kategorien mit Lücke",
        "overview_map_print": "Die interaktive Karte steht in der Bildschirmfassung des "
                              "Berichts (index.html).",
        "basis_sources": "Datenquellen",
        "source": "Quelle",
        "file": "Datei",
        "as_of": "Stand",
        "rows": "Datensätze",
        "licence": "Lizenzen und Namensnennung",
        "basis_methods": "Methoden",
        "methods_lead_network": "Entfernungen werden vom Mittelpunkt einer bewohnten "
                                "100-m-Zelle zur Einrichtung gemessen, je Kategorie als "
                                "Luftlinie oder als Fußweg (siehe Entfernungsmodell). Jede "
                                "Zahl des Berichts folgt einer der folgenden Formeln.",
        "distance_model_network": "Entfernungsmodell Fußweg für {categories}: kürzester Weg "
                                  "auf dem Fußwegenetz aus dem OpenStreetMap-Auszug {source} "
                                  "(Wege, die zu Fuß benutzt werden dürfen; nur das größte "
                                  "zusammenhängende Netz). Zelle und Einrichtung werden mit "
                                  "dem Luftlinienstück zum nächsten Netzknoten angebunden. "
                                  "Richtwerte in Minuten gelten bei {speed} km/h "
                                  "({metres} m je Minute).",
        "distance_model_straight": "Entfernungsmodell Luftlinie für {categories}.",
        "distance_compare_title": "Luftlinie und Fußweg: {category}",
        "distance_compare_lead": "Wo der Fußweg deutlich länger ist als die Luftlinie (Flüsse, "
                                 "Bahnlinien, Schnellstraßen, Sackgassen), erreichen weniger "
                                 "Menschen das nächste Angebot. Die Quartiere, in denen die "
                                 "Erreichbarkeit am stärksten sinkt:",
        "distance_compare_straight": "erreicht (Luftlinie)",
        "distance_compare_network": "erreicht (Fußweg)",
        "distance_compare_drop": "Rückgang (Prozentpunkte)",
        "catchment_layer": "Fußweg-Einzugsbereich: {category} ({distance})",
        "catchment_layer_part": "Fußweg-Einzugsbereich: {category} ({distance}; {shown} "
                                "von {total} Angeboten)",
        "methods_lead": "Alle Entfernungen sind Luftlinien zwischen dem Mittelpunkt einer "
                        "bewohnten 100-m-Zelle und der Einrichtung. Jede Zahl des Berichts "
                        "folgt einer der folgenden Formeln.",
        "population_method_grid": "Wo die Menschen wohnen, zeigt das Bevölkerungsgitter "
                                  "selbst: Jede 100-m-Zelle trägt ihre gezählten "
                                  "Einwohner*innen. Grenzen: Das Gitter hat den Stand seines "
                                  "Stichtags; geheim gehaltene Altersgruppen sind aus den "
                                  "Anteilen der Nachbarzellen geschätzt.",
        "population_method_grid_calibrated": "Wo die Menschen wohnen, zeigt das "
                                             "Bevölkerungsgitter; wie viele es sind, die neuere "
                                             "Einwohnertabelle: Ihre Zahlen je Quartier und "
                                             "Altersgruppe sind im Verhältnis des Gitters auf "
                                             "dessen Zellen verteilt. Grenzen: Wer seit dem "
                                             "Stichtag des Gitters in ein neues Wohngebiet "
                                             "gezogen ist, wird den älteren Zellen des Quartiers "
                                             "zugerechnet.",
        "population_method_uniform": "Es gibt nur Einwohnerzahlen je Quartier. Sie sind "
                                     "gleichmäßig über die ganze Fläche jedes Quartiers "
                                     "verteilt, auch über Wald, Wasser, Parks und "
                                     "Gewerbeflächen. Grenzen: In Quartieren mit großen "
                                     "unbewohnten Flächen erscheinen Wege zu lang und "
                                     "Abdeckungen zu klein.",
        "population_method_residential": "Es gibt nur Einwohnerzahlen je Quartier. Sie sind im "
                                         "Verhältnis der Wohnfläche ({sources}) auf die "
                                         "100-m-Zellen verteilt; Zellen ohne Wohnfläche bleiben "
                                         "leer. Grenzen: Innerhalb der Wohnflächen gilt überall "
                                         "dieselbe Dichte.",
        "population_method_residential_weighted": "Es gibt nur Einwohnerzahlen je Quartier. "
                                                  "Sie sind im Verhältnis der Gewichte der "
                                                  "Wohnflächen ({sources}) auf die 100-m-Zellen "
                                                  "verteilt; jede Fläche gibt ihr Gewicht nach "
                                                  "ihrem Flächenanteil an die Zellen. Grenzen: "
                                                  "Innerhalb einer Fläche gilt überall dieselbe "
                                                  "Dichte.",
        "population_method_uninhabited": "Es gibt nur Einwohnerzahlen je Quartier. Sie sind "
                                         "gleichmäßig über die Fläche jedes Quartiers ohne die "
                                         "Flächen verteilt, auf denen niemand wohnt ({sources}, "
                                         "etwa Wald und Wasser); Reste unter 100 m² in einer "
                                         "Zelle zählen nicht. Grenzen: Was die Ebene nicht als "
                                         "unbewohnt kennt (etwa Gewerbe-, Bahn- oder "
                                         "Parkflächen, wenn sie fehlen), erhält weiter "
                                         "Einwohner*innen, und auf der übrigen Fläche gilt "
                                         "überall dieselbe Dichte.",
        "population_method_evenly": "In {n:Quartier|Quartieren} blieb keine Wohnfläche; dort sind "
                                    "die Einwohner*innen gleichmäßig über die ganze Fläche "
                                    "verteilt: {quarters}.",
        "indicator": "Indikator",
        "formula": "Formel",
        "unit": "Einheit",
        "assessment": "Bewertung",
        "assessment_kinds": [
            "Am Richtwert: Wo es einen Richtwert mit Quelle gibt (Tabelle unten), heißt das "
            "Ergebnis „Lücke“, „erfüllt“ oder „deutlich über Richtwert“. Die Größe einer Lücke "
            "steht in Personen oder Plätzen: bei Entfernungs-Richtwerten die Personen der "
            "Bezugsgruppe, die weiter als die Richtwert-Entfernung vom nächsten Angebot wohnen; "
            "bei Quoten- und Bedarfs-Richtwerten die Plätze (oder Ärzt*innen), die bis zum "
            "Richtwert fehlen. Bedarfs-Richtwerte werden aus der Bevölkerung abgeleitet (z. B. "
            "Kita-Bedarf aus den Kindern unter 3 und von 3 Jahren bis zur Einschulung mal "
            "veröffentlichte Bedarfsquoten). Ein zusammengesetzter Entfernungs-Richtwert gilt "
            "als erreicht, wenn eine der genannten Angebotsarten in ihrer eigenen Entfernung "
            "liegt: Die ÖPNV-Haltestelle ist erreicht mit einer Bus- oder "
            "Straßenbahnhaltestelle oder mit einem Bahnhof (S-, U- oder Regionalbahn) in "
            "Richtwert-Entfernung (Tabelle unten); eine Lücke sind nur die Menschen, die keins "
            "von beiden erreichen. Bus- und Straßenbahnhaltestellen allein werden deshalb nur "
            "mit dem Stadtmittel verglichen – wer am S- oder U-Bahnhof wohnt, hat keine "
            "ÖPNV-Lücke, weil ein Bus fehlt.",
            "Relativ zur Stadt: Wo es keinen Richtwert gibt, wird das Quartier mit dem Median "
            "der Quartiere verglichen: „unter dem Stadtmittel“, „im Mittel“ oder „über dem "
            "Stadtmittel“ (eigene, neutrale Farben). Das ist kein Mangel im Sinne eines "
            "Standards und heißt nie Lücke; der Vergleichswert heißt „Median der Quartiere“, "
            "nicht Richtwert, und verschiebt sich, wenn sich andere Quartiere ändern.",
            "Ressource: Ein Quartier ist für eine Kategorie eine Ressource, wenn Angebote in "
            "ihm selbst mehr Kapazität haben, als das Quartier braucht – sie versorgen auch "
            "Nachbarquartiere. Ein Quartier ohne eigenes Angebot ist nie eine Ressource; reicht "
            "dort der Zugang aus Nachbarquartieren, heißt es „gut versorgt durch "
            "Nachbarquartiere“.",
            "Nicht bewertet werden Quartiere mit weniger als {min_population} "
            "Einwohner*innen, ohne Bezugsbevölkerung oder mit überwiegend nicht bewohnter "
            "Fläche.",
        ],
        "ranking_title": "Rangfolge des Handlungsbedarfs",
        "ranking_rule": "Jede Lücke wird in Personen der Bezugsgruppe gemessen: bei "
                        "Entfernungs-Richtwerten die Personen ohne Angebot in Richtwert-"
                        "Entfernung; bei Bedarfs-Richtwerten die fehlenden Plätze (ein Platz "
                        "deckt den Bedarf einer Person); bei Richtwerten je 1.000 die Personen, "
                        "die die fehlenden Plätze beim Richtwert versorgen würden (fehlende "
                        "Plätze · 1.000 / Richtwert, höchstens die Bezugsbevölkerung). Je "
                        "Quartier zählt in jedem Handlungsfeld der größte dieser Bedarfe (wer "
                        "weder Supermarkt noch ÖPNV-Haltestelle in der Nähe hat, zählt einmal); "
                        "die "
                        "Handlungsfelder werden addiert (wem Angebote aus zwei Feldern fehlen, "
                        "zählt zweimal; diese Summe heißt ungedeckte Bedarfsfälle und kann die "
                        "Einwohnerzahl übersteigen) und mit dem sozialen Status gewichtet: "
                        "Faktor 1 bei Status hoch oder mittel oder ohne Sozialindex, 1,5 bei "
                        "niedrig, 2 bei sehr niedrig. Zuerst stehen die Quartiere, in denen "
                        "Lücken und ein niedriger oder sehr niedriger sozialer Status "
                        "zusammentreffen, danach die übrigen Quartiere mit Lücken, jeweils nach "
                        "diesem gewichteten Bedarf in absteigender Folge; die Tabelle zeigt auch "
                        "den ungewichteten Wert. Ohne Sozialindex zählt nur der Bedarf. "
                        "Vergleiche mit dem Stadtmittel gehen nicht ein, ebenso wenig Lücken "
                        "bei Richtwerten, die für ein größeres Gebiet als ein Quartier gelten: "
                        "Hausarztsitze plant die Bedarfsplanungs-Richtlinie je Mittelbereich, "
                        "der viele Quartiere umfasst; die Hausarzt-Bewertung steht mit ihrem "
                        "Richtwert in den Tabellen, fehlende Hausärzt*innen in einem Quartier "
                        "sind aber kein Handlungsbedarf des Quartiers. "
                        "Quartiere mit weniger als {min_population} Einwohner*innen oder "
                        "überwiegend ohne Wohnnutzung werden getrennt aufgeführt.",
        "standards": "Richtwerte",
        "target": "Richtwert",
        "reference_group": "Bezugsgruppe",
        "binding": "verbindlich",
        "yes": "ja",
        "no": "nein",
        "per_1000": "{value} je 1.000",
        "within_m": "höchstens {value} m",
        "within_by_group": "höchstens (m je Altersgruppe): {values}",
        "within_combined": "eines davon in höchstens: {values}",
        "demand_target": "Bedarf je Person der Altersgruppe: {rates}",
        "year": "Jahr",
        "reference": "Vergleichswert",
        "median_basis": "Median der Quartiere",
        "field_lead": "{n:Kategorie|Kategorien} mit Angeboten im Untersuchungsgebiet: {standard} "
                      "am Richtwert ({gaps:Lücke|Lücken}), {town} ohne Richtwert im Vergleich mit "
                      "dem Median der Quartiere ({below} × unter dem Stadtmittel); "
                      "{resources:Ressource|Ressourcen}.",
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
        "social_map": "Statusklassen {year}",
        "profiles_lead": "Je Quartier: Bevölkerung, Altersstruktur, Angebote je Handlungsfeld "
                         "– mit Ampel, wo ein Richtwert gilt, und im Vergleich mit dem Median "
                         "der Quartiere, wo keiner gilt – und die Stellung in der Stadt.",
        "profiles_pages": "Wegen der Zahl der Quartiere steht jedes Profil auf einer eigenen "
                          "Seite im selben Ordner.",
        "profile_position": "Stellung in der Stadt",
        # quarter profiles: working parts and finding a quarter
        "profile_map": "Karte des Quartiers",
        "profile_map_title": "Karte: {name} mit Nachbarquartieren und Angeboten",
        "profile_map_legend": "Punkte: Angebote nach Handlungsfeld",
        "profile_facilities": "Angebote im Quartier",
        "profile_facilities_none": "Im Quartier liegt kein erfasstes Angebot.",
        "facility_name": "Name",
        "profile_partners": "Netzwerkpartner im Quartier",
        "profile_partners_none": "Kein Partner nennt dieses Quartier.",
        "profile_partners_town": "Dazu kommen {n} stadtweit tätige Partner (Kapitel Netzwerk).",
        "organisation": "Organisation",
        "partner_type": "Art",
        "fields": "Handlungsfelder",
        "profile_measures": "Maßnahmen im Quartier",
        "profile_measures_none": "Für dieses Quartier ist keine Maßnahme erfasst.",
        "measure_title": "Maßnahme",
        "measure_status": "Stand",
        "budget_planned": "Budget geplant",
        "budget_spent": "ausgegeben",
        "period": "Laufzeit",
        "profile_housing": "Wohnen",
        "profile_housing_median": "Median der Quartiere",
        "profile_social": "Sozialindikatoren",
        "profile_social_change": "Veränderung",
        "points": "Prozentpunkte",
        "share_percent": "%",
        "profile_concerns": "Anliegen aus den Sprechstunden nach Thema",
        "profile_concerns_total": "Anliegen insgesamt: {n}",
        "profile_concerns_none": "Keine Anliegen aus diesem Quartier.",
        "topic": "Thema (Handlungsfeld)",
        "count_concerns": "Anliegen",
        "profile_judgements": "Bewertung der Angebote",
        "search_label": "Quartier suchen (Name oder Nummer)",
        "search_placeholder": "z. B. Name oder Nummer",
        "search_none": "Kein Quartier gefunden.",
        "search_count": "{n:Quartier|Quartiere}",
        "quarter_list": "Alle Quartiere",
        "district_named": "{name} ({key})",
        "district_key": "Bezirk {key}",
        "prev_quarter": "Voriges Quartier",
        "next_quarter": "Nächstes Quartier",
        "profile_nav": "Blättern zwischen den Quartiersprofilen",
        "map_profile_link": "Quartiersprofil öffnen",
        "col_wohnungen": "Wohnungen",
        "col_sozialwohnungen": "Sozialwohnungen",
        "col_barrierefreie_wohnungen": "Barrierefreie Wohnungen",
        "col_betreutes_wohnen_plaetze": "Plätze im betreuten Wohnen",
        "col_durchschnittsmiete_qm": "Durchschnittsmiete (€ je m²)",
        "col_leerstandsquote": "Leerstandsquote (%)",
        "col_einwohner": "Einwohner*innen",
        "col_arbeitslose_anteil": "Arbeitslose (%)",
        "col_sgb2_anteil": "Bezug von Bürgergeld/SGB II (%)",
        "col_sgb2_unter15_anteil": "Kinder unter 15 mit Bürgergeld/SGB II (%)",
        "col_grundsicherung_65plus_anteil": "Grundsicherung im Alter, ab 65 (%)",
        "col_alleinerziehende_anteil": "Alleinerziehende Haushalte (%)",
        "col_migrationshintergrund_anteil": "Mit Migrationshintergrund (%)",
        "rank_residents": "Rang {rank} von {n} nach Einwohnerzahl",
        "gaps_in_quarter": "Am Richtwert: {gaps:Lücke|Lücken} bei "
                           "{standard:Kategorie|Kategorien}; ohne Richtwert: {below} × unter "
                           "dem Stadtmittel bei {town:Kategorie|Kategorien}; "
                           "{resources:Ressource|Ressourcen} (Stadt: im Mittel {mean_gaps} "
                           "Lücken je Quartier)",
        "rank_need": "Handlungsbedarf: Rang {rank} von {n} ({people:ungedeckter "
                     "Bedarfsfall|ungedeckte Bedarfsfälle})",
        "rank_apart": "Handlungsbedarf: nicht eingestuft ({reason})",
        "check_location": "Wohnlage prüfen",
        "check_location_note": "{share} der Einwohner*innen sind Flächen ohne jede Einrichtung "
                               "im Umkreis von {radius} m zugeordnet – etwa Parks oder "
                               "Kleingärten, die die Flächendaten nicht als unbewohnt kennen; "
                               "vor einer Entscheidung auf der Karte prüfen.",
        "finding_check_location": "Wohnlage prüfen – {name}: {note}",
        "remote_method": "Prüfhinweis „Wohnlage prüfen“: Je Quartier wird der Anteil der "
                         "Einwohner*innen bestimmt, die das Modell 100-m-Zellen zuordnet, in "
                         "deren Umkreis von {radius} m (Luftlinie vom Mittelpunkt der Zelle) "
                         "keine einzige Einrichtung irgendeiner Kategorie liegt – Haltestellen "
                         "und Einrichtungen jenseits der Grenze eingeschlossen. Wo Menschen "
                         "wohnen, gibt es fast immer irgendein Angebot so nah. Ein hoher Anteil "
                         "heißt meist, dass Einwohner*innen auf Parks, Friedhöfe, Kleingärten "
                         "oder Wald verteilt wurden, die die Flächendaten nicht als unbewohnt "
                         "kennen; ihr ungedeckter Bedarf ist dann ein Artefakt des Modells. Über "
                         "{flag} wird ein Quartier markiert ({n:Quartier|Quartiere}; in der "
                         "ganzen Stadt {share} der Einwohner*innen). Die Rangfolge bleibt die "
                         "nach Bedarf: niemand wird stillschweigend herausgerechnet, die Lage "
                         "ist auf der Karte zu prüfen.",
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
        "data_notes_german": "",
        "status_index_col": "Statusindex",
        "dynamics_index_col": "Dynamikindex",
        "outside": "{n:Einrichtung liegt|Einrichtungen liegen} außerhalb aller Quartiere; sie "
                   "zählen in keinem Quartier, gehen aber in Entfernungen und Einzugsbereiche ein.",
        "outside_none": "Alle {n} Einrichtungen liegen in einem Quartier; keine liegt "
                        "außerhalb.",
        "reconcile_title": "Abgleich der Einrichtungsdaten",
        "reconcile_lead": "Jede gelesene Einrichtung wird genau einmal gezählt: in einem "
                          "Quartier oder außerhalb aller Quartiere. Plätze sind die Summe der "
                          "angegebenen Kapazitäten.",
        "reconcile_facilities": "Einrichtungen",
        "reconcile_inside": "in Quartieren",
        "reconcile_outside": "außerhalb",
        "reconcile_capacity": "Plätze gesamt",
        "reconcile_capacity_inside": "Plätze in Quartieren",
        "reconcile_total": "Summe",
        "no_data": "–",
        # sources table, interactive map layers, words the chapter builders join
        "source_quarters": "Quartiersgrenzen",
        "source_population_grid": "Einwohner (Gitter)",
        "source_population_quarters": "Einwohner je Quartier",
        "source_housing": "Wohnen",
        "source_actors": "Akteure",
        "source_measures": "Maßnahmen",
        "source_social": "Sozialindikatoren",
        "facility_id": "ID",
        "area_km2": "Fläche (km²)",
        "map_title": "Interaktive Karte {study}",
        "map_layer_density": "Einwohner je km²",
        "map_layer_gaps": "Lücken am Richtwert: {field}",
        "need_within_standard_distance": "in Richtwert-Entfernung",
        "register_operator": "Träger",
        "register_actors": "Akteure",
        "concern_status_open": "offen",
        "concern_status_in_progress": "in Bearbeitung",
        "concern_status_passed_on": "weitergeleitet",
        "concern_status_done": "erledigt",
        "half_year": "{year} ({half}. Hj.)",
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
        "changes_lead": "Compared with edition {previous}: {opened:facility|facilities} "
                        "opened, {closed} closed, {transitions:assessment|assessments} changed.",
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
        "changes_boundaries": "The quarter boundaries have changed since edition {previous} "
                              "({before} quarters then, {after} now). The values of {previous} "
                              "were carried onto today's quarters by area weighting: counts "
                              "(residents, facilities, places) by share of area, rates and "
                              "indices as means weighted by residents. Assessments and classes "
                              "cannot be carried this way, so no transitions are shown. Where an "
                              "old quarter was split, the carried value is the average of the "
                              "whole old area: a change there also reflects the finer division, "
                              "not only a development.",
        "changes_lead_carried": "Compared with edition {previous} (on other quarter "
                                "boundaries).",
        "changes_no_facilities": "Edition {previous} has no facility register; facilities "
                                 "opened and closed cannot be determined.",
        "changes_method": "Basis of judgement changed since edition {previous} – a change of "
                          "method (catalogue or standards), not of the quarters; these "
                          "judgements are not counted as changed below: {changes}.",
        "method_standard_town": "{category} is now compared with the town average (before: "
                                "against a standard)",
        "method_town_standard": "{category} is now judged against a standard (before: "
                                "compared with the town average)",
        "method_new_standard": "{category} newly judged against a standard",
        "method_new_town": "{category} newly compared with the town average",
        "method_dropped": "{category} is no longer judged",
        "social_moves": "Largest changes of the status index",
        "transitions_lead": "New gaps come first, then judgements newly below the town "
                            "median, then the others, each by the size of the change relative to "
                            "the reference. The causes are worked out from the data of both "
                            "editions: facilities of the category within reach of the quarter "
                            "(the standard's distance or the catchment) that opened, closed, "
                            "moved or changed their capacity, the reference group in the "
                            "quarter, the median of the quarters and the standard.",
        "transition_value": "Value before → now",
        "transition_reference": "Reference before → now",
        "transition_cause": "Cause",
        "cause_inside": "in the quarter",
        "cause_near": "in {quarter}, {distance} m from the quarter",
        "cause_places": "places",
        "cause_places_changed": "{name} ({where}): {previous} → {current} {unit}",
        "cause_facility_opened": "opened: {name} ({where})",
        "cause_facility_closed": "closed: {name} ({where})",
        "cause_facility_moved": "moved: {name} ({where})",
        "cause_population_changed": "reference group in the quarter: {previous} → {current} "
                                    "people",
        "cause_reference_moved": "median of the quarters: {previous} → {current}",
        "cause_value_unchanged": ", the quarter's own value did not change",
        "cause_basis_changed": "basis of the judgement changed (standard instead of the median "
                               "of the quarters or the other way round)",
        "cause_standard_changed": "standard changed: {previous} → {current}",
        "cause_status_index_changed": "status index: {previous} → {current}",
        "cause_other_change": "no facility of the category within reach opened, closed or "
                              "changed; the value changed through changes farther away",
        "change_from_zero": "new (0 before)",
        "pp": "pp",
        "largest_coverage": "Largest changes of coverage (in percentage points)",
        "largest_fca_access": "Largest changes of accessible supply (in percent of the previous "
                              "value)",
        "largest_status_index": "Largest changes of the status index (in index points; higher "
                                "means more disadvantaged)",
        "change_header_coverage": "Change (percentage points)",
        "change_header_fca_access": "Change (%)",
        "change_header_status_index": "Change (index points)",
        "mss_range_bottom": "below {upper}",
        "mss_range_middle": "{lower} to {upper}",
        "mss_range_open": "above {lower} to {upper}",
        "mss_range_top": "above {lower}",
        "social_legend": "Status class (status index)",
        "social_explain_status": "The status index combines {indicators}: each share is "
                                 "standardised over the quarters included (0 is the average, 1 "
                                 "one standard deviation above it), the values are added and the "
                                 "sum is standardised again. The higher the status index, the "
                                 "more disadvantaged the quarter is.",
        "social_explain_classes": "The status classes follow Berlin's Monitoring Soziale "
                                  "Stadtentwicklung (social urban development monitoring): "
                                  "{classes}. \"High\" is thus the most favourable social status "
                                  "with the least disadvantage, \"very low\" the status with the "
                                  "most disadvantage.",
        "social_explain_dynamics": "The dynamics index measures in the same way the change of "
                                   "{what} (in percentage points): {classes}. Positive means "
                                   "disadvantage is decreasing; negative, it is increasing.",
        "social_dynamics_since": "these shares since {year}",
        "social_dynamics_named": "the dynamics indicators ({names})",
        "social_explain_no_dynamics": "This study has no dynamics index; the combined index is "
                                      "then the number of the status class alone.",
        "social_explain_combined": "The combined index joins both: the number of the status "
                                   "class (1 high to 4 very low) followed by the sign of the "
                                   "dynamics, \"+\" for positive, \"+/-\" for stable, \"-\" for "
                                   "negative. \"2+/-\" thus means medium status with stable "
                                   "development, \"4-\" very low status with increasing "
                                   "disadvantage.",
        "ch_trends": "Development over all editions",
        "trend_lead": "Town-wide figures of every stored edition, each counted on that "
                      "edition's quarters.",
        "trend_quarters": "Quarters",
        "trend_facilities": "Facilities in the area",
        "trend_gaps": "Gaps (against a standard)",
        "trend_gaps_by_field": "Gaps per action field",
        "trend_below_town": "Below the town median (no standard)",
        "trend_resources": "Resources",
        "trend_low_status": "Quarters with low or very low status",
        "trend_carried": "Based on other quarter boundaries: edition {editions}; the trend "
                         "lines of the quarter profiles carry these values by area weighting.",
        "trend_chart_alt": "Line charts: town-wide figures over all editions",
        "trend_download": "All indicators of all editions (CSV)",
        "download_series": "All indicators of all editions (CSV)",
        "summary_changes_link": "To the changes",
        "profile_trends": "Development over all editions",
        "ch_fields": "3 Action fields",
        "ch_social": "4 Social status and dynamics",
        "ch_profiles": "5 Quarter profiles",
        "ch_partners": "6 Network partners",
        "ch_measures": "7 Measures of quarter development",
        "ch_concerns": "8 Residents' concerns",
        "ch_appendix": "9 Appendix: all indicators",
        "download_partners": "Network partners (CSV, public entries only)",
        "download_measures": "Measures (CSV)",
        "download_concerns": "Concerns per quarter, action field and year (CSV, small counts "
                             "withheld)",
        "nw_partners_lead": "{n:possible network partner|possible network partners}: {actors} "
                            "from the quarter management's list of actors and {operators} "
                            "operators of facilities (some are both). Contact data are shown only "
                            "for partners who agreed to publication.",
        "nw_organisation": "Organisation",
        "nw_type": "Type",
        "nw_source": "Source",
        "nw_fields": "Action fields",
        "nw_quarters": "Quarters",
        "nw_facilities": "Facilities",
        "nw_contact": "Contact",
        "nw_town_wide": "town-wide",
        "nw_several": "several quarters",
        "nw_coverage": "Local partners per quarter and action field",
        "nw_coverage_lead": "Number of partners active in the quarter itself (town-wide partners "
                            "do not count here). Empty fields are marked.",
        "nw_missing": "Action fields without a local partner",
        "nw_missing_lead": "These quarters lack a local partner in an action field; town-wide "
                           "partners of that field could step in.",
        "nw_missing_none": "Every quarter has at least one local partner in every action field.",
        "nw_town_wide_partners": "Town-wide",
        "nw_profile_partners": "Network: local partners in {n} of {fields:action field|action "
                               "fields} ({local} partners in the quarter)",
        "nw_measures_lead": "{n:measure|measures} with a planned budget of {planned}, of which "
                            "{spent} has been spent.",
        "nw_measure": "Measure",
        "nw_target": "Target (gap)",
        "nw_planned": "Budget planned",
        "nw_spent": "spent",
        "nw_spent_share": "Share",
        "nw_status": "Status",
        "nw_period": "Period",
        "nw_count": "Number",
        "nw_total": "Total",
        "nw_budget_field": "Budget per action field",
        "nw_budget_quarter": "Budget per quarter",
        "nw_budget_split": "A measure in several quarters is split evenly between them (an "
                           "accounting rule, not the actual use), so the quarters add up to the "
                           "total budget. Measures without a quarter are listed as "
                           "\u201ctown-wide\u201d.",
        "nw_addressed": "Open gaps with measures",
        "nw_addressed_lead": "{open:open gap|open gaps}; {without} of them without a measure "
                             "addressing them (cancelled measures do not count).",
        "nw_without": "Open gaps without a measure",
        "nw_movement": "Movement of the target indicators",
        "nw_movement_lead": "For each measure the value of its target indicator in the quarter "
                            "in the edition it started in, and now. Stored editions: {history}.",
        "nw_edition": "Compared edition",
        "nw_better": "better",
        "nw_worse": "worse",
        "nw_same": "unchanged",
        "nw_no_edition": "no edition to compare",
        "nw_current": "starts in this edition",
        "nw_no_start": "no start date",
        "nw_no_target": "no target",
        "nw_no_value": "no value",
        "nw_profile_measures": "Measures: {n} in the quarter, {open} of them planned or running",
        "nw_profile_measures_none": "Measures: none in the quarter",
        "nw_concerns_lead": "{n:concern|concerns} from the consultation hours ({periods}), "
                            "counted by quarter, action field, year and status.",
        "nw_concerns_rule": "So that nobody can be recognised, counts from 1 to {k_1} are shown "
                            "as \u201c< {k}\u201d. Where such a count could be worked out from "
                            "totals, another count of the same row or column is replaced by "
                            "\u201cx\u201d. The texts of the concerns are not published.",
        "nw_concerns_by_period": "Concerns per quarter and year",
        "nw_concerns_by_field": "Concerns per quarter and action field (all years)",
        "nw_concerns_field_period": "Concerns per action field and year (whole town)",
        "nw_concerns_status": "Status per year (whole town)",
        "nw_dim_quarter_id": "Quarter",
        "nw_dim_field": "Action field",
        "nw_dim_period": "Period",
        "nw_dim_status": "Status",
        "nw_concerns_map": "Concerns per quarter (counts below {k} not shown)",
        "nw_concerns_legend": "Concerns",
        "nw_concerns_hidden": "fewer than {k} or withheld",
        "nw_profile_concerns": "Concerns from the consultation hours: {n}",
        "nw_none": "There are no data for this study ([{section}] in quartier.toml).",
        "summary_lead": "{study} has {residents} residents in {quarters:quarter|quarters}. "
                        "{categories} categories of services in {fields} action fields were "
                        "assessed: {standard} against a standard, {town} without a standard "
                        "compared with the median of the quarters.",
        "summary_counts": "Against standards: {gaps:gap|gaps}, {met} × standard met, {well_above} "
                          "× well above standard. Without a standard, relative to the town: "
                          "{below} × below the town median, {average} × around the town median, "
                          "{above} × above the town median. {resources} resources (services in "
                          "the quarter that also serve neighbouring quarters); {served} × well "
                          "served from neighbouring quarters.",
        "key_findings": "Key findings",
        "finding_top": "The greatest need for action is in {name}{status}: {needs}.",
        "finding_status": " (social status {status})",
        "finding_other": "{name}{status} with {people:case|cases} of unmet need (among "
                         "others {need})",
        "finding_next": "Next come {quarters}.",
        "and": "and",
        "finding_field": "The largest unmet need is in the action field {field}: {people} people "
                         "in {quarters} quarters.",
        "finding_no_gap": "No service falls short of its standard in any quarter.",
        "finding_kinds": "Only {standard:category is|categories are} measured against a sourced "
                         "standard ({gaps} gaps). {town} categories have no standard; they are "
                         "only compared with the median of the quarters ({below} × below the town "
                         "median) – this shows differences, not a proven shortage.",
        "finding_unjudged": "{n:category is|categories are} judged in no quarter: {groups}.",
        "finding_apart_one": "One quarter with few residents or mostly non-residential land "
                             "is not ranked: {names}.",
        "finding_apart": "{n:quarter|quarters} with few residents or mostly non-residential land "
                         "are not ranked: {names}.",
        "summary_fields": "Assessments per action field",
        "summary_standard": "Against a standard",
        "summary_town": "Relative to the town (no standard)",
        "summary_attention": "Quarters needing attention",
        "summary_attention_lead": "Ranked by cases of unmet need: per action field the people "
                                  "of the reference groups lacking a service against a "
                                  "standard, added up over the fields (someone lacking "
                                  "services of two fields counts twice, so the sum can exceed "
                                  "the residents) and weighted by social status; "
                                  "quarters of low status first (rule under Methods). "
                                  "Comparisons with the town median do not count.",
        "rank": "Rank",
        "people_need": "Cases of unmet need",
        "weighted_need": "weighted",
        "largest_needs": "Largest needs",
        "summary_apart": "Not ranked",
        "summary_apart_lead": "Quarters with fewer than {min_population} residents or mostly "
                              "non-residential land are not ranked.",
        "reason_few_residents": "few residents",
        "reason_mostly_non_residential": "mostly non-residential",
        "reason_no_reference_population": "no reference population",
        "reason_incomplete_data": "incomplete data",
        "reason_combined_member": "judged as part of a combined standard",
        "edge_marker": "Edge location",
        "edge_marker_title": "Quarter at the edge of the study area: facilities beyond the "
                             "boundary are missing from the data.",
        "edge_method": "Edge location: facilities beyond the town boundary are missing from the "
                       "data; a quarter at the edge may be better served than its judgement "
                       "shows. Facilities outside the quarters count for distances and access "
                       "up to {buffer} m beyond the boundary (never as a quarter's own "
                       "facilities). {boundary} quarters touch the edge of the study area; {edge} "
                       "of them carry the note “Edge location” for at least one category because "
                       "no data beyond the boundary were given for it. A gap at the edge remains "
                       "a gap.",
        "age_estimation_method": "Estimated age groups: where a reference group cuts an age "
                                 "band of the data (e.g. under-3s from 0 to 5, residents 80 "
                                 "and over from 65 and over), the band is split by an age "
                                 "structure in single years of age: {source}. Within the open "
                                 "top band this distribution is tilted per quarter by the ratio "
                                 "of the band below (at most 15 years wide, e.g. 55 to 64) to "
                                 "the open band, both measured against the age structure: where "
                                 "many are just reaching retirement age, fewer very old "
                                 "residents are assumed; where residents have grown old "
                                 "together, more; the band's total stays the same. Checked "
                                 "against Berlin's population register of 31.12.2024: residents "
                                 "80+ estimated from 65+ differ by −2 % citywide and by a median "
                                 "of 11 % per planning area; under-3s from 0 to 5 by +2 % "
                                 "citywide.",
        "age_structure_national": "Germany on 31.12.2023 (Destatis, GENESIS-Online "
                                  "12411-0005); a study can give its own, e.g. its Land's",
        "age_structure_own": "the study's own age structure",
        "context_demand_method": "Demand beyond the boundary: {residents} residents in {cells} "
                                 "grid cells outside the quarters, at most {buffer} m from the "
                                 "study area, share the facilities' places with the quarters' "
                                 "residents in the access measure (2SFCA); they belong to no "
                                 "quarter.",
        "context_demand_uncalibrated": "These cells are taken from the grid as it is; unlike the "
                                       "cells in the quarters they are not calibrated to the "
                                       "population table per quarter.",
        "summary_gaps_top": "Most frequent gaps (against a standard)",
        "summary_below_top": "Most often below the town median (no standard)",
        "summary_resources_top": "Most frequent resources",
        "quarters_with": "{n:quarter|quarters}",
        "quarters_with_one": "1 quarter",
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
        "gap": "Gap",
        "met": "Standard met",
        "well_above": "Well above standard",
        "below_town": "Below the town median",
        "town_average": "Around the town median",
        "above_town": "Above the town median",
        "not_assessed": "not assessed",
        "status_class": "Status class",
        "dynamics_class": "Dynamics class",
        "combined_class": "Combined index",
        "basis_area": "Study area",
        "basis_area_lead": "The study area comprises {quarters:quarter|quarters} with {area} km² "
                           "and {residents} residents. Coordinate reference system: {crs}.",
        "basis_map": "Map of quarters and services (interactive)",
        "basis_map_note": "Layers can be switched on and off at the top right. Without an "
                          "internet connection only the background map is missing.",
        "overview_map": "Overview: gaps against standards per quarter",
        "overview_map_legend": "Categories with a gap",
        "overview_map_print": "The interactive map is in the screen version of the report "
                              "(index.html).",
        "basis_sources": "Data sources",
        "source": "Source",
        "file": "File",
        "as_of": "As of",
        "rows": "Records",
        "licence": "Licences and attribution",
        "basis_methods": "Methods",
        "methods_lead_network": "Distances are measured from the centre of a populated 100 m "
                                "cell to the facility, per category as a straight line or as a "
                                "walk (see distance model). Every figure in the report follows "
                                "one of the formulas below.",
        "distance_model_network": "Distance model walking for {categories}: shortest path on "
                                  "the footpath network of the OpenStreetMap extract {source} "
                                  "(ways pedestrians may use; largest connected network only). "
                                  "Cell and facility are joined to the nearest network node by "
                                  "a straight leg. Standards in minutes assume {speed} km/h "
                                  "({metres} m per minute).",
        "distance_model_straight": "Distance model straight line for {categories}.",
        "distance_compare_title": "Straight line and walk: {category}",
        "distance_compare_lead": "Where the walk is much longer than the straight line "
                                 "(rivers, railways, main roads, dead ends), fewer people reach "
                                 "the nearest service. The quarters where access drops most:",
        "distance_compare_straight": "reached (straight line)",
        "distance_compare_network": "reached (walk)",
        "distance_compare_drop": "drop (percentage points)",
        "catchment_layer": "Walking catchment: {category} ({distance})",
        "catchment_layer_part": "Walking catchment: {category} ({distance}; {shown} of "
                                "{total} facilities)",
        "methods_lead": "All distances are straight lines between the centre of a populated "
                        "100 m cell and the facility. Every figure of the report follows one of "
                        "these formulas.",
        "population_method_grid": "Where people live comes from the population grid itself: "
                                  "each 100 m cell carries its counted residents. Limits: the "
                                  "grid is as of its reference date; suppressed age groups are "
                                  "estimated from the shares of neighbouring cells.",
        "population_method_grid_calibrated": "Where people live comes from the population "
                                             "grid, how many from the newer population table: "
                                             "its figures per quarter and age group are shared "
                                             "among the grid's cells in proportion to the grid. "
                                             "Limits: people who moved into a new residential "
                                             "area since the grid's reference date are counted "
                                             "in the quarter's older cells.",
        "population_method_uniform": "Only totals per quarter are available. They are spread "
                                     "evenly over the whole area of each quarter, including "
                                     "forest, water, parks and commercial land. Limits: in "
                                     "quarters with large uninhabited areas distances appear "
                                     "too long and coverage too low.",
        "population_method_residential": "Only totals per quarter are available. They are "
                                         "spread onto the 100 m cells in proportion to their "
                                         "residential area ({sources}); cells without "
                                         "residential area stay empty. Limits: the density is "
                                         "the same everywhere within residential land.",
        "population_method_residential_weighted": "Only totals per quarter are available. They "
                                                  "are spread onto the 100 m cells in "
                                                  "proportion to the weights of the residential "
                                                  "areas ({sources}); each area passes its "
                                                  "weight to the cells by its share of area. "
                                                  "Limits: the density is the same everywhere "
                                                  "within one area.",
        "population_method_uninhabited": "Only totals per quarter are available. They are "
                                         "spread evenly over each quarter's area without the "
                                         "land where nobody lives ({sources}, such as forest "
                                         "and water); remainders under 100 m² in a cell do not "
                                         "count. Limits: land the layer does not know as "
                                         "uninhabited (commercial, railway or park land where "
                                         "missing) still receives residents, and the density "
                                         "is the same everywhere on the remaining land.",
        "population_method_evenly": "In {n:quarter|quarters} no residential land was left; there "
                                    "the residents are spread evenly over the whole area: "
                                    "{quarters}.",
        "indicator": "Indicator",
        "formula": "Formula",
        "unit": "Unit",
        "assessment": "Assessment",
        "assessment_kinds": [
            "Against a standard: where a sourced standard exists (table below), the result is "
            "“Gap”, “Standard met” or “Well above standard”. The "
            "size of a gap is given in people or places: for distance standards the people of "
            "the reference group living farther than the standard distance from the nearest "
            "service; for rate and demand standards the places (or doctors) missing to reach "
            "the standard. Demand standards are derived from the population (e.g. Kita demand "
            "from children under 3 and from 3 to school age times published demand rates). A "
            "combined distance standard is met where any of the named kinds of service lies "
            "within its own distance: a public transport stop is reached with a bus or tram "
            "stop or with a rail station (suburban, underground or regional rail) within the "
            "standard distance (table below); only people reaching neither are a gap. Bus and "
            "tram stops alone are therefore only compared with the town median – someone "
            "living at an S- or U-Bahn station has no public transport gap for want of a bus.",
            "Relative to the town: where no standard exists, the quarter is compared with the "
            "median of the quarters: “Below the town median”, “Around the town "
            "median” or “Above the town median” (own, neutral colours). This is "
            "not a shortage against a standard and is never called a gap; the reference is "
            "named “median of the quarters”, not standard, and it moves when other "
            "quarters change.",
            "Resource: a quarter is a resource for a category when services located in it have "
            "more capacity than the quarter needs – they serve neighbouring quarters too. A "
            "quarter without a service of its own is never a resource; where access from "
            "neighbouring quarters suffices it reads “Well served from neighbouring "
            "quarters”.",
            "Quarters with fewer than {min_population} residents, without a reference "
            "population or with mostly non-residential land are not assessed.",
        ],
        "ranking_title": "Ranking of the need for action",
        "ranking_rule": "Every gap is measured in people of the reference group: for distance "
                        "standards the people without a service within the standard distance; "
                        "for demand standards the missing places (one place meets the demand of "
                        "one person); for standards per 1,000 the people the missing places "
                        "would serve at the standard (missing places · 1,000 / standard, at "
                        "most the reference population). Per quarter the largest of these needs "
                        "counts in each action field (someone with neither a supermarket nor a "
                        "public transport stop nearby counts once); the fields are added up "
                        "(someone lacking services "
                        "of two fields counts twice; this sum is called cases of unmet need "
                        "and can exceed the residents) and weighted by social status: factor 1 "
                        "for status high or medium or without a "
                        "social index, 1.5 for low, 2 for very low. Quarters where gaps meet a "
                        "low or very low social status come first, then the other quarters "
                        "with gaps, each by this weighted need, largest first; the table also "
                        "shows the unweighted figure. Without a social index only the need "
                        "counts. Comparisons with the town median do not count, nor do gaps "
                        "against standards set for an area larger than a quarter: GP seats are "
                        "planned per Mittelbereich (the planning area of the G-BA guideline), "
                        "which spans many quarters; the GP judgement is shown with its standard "
                        "in the tables, but missing GPs in one quarter are not that quarter's "
                        "need. Quarters with "
                        "fewer than {min_population} residents or mostly non-residential land "
                        "are listed apart.",
        "standards": "Standards",
        "target": "Standard",
        "reference_group": "Reference group",
        "binding": "binding",
        "yes": "yes",
        "no": "no",
        "per_1000": "{value} per 1,000",
        "within_m": "at most {value} m",
        "within_by_group": "at most (m per age group): {values}",
        "within_combined": "any of them within: {values}",
        "demand_target": "demand per person of the age group: {rates}",
        "year": "Year",
        "reference": "Compared with",
        "median_basis": "median of the quarters",
        "field_lead": "{n:category|categories} with services in the study area: {standard} "
                      "against a standard ({gaps} gaps), {town} without a standard compared with "
                      "the median of the quarters ({below} × below the town median); {resources} "
                      "resources.",
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
        "social_map": "Status classes {year}",
        "profiles_lead": "Per quarter: population, age structure, services per action field "
                         "– with a traffic light where a standard applies and compared with the "
                         "median of the quarters where none does – and its place in the town.",
        "profiles_pages": "Because of the number of quarters each profile is on a page of its "
                          "own in the same folder.",
        "profile_position": "Place in the town",
        # quarter profiles: working parts and finding a quarter
        "profile_map": "Map of the quarter",
        "profile_map_title": "Map: {name} with neighbouring quarters and services",
        "profile_map_legend": "Points: services by action field",
        "profile_facilities": "Services in the quarter",
        "profile_facilities_none": "No recorded service lies in the quarter.",
        "facility_name": "Name",
        "profile_partners": "Network partners in the quarter",
        "profile_partners_none": "No partner names this quarter.",
        "profile_partners_town": "In addition, {n:partner works|partners work} town-wide (network "
                                 "chapter).",
        "organisation": "Organisation",
        "partner_type": "Type",
        "fields": "Action fields",
        "profile_measures": "Measures in the quarter",
        "profile_measures_none": "No measure is recorded for this quarter.",
        "measure_title": "Measure",
        "measure_status": "Status",
        "budget_planned": "Budget planned",
        "budget_spent": "spent",
        "period": "Period",
        "profile_housing": "Housing",
        "profile_housing_median": "Median of the quarters",
        "profile_social": "Social indicators",
        "profile_social_change": "Change",
        "points": "percentage points",
        "share_percent": "share, %",
        "profile_concerns": "Residents' concerns by topic",
        "profile_concerns_total": "Concerns in total: {n}",
        "profile_concerns_none": "No concerns from this quarter.",
        "topic": "Topic (action field)",
        "count_concerns": "Concerns",
        "profile_judgements": "Assessment of the services",
        "search_label": "Find a quarter (name or number)",
        "search_placeholder": "e.g. name or number",
        "search_none": "No quarter found.",
        "search_count": "{n:quarter|quarters}",
        "quarter_list": "All quarters",
        "district_named": "{name} ({key})",
        "district_key": "District {key}",
        "prev_quarter": "Previous quarter",
        "next_quarter": "Next quarter",
        "profile_nav": "Browse the quarter profiles",
        "map_profile_link": "Open the quarter profile",
        "col_wohnungen": "Dwellings",
        "col_sozialwohnungen": "Social housing dwellings",
        "col_barrierefreie_wohnungen": "Barrier-free dwellings",
        "col_betreutes_wohnen_plaetze": "Assisted living places",
        "col_durchschnittsmiete_qm": "Average rent (€ per m²)",
        "col_leerstandsquote": "Vacancy rate (%)",
        "col_einwohner": "Residents",
        "col_arbeitslose_anteil": "Unemployed (%)",
        "col_sgb2_anteil": "Receiving basic income support, SGB II (%)",
        "col_sgb2_unter15_anteil": "Children under 15 receiving SGB II (%)",
        "col_grundsicherung_65plus_anteil": "Basic income support in old age, 65+ (%)",
        "col_alleinerziehende_anteil": "Single-parent households (%)",
        "col_migrationshintergrund_anteil": "With a migration background (%)",
        "rank_residents": "rank {rank} of {n} by residents",
        "gaps_in_quarter": "Against standards: {gaps:gap|gaps} among "
                           "{standard:category|categories}; without a standard: {below} × "
                           "below the town median among {town:category|categories}; "
                           "{resources:resource|resources} (town: {mean_gaps} gaps per "
                           "quarter on average)",
        "rank_need": "Need for action: rank {rank} of {n} ({people:case|cases} of unmet need)",
        "check_location": "Check where residents live",
        "check_location_note": "{share} of the residents are placed on land with no facility of "
                               "any kind within {radius} m – such as parks or allotments that "
                               "the land-cover data do not know as uninhabited; check on the "
                               "map before deciding.",
        "finding_check_location": "Check where residents live – {name}: {note}",
        "remote_method": "Plausibility check “Check where residents live”: per quarter, the "
                         "share of residents that the model places in 100 m cells with no "
                         "facility of any category within {radius} m (straight line from the "
                         "cell centre) – stops and facilities beyond the boundary included. "
                         "Where people live there is almost always some facility that close. A "
                         "high share usually means that residents were spread over parks, "
                         "cemeteries, allotments or forest that the land-cover data do not know "
                         "as uninhabited; their unmet need is then an artefact of the model. A "
                         "quarter above {flag} is marked ({n:quarter|quarters}; citywide {share} "
                         "of the residents). The ranking stays by need: nobody is silently "
                         "left out; the location is to be checked on the map.",
        "rank_apart": "Need for action: not ranked ({reason})",
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
        "data_notes_german": "The notes of the data check are given in German, as "
                             "quartier validate writes them.",
        "status_index_col": "Status index",
        "dynamics_index_col": "Dynamics index",
        "outside": "{n:facility lies|facilities lie} outside every quarter; they count in no "
                   "quarter but enter distances and catchments.",
        "outside_none": "All {n} facilities lie in a quarter; none lies outside.",
        "reconcile_title": "Reconciliation of the facility data",
        "reconcile_lead": "Every facility read is counted exactly once: in a quarter or "
                          "outside every quarter. Places are the sum of the capacities given.",
        "reconcile_facilities": "Facilities",
        "reconcile_inside": "in quarters",
        "reconcile_outside": "outside",
        "reconcile_capacity": "Places in total",
        "reconcile_capacity_inside": "Places in quarters",
        "reconcile_total": "Total",
        "no_data": "–",
        # sources table, interactive map layers, words the chapter builders join
        "source_quarters": "Quarter boundaries",
        "source_population_grid": "Population (grid)",
        "source_population_quarters": "Population per quarter",
        "source_housing": "Housing",
        "source_actors": "Actors",
        "source_measures": "Measures",
        "source_social": "Social indicators",
        "facility_id": "ID",
        "area_km2": "Area (km²)",
        "map_title": "Interactive map {study}",
        "map_layer_density": "Residents per km²",
        "map_layer_gaps": "Gaps against standards: {field}",
        "need_within_standard_distance": "within the standard distance",
        "register_operator": "operator",
        "register_actors": "actor list",
        "concern_status_open": "open",
        "concern_status_in_progress": "in progress",
        "concern_status_passed_on": "passed on",
        "concern_status_done": "done",
        "half_year": "{year} (H{half})",
    },
}


# Texts where a number meets a noun carry {n:singular|plural} (quartier.format.CountedText):
# every caller's text["key"].format(n=…) then reads "1 Lücke", "2 Lücken".
for _language, _texts in TEXTS.items():
    for _key, _value in _texts.items():
        if isinstance(_value, str):
            _texts[_key] = counted_text(_value, _language)


def texts(language: str) -> dict:
    """The fixed texts of one language (``de`` or ``en``)."""
    return TEXTS[language]
