"""The sample report (2024 → 2025) printed, on a phone, at 1280 px and checked by axe-core.

A real browser does the work: Debian's ``chromium`` prints the report to PDF the way a reader's
"save as PDF" does (``--print-to-pdf``), and ``tests/browser/report_check.cjs`` drives it through
puppeteer-core to run axe-core, to measure every table under print media at the printable
width of A4 and to take screenshots. node, npm and chromium come from the system
(``.ci/run`` installs chromium); ``scripts/browser-tools.sh`` installs axe-core and
puppeteer-core into a cache folder outside the repository. Without them the tests are skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE

import quartier
from quartier.editions.compare import compare_with_stored
from quartier.editions.history import load_history
from quartier.editions.store import store_edition
from quartier.report.build import build_report
from quartier.report.texts import texts

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
PDFTOTEXT = shutil.which("pdftotext")  # poppler-utils: finds blank printed pages
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(.ci/run installs the Debian package 'chromium')")

# Printable width of A4 inside the @page margins of style.css (12 mm left and right), in CSS
# pixels (96 per inch): portrait 186 mm, landscape 273 mm.
MM = 96 / 25.4
PORTRAIT_PX, LANDSCAPE_PX = round(186 * MM), round(273 * MM)
# Measured 2025 sample, both editions stored: 81 A4 pages (7 profiles of about 6 pages each;
# chapters and field sections each start a page). Before: 49 Letter pages with tables cut.
MOST_PAGES = 100


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The sample's 2025 report with the 2024 edition stored before it (changes chapter)."""
    folder = tmp_path_factory.mktemp("print")
    store = folder / "musterstadt.editions.sqlite"
    earlier = quartier.load_study(SAMPLE / "quartier.toml", edition="2024")
    store_edition(store, earlier, quartier.compute(earlier))
    study = quartier.load_study(SAMPLE / "quartier.toml", edition="2025")
    results = quartier.compute(study)
    history = load_history(store, study, results)
    return build_report(study, results, output=folder / "2025", exports=False,
                        comparison=compare_with_stored(store, study, results, history),
                        history=history)


