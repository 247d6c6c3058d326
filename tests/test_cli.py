"""The command line: clear messages, exit codes, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from conftest import FACILITIES_CSV

from quartier.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_validate_ok_study(make_study):
    result = run("validate", make_study())
    assert result.exit_code == 0, result.output
    assert "0 Fehler" in result.output and "bereit" in result.output


def test_validate_broken_study_exits_1_with_message(make_study):
    path = make_study(files={"einrichtungen.csv": FACILITIES_CSV.replace(";kita;", ";Kitaa;")})
    result = run("validate", path)
    assert result.exit_code == 1
    assert "unknown_category" in result.output and "'Kitaa'" in result.output
    assert "Traceback" not in result.output


def test_missing_config_is_one_message(tmp_path):
    result = run("validate", tmp_path / "fehlt.toml")
    assert result.exit_code == 1
    assert "gibt es nicht" in result.output and "Traceback" not in result.output


def test_broken_toml_is_one_message(tmp_path):
    path = tmp_path / "quartier.toml"
    path.write_text('[study\nname = "x"\n')
    result = run("validate", path)
    assert result.exit_code == 1 and "config_syntax" in result.output


def test_info_lists_population_per_quarter(make_study):
    result = run("info", make_study())
    assert result.exit_code == 0, result.output
    assert "Altstadt" in result.output and "1.200" in result.output
    assert "2.000" in result.output  # sum of 1,200 and 800


def test_report_writes_html(make_study, tmp_path):
    out = tmp_path / "out"
    result = run("report", make_study(), "--output", out)
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<img" in html and "Altstadt" in html and "Soziale Infrastruktur" in html
    assert "2 Grundlagen" in html and "<iframe" in html
    assert (out / "indikatoren.csv").exists() and any(out.glob("*.xlsx"))


def test_console_script_prints_no_traceback_on_unexpected_error(make_study):
    # a file where the report's parent folder should be makes writing fail unexpectedly
    path = make_study()
    blocker = path.parent / "blocked"
    blocker.write_text("I am a file, not a folder")
    command = [sys.executable, "-m", "quartier.cli", "report", str(path), "--output",
               str(blocker / "bericht")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr + result.stdout
    assert "Fehler:" in result.stderr
    debug = subprocess.run(command[:3] + ["--debug"] + command[3:], capture_output=True,
                           text=True)
    assert "Traceback" in debug.stderr


def test_report_into_a_file_stops_before_anything_is_stored(make_study):
    path = make_study()
    blocker = path.parent / "bericht"
    blocker.write_text("I am a file, not a folder")
    result = run("report", path, "--output", blocker)
    assert result.exit_code == 1, result.output
    assert "kein Ordner" in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not list(path.parent.glob("*.editions.sqlite"))  # nothing stored


def test_indicators_writes_tables(tmp_path):
    from conftest import SAMPLE

    result = run("indicators", SAMPLE / "quartier.toml", "--output", tmp_path)
    assert result.exit_code == 0, result.output
    import pandas as pd

    table = pd.read_csv(tmp_path / "indikatoren.csv", dtype={"quarter_id": str})
    gaps = pd.read_csv(tmp_path / "bewertung.csv", dtype={"quarter_id": str})
    assert set(table["quarter_id"].dropna()) == {f"0{i}" for i in range(1, 8)}
    assert f"{(gaps['status'] == 'gap').sum()} Lücken" in result.output
    assert (tmp_path / "sozialindex.csv").exists()


def test_report_stores_editions_and_never_overwrites_one(tmp_path):
    import hashlib

    from conftest import SAMPLE

    store = tmp_path / "musterstadt.sqlite"
    config = SAMPLE / "quartier.toml"
    first = run("report", config, "--edition", "2024", "--store", store, "--output",
                tmp_path / "r2024")
    assert first.exit_code == 0, first.output
    second = run("report", config, "--store", store, "--output", tmp_path / "r2025")
    assert second.exit_code == 0, second.output
    index = tmp_path / "r2025" / "index.html"
    report_2025 = index.read_text(encoding="utf-8")
    # the 2025 report names the facilities opened and closed since 2024
    assert "Veränderungen seit der letzten Fortschreibung" in report_2025
    assert "Verglichen wird mit der Ausgabe 2024: 7 Einrichtungen sind neu, 6 geschlossen" \
        in report_2025
    assert "Dorfladen St. Ilgenau" in report_2025 and "E0161" in report_2025
    assert "Veränderungen seit 2024" in report_2025  # in the quarter profiles
    assert "Veränderungen seit" not in (tmp_path / "r2024" / "index.html").read_text(
        encoding="utf-8")
    before = (hashlib.sha256(store.read_bytes()).hexdigest(), index.stat().st_mtime_ns)
    again = run("report", config, "--store", store, "--output", tmp_path / "r2025")
    assert again.exit_code == 1 and "schon gespeichert" in again.output
    assert "--replace" in again.output and "Traceback" not in again.output
    assert (hashlib.sha256(store.read_bytes()).hexdigest(), index.stat().st_mtime_ns) == before
    listed = run("editions", "list", config, "--store", store)
    assert listed.exit_code == 0 and "2024" in listed.output and "2025" in listed.output
    shown = run("editions", "show", config, "2025", "--store", store)
    assert shown.exit_code == 0 and "einrichtungen_2025.csv" in shown.output
    missing = run("editions", "show", config, "2023", "--store", store)
    assert missing.exit_code == 1 and "2024, 2025" in missing.output
    replaced = run("report", config, "--store", store, "--output", tmp_path / "r2025",
                   "--replace")
    assert replaced.exit_code == 0, replaced.output
