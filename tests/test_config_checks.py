"""Every value of quartier.toml checked before use; unknown keys reported with "Meinten Sie …?"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT, SAMPLE

import quartier
from quartier.cli import cli
from quartier.config import read_config
from quartier.config_schema import (
    COLUMN_CONTRACTS,
    DATASET_SECTIONS,
    SECTIONS,
    check_value,
    closest,
)


def config_findings(path: Path, code: str, severity: str | None = None) -> list:
    _, report = read_config(path)
    return [f for f in report if f.code == code and (severity is None or f.severity == severity)]


def replaced(path: Path, old: str, new: str) -> Path:
    """Rewrite one line of the generated config (it must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --- wrong values are errors naming section, key, value and what is expected --------------

@pytest.mark.parametrize(("value", "problem"), [
    ("-500", "muss größer als 0 sein"),
    ("0", "muss größer als 0 sein"),
    ("nan", "keine endliche Zahl"),
    ("inf", "keine endliche Zahl"),
    ("-inf", "keine endliche Zahl"),
    ('"1500"', "ist Text, keine Zahl"),
    ("true", "ist Wahrheitswert, keine Zahl"),
    ("[1500]", "ist Liste, keine Zahl"),
    ("1e9", "ist größer als 100000"),
])
def test_bad_catchment_is_one_error_with_section_key_and_expectation(make_study, value, problem):
    path = make_study(extra=f"[indicators]\ncatchment_m = {value}\n")
    config, report = read_config(path)
    [error] = report.errors
    assert error.code == "bad_value" and error.file == str(path)
    assert error.message.startswith("[indicators] catchment_m = ") and problem in error.message
    assert "Entfernung in Metern" in error.hint and "catchment_m = 1500" in error.hint
    assert config.indicators.catchment_m == 1500.0  # the default stands in, nothing else breaks


@pytest.mark.parametrize(("extra", "key", "problem"), [
    ("[indicators]\nmin_population = true", "min_population", "Wahrheitswert"),
    ("[indicators]\nmin_population = -1", "min_population", "kleiner als 0"),
    ("[indicators]\nresource_factor = 0.5", "resource_factor", "kleiner als 1"),
    ("[indicators]\ncoverage_gap_below = 75", "coverage_gap_below", "größer als 1"),
    ("[indicators]\nmedian_gap_factor = nan", "median_gap_factor", "keine endliche Zahl"),
    ("[indicators]\nsplit_boundary_cells = 1", "split_boundary_cells", "kein Wahrheitswert"),
    ("[indicators]\nsplit_boundary_cells = \"ja\"", "split_boundary_cells", "Text"),
    ('[indicators.status_index]\nstatus = ["a"]\ndynamics_years = 2.5', "dynamics_years",
     "Zahl, keine ganze Zahl"),
    ('[indicators.status_index]\nstatus = ["a"]\ndynamics_years = true', "dynamics_years",
     "Wahrheitswert"),
    ('[indicators.status_index]\nstatus = { a = 1 }', "status", "Tabelle, keine Liste"),
    ('[indicators.status_index]\nstatus = ["a", 3]', "status", "ganze Zahl statt Text"),
    ('[indicators.status_index]\nstatus = ["a"]\nyear = "letztes"', "year", "keine Jahreszahl"),
    ('[indicators.status_index]\nstatus = ["a"]\nexclude = [{ a = 1 }]', "exclude",
     "Tabelle statt einer ID"),
])
def test_wrong_type_or_range_in_indicators_is_an_error(make_study, extra, key, problem):
    path = make_study(extra=extra + "\n")
    [error] = config_findings(path, "bad_value", "error")
    assert f"] {key} = " in error.message and problem in error.message


def test_bool_is_not_taken_for_a_whole_number(make_study):
    # True is an int in Python: id_width = true must not become a width of 1
    path = replaced(make_study(), 'edition = "2025"', 'edition = "2025"\nid_width = true')
    config, report = read_config(path)
    [error] = report.errors
    assert "[study] id_width = true ist Wahrheitswert, keine ganze Zahl" in error.message
    assert config.id_width is None


@pytest.mark.parametrize(("line", "problem"), [
    ("attribution = 5", "ist ganze Zahl, keine Liste"),
    ("attribution = { quelle = \"x\" }", "ist Tabelle, keine Liste"),
    ("attribution = [\"ok\", 2]", "enthält ganze Zahl statt Text"),
    ("id_width = 100000000", "ist größer als 32"),
    ("id_width = 0", "ist kleiner als 1"),
    ("language = \"fr\"", 'keiner der erlaubten Werte "de", "en"'),
    ("root = 3", "ist ganze Zahl, kein Text"),
])
def test_wrong_values_in_study_are_errors(make_study, line, problem):
    path = replaced(make_study(), 'edition = "2025"', f'edition = "2025"\n{line}')
    config, report = read_config(path)
    [error] = report.errors
    assert error.message.startswith(f"[study] {line.split(' =')[0]} = ")
    assert problem in error.message
    assert config is not None and all(isinstance(a, str) for a in config.attribution)


def test_single_attribution_text_is_a_list_of_one(make_study):
    path = replaced(make_study(), 'edition = "2025"', 'edition = "2025"\nattribution = "Quelle"')
    config, report = read_config(path)
    assert report.ok and config.attribution == ("Quelle",)


def test_columns_as_a_list_is_an_error_not_a_crash(make_study):
    path = replaced(make_study(), 'columns = { quarter_id = "nr", name = "name" }',
                    'columns = ["nr", "name"]')
    [error] = config_findings(path, "bad_value", "error")
    assert error.dataset == "quarters"
    assert "[quarters] columns = ['nr', 'name'] ist Liste, keine Tabelle" in error.message
    assert 'columns = { quarter_id = "nr" }' in error.hint


def test_column_mapped_to_a_number_is_an_error(make_study):
    path = replaced(make_study(), 'capacity = "plaetze"', "capacity = 7")
    [error] = config_findings(path, "bad_value", "error")
    assert error.dataset == "facilities[1]" and "ordnet 'capacity' ganze Zahl zu" in error.message


def test_column_mapped_to_a_list_is_an_error_except_for_the_address(make_study):
    path = replaced(make_study(), 'capacity = "plaetze"',
                    'capacity = ["plaetze", "id"], address = ["name", "id"]')
    [error] = config_findings(path, "bad_value", "error")
    assert "ordnet 'capacity' Liste zu" in error.message and "address" not in error.message


@pytest.mark.parametrize(("old", "new", "problem"), [
    ('path = "einwohner.csv"', "path = 5", "ist ganze Zahl, kein Text"),
    ('path = "einwohner.csv"', "path = []", "ist eine leere Liste"),
    ('x = "x"', "x = 5", "ist ganze Zahl, kein Text"),
    ('crs = "EPSG:25832"\ncolumns = {{ facility_id', "crs = [25832]\ncolumns = {{ facility_id",
     "weder Text noch ganze Zahl"),
])
def test_wrong_values_in_dataset_blocks_are_errors(make_study, old, new, problem):
    path = replaced(make_study(), old.replace("{{", "{"), new.replace("{{", "{"))
    _, report = read_config(path)
    [error] = report.errors  # a path of the wrong type is not also reported as missing
    assert error.code == "bad_value" and problem in error.message


@pytest.mark.parametrize(("toml", "where", "found"), [
    ('indicators = [1, 2]\n', "[indicators]", "Liste"),
    ('housing = "wohnen.csv"\n', "[housing]", "Text"),
    ('facilities = "einrichtungen.csv"\n', "[[facilities]]", "Text"),
    ('study = 5\n', "[study]", "ganze Zahl"),
])
def test_section_that_is_not_a_table_is_an_error(make_study, toml, where, found):
    path = make_study()
    text = path.read_text(encoding="utf-8")
    section = where.strip("[]")
    if section in ("facilities", "study"):  # replace the real section by the bad value
        start = text.index(f"[[{section}]]" if section == "facilities" else f"[{section}]")
        end = text.index("\n[", start + 3) if "\n[" in text[start + 3:] else len(text)
        text = text[:start] + text[end:]
    path.write_text(toml + text, encoding="utf-8")
    _, report = read_config(path)
    bad = [f for f in report.errors if f.code == "bad_section"]
    assert [f.message for f in bad] == [f"{where} muss ein Abschnitt (Tabelle) sein, gefunden: "
                                        f"{found}."]


def test_coverage_thresholds_in_the_wrong_order_are_an_error(make_study):
    path = make_study(extra="[indicators]\ncoverage_gap_below = 0.9\n"
                            "coverage_resource_from = 0.8\n")
    [error] = config_findings(path, "bad_value", "error")
    assert "coverage_gap_below = 0.9 ist größer als coverage_resource_from = 0.8" in error.message


def test_valid_values_pass_and_are_normalised(make_study):
    path = make_study(extra='[indicators]\ncatchment_m = 800\nmin_population = 250.5\n'
                            '[indicators.status_index]\nstatus = "a"\nyear = "2024"\n'
                            'exclude = [101, "0102"]\n')
    config, report = read_config(path)
    assert report.ok, report.format()
    assert config.indicators.catchment_m == 800.0
    assert config.indicators.min_population == 250.5
    index = config.indicators.status_index
    assert index.status == ("a",) and index.year == 2024 and index.exclude == ("101", "0102")


# --- unknown keys: a warning with the nearest known key ------------------------------------

@pytest.mark.parametrize(("extra", "where", "typo", "meant"), [
    ("[indicators]\ncatchment = 900", "[indicators]", "catchment", "catchment_m"),
    ("[indicators]\nmin_populaton = 200", "[indicators]", "min_populaton", "min_population"),
    ('[indicators.status_index]\nstatus = ["a"]\ndynamic_years = 3', "[indicators.status_index]",
     "dynamic_years", "dynamics_years"),
    ("[indikators]\ncatchment_m = 900", "der Konfiguration", "indikators", "indicators"),
    ('[[facilitys]]\npath = "x.csv"', "der Konfiguration", "facilitys", "facilities"),
    ("colums = { name = 'x' }", "[facilities[1]]", "colums", "columns"),
])
def test_unknown_key_is_a_warning_with_a_suggestion(make_study, extra, where, typo, meant):
    path = make_study(extra=extra + "\n")
    config, report = read_config(path)
    [warning] = [f for f in report if f.code == "unknown_key"]
    assert warning.severity == "warning" and report.ok
    assert f"'{typo}' in {where} wird ignoriert" in warning.message
    assert warning.hint.startswith(f"Meinten Sie '{meant}'")
    assert warning.file == str(path)


def test_unknown_key_far_from_every_known_one_lists_the_known_keys(make_study):
    path = make_study(extra="[indicators]\nxyzzy = 1\n")
    [warning] = config_findings(path, "unknown_key")
    assert "Meinten Sie" not in warning.hint and "catchment_m" in warning.hint


def test_key_of_another_block_in_quarters_is_reported(make_study):
    # osm = true belongs to [[facilities]]; in [quarters] it would be ignored silently
    path = replaced(make_study(), 'path = "quartiere.geojson"',
                    'path = "quartiere.geojson"\nosm = true')
    [warning] = config_findings(path, "unknown_key")
    assert warning.dataset == "quarters" and "'osm' in [quarters]" in warning.message


@pytest.mark.parametrize(("old", "new", "dataset", "typo", "meant"), [
    ('columns = { quarter_id = "nr", name = "name" }',
     'columns = { quarter_idd = "nr", name = "name" }', "quarters", "quarter_idd", "quarter_id"),
    ('capacity = "plaetze"', 'kapazitaet = "plaetze"', "facilities[1]", "kapazitaet", "capacity"),
    ('capacity = "plaetze"', 'capacty = "plaetze"', "facilities[1]", "capacty", "capacity"),
    ('total = "einwohner"', 'totla = "einwohner"', "population.quarters", "totla", "total"),
])
def test_column_mapping_typo_is_a_warning_with_the_contract_name(make_study, old, new, dataset,
                                                                 typo, meant):
    path = replaced(make_study(), old, new)
    study, report = quartier.validate_study(path)
    [warning] = [f for f in report if f.code == "unknown_key"]
    assert warning.dataset == dataset and f"'{typo}'" in warning.message
    assert "Spaltenzuordnung" in warning.message
    assert warning.hint.startswith(f"Meinten Sie '{meant}'")


def test_age_bands_are_known_column_names(make_study):
    path = make_study()
    assert "age_0_5" in path.read_text() and not config_findings(path, "unknown_key")


def test_typo_in_an_open_mapping_is_reported_only_when_close_to_a_contract_name(make_study):
    # housing keeps further columns under the mapped name: "wohnungen" is a renamed
    # indicator, "quarter_idd" a typo of quarter_id
    path = make_study(extra='[housing]\npath = "einwohner.csv"\n'
                            'columns = { quarter_idd = "quartier", wohnungen = "einwohner" }\n')
    [warning] = config_findings(path, "unknown_key")
    assert "'quarter_idd'" in warning.message and "Meinten Sie 'quarter_id'" in warning.hint


def test_missing_source_column_suggests_the_nearest_column_of_the_file(make_study):
    path = replaced(make_study(), 'capacity = "plaetze"', 'capacity = "plaetz"')
    _, report = quartier.validate_study(path)
    [error] = [f for f in report.errors if f.code == "missing_column"]
    assert error.column == "plaetz" and error.hint.startswith("Meinten Sie 'plaetze'?")
    assert "Vorhandene Spalten: id, name, kategorie, plaetze" in error.hint


def test_misspelt_grid_column_is_an_error_not_a_silent_default(make_study):
    grid = ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner;EW_korrigiert\n"
            "CRS3035RES100mN2946400E4246400;4246450;2946450;10;12\n")
    path = make_study(files={"zensus.csv": grid})
    path = replaced(path, "[population.quarters]", '[population.grid]\npath = "zensus.csv"\n'
                    'columns = { total = "EW_korigiert" }\n\n[population.quarters]')
    _, report = quartier.validate_study(path)
    [error] = [f for f in report.errors if f.code == "missing_column"]
    assert error.column == "EW_korigiert" and "Meinten Sie 'EW_korrigiert'" in error.hint


