"""All fixed texts of the report live in quartier.report.texts, in German and English alike.

Checks: both languages have exactly the same keys, the same ``{placeholders}`` per key (and the
same number of paragraphs where a text is a list); every key the templates and the chapter
builders ask for exists; no template holds words of its own and no chapter builder picks
between a German and an English literal.
"""

from __future__ import annotations

import ast
import re
import string
from importlib.resources import files
from pathlib import Path

import pytest

from quartier.report.texts import TEXTS

REPORT = Path(str(files("quartier").joinpath("report")))
TEMPLATES = sorted((REPORT / "templates").glob("*.html"))
BUILDERS = sorted(p for p in REPORT.glob("*.py") if p.name != "texts.py")


def _placeholders(value: str | list[str]) -> list[set[str]]:
    """The field names of each paragraph (``{n:Lücke|Lücken}`` counts as ``n``)."""
    paragraphs = value if isinstance(value, list) else [value]
    return [{name for _, name, _, _ in string.Formatter().parse(p) if name is not None}
            for p in paragraphs]


def test_both_languages_have_the_same_keys():
    assert set(TEXTS) == {"de", "en"}
    assert sorted(set(TEXTS["de"]) - set(TEXTS["en"])) == []
    assert sorted(set(TEXTS["en"]) - set(TEXTS["de"])) == []


@pytest.mark.parametrize("key", sorted(TEXTS["de"]))
def test_both_languages_have_the_same_placeholders(key):
    german, english = TEXTS["de"][key], TEXTS["en"].get(key)
    assert english is not None, key
    assert isinstance(german, list) == isinstance(english, list), key
    if isinstance(german, list):  # paragraphs: the same number, each with the same fields
        assert len(german) == len(english), key
    assert _placeholders(german) == _placeholders(english), key


def test_placeholder_check_catches_a_missing_field():
    """The comparison above can fail: a field lost in translation is seen."""
    assert _placeholders("{n:Lücke|Lücken} in {quarter}") == [{"n", "quarter"}]
    assert _placeholders("{n:gap|gaps}") != _placeholders("{n:Lücke|Lücken} in {quarter}")


def _template_keys(source: str) -> set[str]:
    source = re.sub(r"<script\b.*?</script>", " ", source, flags=re.S)
    return (set(re.findall(r"\btext\.([a-z_][a-z0-9_]*)", source))
            | set(re.findall(r"\btext\[[\"']([a-z_][a-z0-9_]*)[\"']\]", source)))


def test_every_text_the_templates_use_exists():
    used = {(path.name, key) for path in TEMPLATES
            for key in _template_keys(path.read_text(encoding="utf-8"))}
    methods = {"format", "get", "items", "keys", "values"}
    assert used, "no text found in the templates: the pattern is wrong"
    missing = sorted((name, key) for name, key in used
                     if key not in TEXTS["de"] and key not in methods)
    assert missing == []


def test_every_text_the_chapter_builders_use_exists():
    used = set()
    for path in BUILDERS:
        source = path.read_text(encoding="utf-8")
        used |= {(path.name, key) for key in re.findall(
            r"\btext\[[\"']([a-z_][a-z0-9_]*)[\"']\]", source)}
        used |= {(path.name, key) for key in re.findall(
            r"\btexts\([a-z_.]+\)\[[\"']([a-z_][a-z0-9_]*)[\"']\]", source)}
    assert len(used) > 50, "too few texts found: the pattern is wrong"
    assert sorted((name, key) for name, key in used if key not in TEXTS["de"]) == []


def _words_outside_markup(source: str) -> list[str]:
    """Text of a template that is neither markup, a Jinja expression or statement, a
    comment, nor script/style: what a reader would see as written in the template."""
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
    source = re.sub(r"<[^>]*>", " ", source, flags=re.S)
    return re.findall(r"[A-Za-zÄÖÜäöüß]{2,}", source)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_words_of_their_own(path):
    assert _words_outside_markup(path.read_text(encoding="utf-8")) == []


def test_template_check_sees_a_written_word():
    assert _words_outside_markup('<th scope="col">Name</th><td>{{ text.id }}</td>') == ["Name"]
    assert _words_outside_markup("<script>var a = 'Name';</script>{# Name #}") == []


def _language_choices(tree: ast.AST) -> list[int]:
    """Lines of ``"…" if language == "de" else "…"`` (a text chosen by language in code)."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.IfExp) or not isinstance(node.test, ast.Compare):
            continue
        compared = [node.test.left, *node.test.comparators]
        by_language = any(isinstance(c, ast.Constant) and c.value in ("de", "en")
                          for c in compared)
        texts = [b for b in (node.body, node.orelse)
                 if isinstance(b, ast.Constant) and isinstance(b.value, str)
                 and re.search(r"[A-Za-zÄÖÜäöüß]{2,}", b.value)]
        if by_language and len(texts) == 2 and node.body.value not in ("de", "en"):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", BUILDERS, ids=lambda p: p.name)
def test_chapter_builders_take_texts_from_the_table(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _language_choices(tree) == []


def test_language_choice_check_sees_an_inline_pair():
    tree = ast.parse('label = "Karte" if language == "de" else "Map"\n'
                     'key = "de" if language == "de" else "en"\n')
    assert _language_choices(tree) == [1]


@pytest.mark.parametrize(("language", "one", "many"), [
    ("de", "1 Einrichtung ist neu, 0 geschlossen, 1 Bewertung hat sich geändert.",
     "2 Einrichtungen sind neu, 0 geschlossen, 1.234 Bewertungen haben sich geändert."),
    ("en", "1 facility opened, 0 closed, 1 assessment changed.",
     "2 facilities opened, 0 closed, 1.234 assessments changed.")])
def test_change_lead_counts_in_singular_and_plural(language, one, many):
    lead = TEXTS[language]["changes_lead"]
    assert lead.format(previous="2024", opened="1", closed="0", transitions="1").endswith(one)
    assert lead.format(previous="2024", opened="2", closed="0",
                       transitions="1.234").endswith(many)
