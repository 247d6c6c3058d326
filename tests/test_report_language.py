"""The report's language: German grammar and plain words, an English report without German.

The sample report is rendered once per language for this module (without static maps, whose
text is drawn into images).
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from quartier.format import CountedText, counted, plural
from quartier.indicators.registry import SOCIAL_CLASSES, social_class_label
from quartier.report.build import render_report
from quartier.report.texts import TEXTS

#: German words and class names that must not appear in the English report's visible text
#: (matched as whole words, case-sensitive for nouns, so the English "die" in "to die" would
#: count, too: the report has no such sentence).
GERMAN_WORDS = (
    "und", "der", "die", "das", "des", "dem", "den", "ein", "eine", "nicht", "mit", "von",
    "für", "im", "je", "ist", "sind", "oder", "auf", "aus", "bei", "nach", "über", "unter",
    "Quartier", "Quartiere", "Quartieren", "Lücke", "Lücken", "erfüllt", "Stadtmittel",
    "Richtwert", "Einrichtung", "Einrichtungen", "Bewertung", "Einwohner", "Handlungsfeld",
    "Kategorie", "Maßnahme", "Maßnahmen", "Anliegen", "Ressource", "Ressourcen", "Ausgabe",
    "hoch", "mittel", "niedrig", "sehr", "positiv", "stabil", "negativ", "geplant", "laufend",
    "abgeschlossen", "abgebrochen", "gut", "versorgt", "Nachbarquartiere", "Randlage",
    "Träger", "Verein", "Statusindex", "Dynamikindex", "Gesamtklasse", "Zusammenfassung",
)

#: Allowed in the English report: text taken from the study's own data, which the report
#: shows as it was given: names of quarters, facilities, operators, addresses, partners and
#: their type, measure titles and concern topics, the attribution lines, the catalogue's
#: German source citations of the standards, the labels and files of the data sources, and
#: the data check's messages, which quartier writes in German and the report marks with
#: lang="de". Everything else must be English.
def _data_texts(study) -> set[str]:
    texts: set[str] = set(study.config.attribution)
    columns = {"quarters": ("name",), "facilities": ("name", "operator", "address", "source",
                                                      "target_group"),
               "actors": ("name", "type"), "measures": ("title", "target"),
               "concerns": ("topic",)}
    for attribute, names in columns.items():
        table = getattr(study, attribute)
        if table is None:
            continue
        for name in names:
            if name in table.columns:
                texts |= {str(v) for v in table[name].dropna()}
    texts |= {str(v) for v in study.catalogue["standard_source"].dropna()}
    return {t.strip() for t in texts if t and t.strip()}


class VisibleText(HTMLParser):
    """Text nodes a reader sees: no script or style, nothing inside an element marked German."""

    SKIP = {"script", "style", "template"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area"}

    def __init__(self, skip_german: bool) -> None:
        super().__init__()
        self.skip_german = skip_german
        self.nodes: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        german = self.skip_german and tag != "html" and attrs.get("lang") == "de"
        self._stack.append((tag, tag in self.SKIP or german))

    def handle_endtag(self, tag):
        for position in range(len(self._stack) - 1, -1, -1):
            if self._stack[position][0] == tag:
                del self._stack[position:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.nodes.append(data.strip())


@pytest.fixture(scope="module")
def reports(sample):
    study, results = sample
    pages = {}
    for language in ("de", "en"):
        own = replace(study, config=replace(study.config, language=language))
        pages[language] = render_report(own, results, maps=False, interactive=False)
    return study, pages


def _visible(html: str, skip_german: bool = False) -> list[str]:
    parser = VisibleText(skip_german)
    parser.feed(html)
    return parser.nodes


def test_plural_forms():
    assert plural(1, "Lücke", "Lücken") == "Lücke"
    assert [plural(n, "Lücke", "Lücken") for n in (0, 2, 1.5, "1.234")] == ["Lücken"] * 4
    assert plural("1", "gap", "gaps", "en") == "gap"
    assert counted(1, "Quartier", "Quartiere") == "1 Quartier"
    assert counted(2500, "Quartier", "Quartiere") == "2.500 Quartiere"
    assert counted(2500, "quarter", "quarters", "en") == "2,500 quarters"
    with pytest.raises(ValueError):
        plural(1, "a", "b", "fr")


def test_counted_text_formats_numbers_with_the_matching_noun():
    text = CountedText("{gaps:Lücke|Lücken} in {n:Quartier|Quartieren}, Rang {rank}", "de")
    assert text.format(gaps="1", n="3", rank=2) == "1 Lücke in 3 Quartieren, Rang 2"
    assert text.format(gaps="0", n="1", rank=1) == "0 Lücken in 1 Quartier, Rang 1"
    # the texts of the report hold such fields in both languages; formatting one with the
    # count 1 never leaves a plural behind
    assert TEXTS["de"]["outside"].format(n="1").startswith("1 Einrichtung liegt ")
    assert TEXTS["en"]["outside"].format(n="1").startswith("1 facility lies ")
    assert TEXTS["de"]["quarters_with"].format(n="2") == "2 Quartiere"


def test_social_classes_in_both_languages():
    assert social_class_label("sehr niedrig", "en") == "very low"
    assert social_class_label("mittel", "de") == "mittel"
    assert social_class_label(float("nan"), "en") == "–"
    english = [labels[1] for labels in SOCIAL_CLASSES.values()]
    assert len(set(english)) == len(english) == 7


def test_german_report_has_plain_words_and_agreeing_counts(reports):
    _, pages = reports
    text = "\n".join(_visible(pages["de"]["index.html"]))
    for code in ("Σ_{", "ddof", "Bevölkerungsoberfläche", "_{", "Bewohnerinnen und Bewohner"):
        assert code not in text, code
    # a count of one never meets a plural noun of the report's own texts
    singular_plural = re.findall(r"(?<![\d.,])1 (Lücken|Quartieren|Quartiere|Einrichtungen|"
                                 r"Kategorien|Ressourcen|Maßnahmen|Personen)\b", text)
    assert singular_plural == []
    assert "davon 0" not in text
    # 2SFCA is explained in words where the methods name it
    first = text.index("2SFCA")
    assert "verteilt die Plätze jeder Einrichtung" in text[first:first + 400]
    assert "Einwohner*innen" in text


def test_contents_numbers_chapters_once(reports):
    _, pages = reports
    html = pages["de"]["index.html"]
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    assert "<li><a href=\"#grundlagen\">2 Grundlagen</a></li>" in toc
    css = html[html.index("<style"):html.index("</style>")]
    assert re.search(r"nav\.toc ol \{[^}]*list-style: none", css)


def test_english_report_has_no_german(reports):
    study, pages = reports
    allowed = sorted(_data_texts(study), key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, GERMAN_WORDS)) + r")\b")
    found: dict[str, str] = {}
    for name, html in pages["en"].items():
        assert html.count('lang="de"') <= 1 + html.count("<li lang=\"de\">")
        for node in _visible(html, skip_german=True):
            for data in allowed:  # longest first, so a name inside a longer one goes too
                if data in node:
                    node = node.replace(data, " ")
            for match in pattern.finditer(node):
                found.setdefault(match.group(1), f"{name}: {node[:160]}")
    assert found == {}


def test_english_report_shows_english_classes(reports):
    _, pages = reports
    text = "\n".join(_visible(pages["en"]["index.html"], skip_german=True))
    assert re.search(r"\b(medium|low|very low|high)\b", text)
    assert re.search(r"\b(stable|positive|negative)\b", text)
    assert "Status index" in text and "Dynamics index" in text