# --- the schema is complete: shipped configs produce no unknown-key warning ----------------

@pytest.mark.parametrize("config", [
    SAMPLE / "quartier.toml",
    pytest.param(PROJECT / "examples" / "berlin" / "quartier.toml", id="berlin"),
    pytest.param(PROJECT / "examples" / "berlin" / "quartier_2019.toml", id="berlin-2019"),
])
def test_shipped_configs_have_no_unknown_or_bad_keys(config):
    # read_config only reads the TOML (paths of the Berlin data may be absent: missing_file)
    _, report = read_config(config)
    assert not [f.format() for f in report if f.code in ("unknown_key", "bad_value",
                                                         "bad_section")]


def test_fixture_config_has_no_findings(make_study):
    _, report = read_config(make_study())
    assert not report.findings


def test_every_documented_key_is_in_the_schema():
    # each `key = ` at the start of a line of the example in docs/config.md is known
    text = (PROJECT / "docs" / "config.md").read_text(encoding="utf-8")
    block = text.split("```toml", 1)[1].split("```", 1)[0]
    section = None
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").split("]")[0].strip("[")
            assert section in SECTIONS, section
        elif "=" in stripped and not stripped.startswith("#") and section is not None \
                and not line.startswith(" "):
            key = stripped.split("=", 1)[0].strip()
            assert key in SECTIONS[section], f"[{section}] {key}"


def test_every_dataset_has_column_contracts():
    assert set(DATASET_SECTIONS) == set(COLUMN_CONTRACTS)


def test_check_value_and_closest_by_hand():
    catchment = SECTIONS["indicators"]["catchment_m"]
    assert check_value(1, catchment) == 1.0 and check_value(100_000, catchment) == 100_000.0
    for bad in (0, -1, float("nan"), float("inf"), True, "1", None):
        with pytest.raises(ValueError):
            check_value(bad, catchment)
    assert closest("QUARTER_ID", ["quarter_id", "name"]) == ["quarter_id"]
    assert closest("zzz", ["quarter_id"]) == []


# --- the command line: exit 1 with the message for bad values, 0 with a warning for typos ---

def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.mark.parametrize(("extra", "message"), [
    ("[indicators]\ncatchment_m = -500", "catchment_m = -500 muss größer als 0 sein"),
    ("[indicators]\ncatchment_m = nan", "catchment_m = nan ist keine endliche Zahl"),
    ("[indicators]\ncatchment_m = inf", "catchment_m = inf ist keine endliche Zahl"),
    ("[indicators]\nmin_population = true", "min_population = true ist Wahrheitswert"),
    ('[indicators.status_index]\nstatus = { a = 1 }', "status = {'a': 1} ist Tabelle"),
])
def test_validate_exits_1_on_a_bad_value(make_study, extra, message):
    result = run("validate", make_study(extra=extra + "\n"))
    assert result.exit_code == 1, result.output
    assert message in result.output and "bad_value" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("old", "new", "message"), [
    ('edition = "2025"', 'edition = "2025"\nattribution = 5', "attribution = 5 ist ganze Zahl"),
    ('columns = { quarter_id = "nr", name = "name" }', 'columns = ["nr", "name"]',
     "ist Liste, keine Tabelle"),
    ('path = "einwohner.csv"', "path = 5", "path = 5 ist ganze Zahl, kein Text"),
    ('edition = "2025"', 'edition = "2025"\nid_width = 100000000', "ist größer als 32"),
])
def test_validate_exits_1_on_wrong_types_in_blocks(make_study, old, new, message):
    result = run("validate", replaced(make_study(), old, new))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_report_exits_1_on_a_negative_catchment(make_study, tmp_path):
    # the tester's case: this ended in exit 3 when the indicators were computed
    result = run("report", make_study(extra="[indicators]\ncatchment_m = -500\n"),
                 "--output", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "catchment_m = -500" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("old", "new", "message"), [
    ('capacity = "plaetze"', 'kapazitaet = "plaetze"', "Meinten Sie 'capacity'?"),
    ('edition = "2025"', 'edition = "2025"\neditoin = "2026"', "Meinten Sie 'edition'?"),
])
def test_validate_exits_0_with_a_warning_for_an_unknown_key(make_study, old, new, message):
    result = run("validate", replaced(make_study(), old, new))
    assert result.exit_code == 0, result.output
    assert "WARNUNG [unknown_key]" in result.output and message in result.output


