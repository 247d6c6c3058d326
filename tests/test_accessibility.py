"""Accessibility of the report beyond the sample's page: axe-core on Berlin's report page, on a
Berlin quarter profile and on the interactive map's own document (sample and Berlin).

axe-core runs in Debian's chromium through ``tests/browser/report_check.cjs`` (see
``tests/test_report_print.py``, whose ``browser_tools`` fixture installs axe-core and
puppeteer-core). Report pages are checked with the WCAG 2.1 A/AA rules; the map document and
the profile page also with axe's best practices (landmarks, one main region, a level-one
heading, every control inside a landmark), where the map must be clean. Without chromium,
node or the tools, or without the Berlin data, the tests are skipped.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT, requires_berlin
from test_report_print import CHROMIUM, NODE, browser_tools  # noqa: F401 (fixture)

from quartier.report.build import render_report

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WITH_BEST_PRACTICE = [*WCAG, "best-practice"]


def _axe(page: Path, tools: Path, folder: Path, *, tags: list[str],
         contrast_in: list[str]) -> list[dict]:
    """axe-core's violations on ``page`` and its frames (one browser session)."""
    job = folder / f"{page.stem}.job.json"
    job.write_text(json.dumps({"url": page.as_uri(), "chromium": CHROMIUM,
                               "axe": {"contrast_in": contrast_in, "tags": tags}}),
                   encoding="utf-8")
    done = subprocess.run([NODE, str(PROJECT / "tests" / "browser" / "report_check.cjs"),
                           str(tools), str(job)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)["axe"]


def _serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _map_document(page_html: str) -> str:
    """The interactive map's document: the ``srcdoc`` of the report page's iframe."""
    return html.unescape(re.search(r'<iframe[^>]*srcdoc="([^"]*)"', page_html).group(1))


@pytest.fixture(scope="module")
def sample_page(sample, tmp_path_factory) -> Path:
    """The sample report's page (without static maps), written to a file."""
    study, results = sample
    page = tmp_path_factory.mktemp("a11y_sample") / "index.html"
    page.write_text(render_report(study, results, maps=False)["index.html"], encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def sample_map(sample_page) -> Path:
    """The sample report's interactive map document, written to a file."""
    page = sample_page.with_name("karte.html")
    page.write_text(_map_document(sample_page.read_text(encoding="utf-8")), encoding="utf-8")
    return page


def test_map_document_has_one_named_main_landmark_and_headings(sample_map):
    """Without a browser: the map's container is the named main landmark (so the focusable
    map has a name and every control sits in a landmark), the title is the level-one heading
    and legend headings follow as level two."""
    document = sample_map.read_text(encoding="utf-8")
    assert 'box.setAttribute("role", "main")' in document
    assert 'box.setAttribute("aria-label", heading ? heading.textContent : texts.map)' in document
    assert 'L.DomUtil.create("h1", "quartier-box quartier-title")' in document
    # legends are JSON in the script, "<" written as \u003c
    legend_headings = re.findall(r"\\u003c(h\d)\\u003e", document)
    assert legend_headings and set(legend_headings) == {"h2"}


def test_sample_map_document_passes_axe_with_best_practices(sample_map, browser_tools):
    violations = _axe(sample_map, browser_tools, sample_map.parent, tags=WITH_BEST_PRACTICE,
                      contrast_in=["body"])
    assert violations == []


def test_sample_page_passes_axe_best_practices(sample_page, browser_tools):
    """Landmarks, unique landmark names (each table's scroll region is named with its
    section), heading order: axe's best practices find nothing (the WCAG rules and colour
    contrast run in test_report_print)."""
    violations = _axe(sample_page, browser_tools, sample_page.parent, tags=["best-practice"],
                      contrast_in=["header"])
    assert violations == []


@pytest.fixture(scope="module")
def berlin_pages(tmp_path_factory, berlin_sample) -> dict[str, Path]:
    """Berlin's report page, two quarter profiles and the map document, rendered once (no
    export files) into a temporary folder from the session's Berlin results."""
    study, results = berlin_sample
    pages = render_report(study, results, maps=False)  # images: the sample's print test
    folder = tmp_path_factory.mktemp("a11y_berlin")
    profiles = sorted(name for name in pages if name.startswith("quartiere/"))
    chosen = {"index": "index.html", "profile": profiles[0], "profile_last": profiles[-1]}
    written = {}
    for key, name in chosen.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pages[name], encoding="utf-8")
        written[key] = path
    written["map"] = folder / "karte.html"
    written["map"].write_text(_map_document(pages["index.html"]), encoding="utf-8")
    return written


@requires_berlin
def test_berlin_report_page_has_no_serious_axe_violation(berlin_pages, browser_tools):
    # colour contrast, by far the slowest rule, on the first screen only: Berlin's field tables
    # have 542 rows, and the sample's print test checks every kind of badge and table
    violations = _axe(berlin_pages["index"], browser_tools, berlin_pages["index"].parent,
                      tags=WCAG, contrast_in=["header", "nav.toc", "#zusammenfassung", "footer"])
    assert _serious(violations) == [], violations


@requires_berlin
@pytest.mark.parametrize("which", ["profile", "profile_last"])
def test_berlin_profile_page_passes_axe(berlin_pages, browser_tools, which):
    page = berlin_pages[which]
    violations = _axe(page, browser_tools, page.parent, tags=WITH_BEST_PRACTICE,
                      contrast_in=["body"])
    assert _serious(violations) == [], violations
    # the back link sits in a navigation landmark: nothing outside a landmark
    assert [v for v in violations if v["id"] in ("region", "landmark-one-main")] == []


@requires_berlin
def test_berlin_map_document_passes_axe_with_best_practices(berlin_pages, browser_tools):
    violations = _axe(berlin_pages["map"], browser_tools, berlin_pages["map"].parent,
                      tags=WITH_BEST_PRACTICE, contrast_in=["body"])
    assert violations == []