@pytest.fixture(scope="module")
def browser_tools() -> Path:
    """axe-core and puppeteer-core installed by scripts/browser-tools.sh (cached)."""
    if CHROMIUM is None or NODE is None or shutil.which("npm") is None:
        pytest.skip("chromium, node or npm is missing: install chromium, nodejs and npm")
    try:
        done = subprocess.run(["bash", str(ROOT / "scripts" / "browser-tools.sh")],
                              capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        pytest.skip("installing axe-core and puppeteer-core took too long (no network?)")
    if done.returncode != 0:
        pytest.skip("axe-core and puppeteer-core could not be installed (no network?): "
                    + done.stderr.strip()[-300:])
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def checked(report, browser_tools, tmp_path_factory) -> dict:
    """One browser session: axe-core, printed tables, PDF, screenshots (see the .cjs file)."""
    out = tmp_path_factory.mktemp("browser")
    job = {"url": report.as_uri(), "chromium": CHROMIUM,
           "axe": {"contrast_in": ["header", "nav.toc", "#feld-social_infrastructure",
                                   "#feld-health_care", "section.profile",
                                   "section[aria-labelledby=veraenderungen]",
                                   "section[aria-labelledby=massnahmen]", "footer"]},
           "pdf": {"portrait": PORTRAIT_PX, "landscape": LANDSCAPE_PX},
           "screenshots": [
               {"width": 1280, "height": 900, "path": str(out / "w1280.png"),
                "at": ["#feld-social_infrastructure"],
                "sticky": "#feld-social_infrastructure .scroll"},
               {"width": 390, "height": 844, "path": str(out / "w390.png"),
                "at": ["#zusammenfassung", "section.profile"]}]}
    (out / "job.json").write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([NODE, str(ROOT / "tests" / "browser" / "report_check.cjs"),
                           str(browser_tools), str(out / "job.json")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return {"folder": out, **json.loads(done.stdout)}


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@needs_chromium
def test_printed_report_is_a4_with_a_page_ceiling(report, tmp_path):
    pdf = tmp_path / "report.pdf"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    data = pdf.read_bytes()
    pages = _pdf_pages(data)
    # every chapter starts a page: at least one page per chapter and per quarter profile
    assert 9 + 7 <= pages <= MOST_PAGES, pages
    # A4 portrait 595 × 842 pt and, for the field chapter, A4 landscape
    boxes = {tuple(round(float(v)) for v in box.split()[2:])
             for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", data)
             for box in [box.decode()]}
    assert (595, 842) in boxes and (842, 595) in boxes, boxes
    assert (612, 792) not in boxes  # no Letter page
    if PDFTOTEXT is not None:  # a page holding nothing but its number is printed blank
        words = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True,
                               timeout=120).stdout.split("\f")[:pages]
        blank = [n for n, page in enumerate(words, 1)
                 if not re.sub(r"\d+\s*/\s*\d+", "", page).strip()]
        assert blank == [], f"blank printed pages {blank} of {pages}"


def test_axe_core_finds_no_serious_or_critical_violation(checked):
    serious = [v for v in checked["axe"] if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1, ensure_ascii=False)


def test_no_printed_table_is_wider_than_the_page(checked):
    assert checked["print_tables"] == [], checked["print_tables"]
    # the interactive map is not printed; the static overview takes its place
    assert checked["print_visible"]["iframes"] == 0
    overview = texts("de")["overview_map"]
    assert checked["print_visible"]["images"].count(overview) == 2  # first page and basis


def test_phone_and_desktop_first_screen(checked):
    phone, desktop = checked["width_390"], checked["width_1280"]
    # at 390 px nothing makes the page scroll sideways (tables scroll in their own box)
    assert phone["scrollWidth"] <= phone["clientWidth"], phone
    assert desktop["scrollWidth"] <= desktop["clientWidth"], desktop
    # the key findings come before the contents on both first screens
    key = texts("de")["key_findings"]
    assert phone["firstScreen"][0] == key and desktop["firstScreen"][0] == key
    for name in ("w1280.png", "w1280-1.png", "w390.png", "w390-1.png", "w390-2.png"):
        assert (checked["folder"] / name).stat().st_size > 10_000, name


def test_wide_table_scrolls_in_its_box_with_header_and_first_column_in_place(checked):
    box = checked["sticky_1280"]
    assert box["overflow"] == "auto auto" and box["maxHeight"] != "none"
    assert box["border"] == "solid"  # the box is visible
    assert box["scrolledX"] > 0 and box["scrolledY"] > 0  # it does scroll both ways
    assert abs(box["rowHeaderLeft"]) <= 1  # the quarter's name stays at the left edge
    assert abs(box["headerTop"]) <= 1  # the header stays at the top
    assert box["boxBottom"] <= box["viewport"] + 1  # sideways scrollbar in view


def test_tables_scroll_in_a_box_and_hidden_header_is_not_drawn(report):
    text = report.read_text(encoding="utf-8")
    field_tables = re.findall(r'<div class="scroll"><table class="field-table"', text)
    assert len(field_tables) >= 5
    # the hidden header of the age bars is drawn nowhere (it used to overlap "Altersgruppe")
    assert '<span class="skip">' not in text


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_badge_has_text_contrast_of_at_least_4_5():
    css = (ROOT / "src" / "quartier" / "report" / "templates" / "style.css").read_text("utf-8")
    rules = re.findall(r"\.badge\.(s-\w+)\s*\{([^}]*)\}", css)
    assert len(rules) >= 7  # three against a standard, three relative to the town, not judged
    for name, body in rules:
        background = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body).group(1)
        text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body).group(1)
        light, dark = sorted([_luminance(background), _luminance(text)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (name, background, text)
    # worked by hand: black on white is 21:1
    assert round((1 + 0.05) / (_luminance("#000") + 0.05), 2) == 21
