"""One minus sign for readers: every negative number in the report is written with U+2212.

The sample's 2025 report with the 2024 edition stored before it (changes chapter, trend
lines) is rendered without static maps; its visible text, the text of its attributes
(``alt``, ``title``, ``aria-label``) and the interactive map's document must not show a
hyphen-minus in front of a digit. The export files keep machine numbers and are not checked.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from test_report_language import _visible

from quartier.editions.compare import compare_with_stored
from quartier.editions.history import load_history
from quartier.editions.store import store_edition
from quartier.format import MINUS, format_number, format_percent
from quartier.report.build import render_report

#: A hyphen-minus used as a sign: not inside a word, a number or a range ("2024-2025",
#: "A-1"), followed by a digit.
HYPHEN_SIGN = re.compile(r"(?<![\w.,/\-–])-\s?\d")
ATTRIBUTE = re.compile(r'\b(?:alt|title|aria-label)="([^"]*)"')


def _hyphen_signs(texts: list[str]) -> list[str]:
    return [text[max(0, m.start() - 50):m.end() + 20]
            for text in texts for m in HYPHEN_SIGN.finditer(text)]


@pytest.fixture(scope="module")
def pages(sample_editions, tmp_path_factory) -> dict[str, str]:
    earlier, earlier_results = sample_editions["2024"]
    study, results = sample_editions["2025"]
    store = tmp_path_factory.mktemp("minus") / "musterstadt.editions.sqlite"
    store_edition(store, earlier, earlier_results)
    history = load_history(store, study, results)
    return render_report(study, results, maps=False,
                         comparison=compare_with_stored(store, study, results, history),
                         history=history)


def test_format_writes_the_minus_sign():
    assert format_number(-1234.5, 1) == f"{MINUS}1.234,5"
    assert format_percent(-2.25, 1, "en") == f"{MINUS}2.2%"
    assert HYPHEN_SIGN.search("Veränderung -0,4 Punkte") and HYPHEN_SIGN.search("(-3)")
    assert not HYPHEN_SIGN.search("2024-2025, Kita-1, 0-5 Jahre, −0,4")


def test_report_shows_no_hyphen_minus_before_a_number(pages):
    found = []
    for name, page in pages.items():
        texts = _visible(page) + [html.unescape(a) for a in ATTRIBUTE.findall(page)]
        found += [f"{name}: {text}" for text in _hyphen_signs(texts)]
    assert found == []
    index = pages["index.html"]
    assert MINUS in "".join(_visible(index))  # the changes chapter does show negative numbers


def test_map_document_shows_no_hyphen_minus_before_a_number(pages):
    srcdoc = html.unescape(re.search(r'<iframe[^>]*srcdoc="([^"]*)"',
                                     pages["index.html"]).group(1))
    # the map's own text (tooltips, legends, values) is JSON in the scripts after Leaflet's
    ours = srcdoc[srcdoc.index("var quartierTexts"):]
    strings = [json.loads(f'"{s}"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', ours)]
    assert len(strings) > 100
    assert _hyphen_signs(strings) == []