def test_column_contracts_of_categories_and_standards_are_the_catalogue_columns():
    from quartier.catalogue import CATALOGUE_COLUMNS, STANDARD_COLUMNS

    assert COLUMN_CONTRACTS["categories"] == tuple(CATALOGUE_COLUMNS)
    assert COLUMN_CONTRACTS["standards"] == tuple(STANDARD_COLUMNS)
    assert {"combined_of", "planning_scale"} <= set(COLUMN_CONTRACTS["categories"])
    assert "combined_of" in COLUMN_CONTRACTS["standards"]


def test_a_town_maps_its_own_combination_and_planning_scale_without_warnings(make_study):
    # a town's Nahverkehrsplan (stops 400 m, stations 800 m) and its Kitas planned per
    # Stadtteil, written with German column names mapped in quartier.toml
    standards = ("kategorie,kombiniert,quelle\n"
                 "public_transport,transit_stop:400;rail_station:800,NVP Teststadt 2023\n")
    categories = "schluessel,planungsebene\nkita,stadtteil\n"
    extra = ('[standards]\npath = "richtwerte.csv"\n'
             'columns = { category = "kategorie", combined_of = "kombiniert", '
             'source = "quelle" }\n'
             '[categories]\npath = "kategorien.csv"\n'
             'columns = { key = "schluessel", planning_scale = "planungsebene" }\n')
    path = make_study(files={"richtwerte.csv": standards, "kategorien.csv": categories},
                      extra=extra)
    assert config_findings(path, "unknown_key") == []
    study = quartier.load_study(path)
    assert not [f for f in study.findings if f.code in ("unknown_key", "unknown_column")]
    from quartier.catalogue import combined_members, unranked_categories

    assert combined_members(study.catalogue)["public_transport"] == {
        "transit_stop": 400.0, "rail_station": 800.0}
    assert sorted(unranked_categories(study.catalogue)) == ["gp", "kita"]
