"""Coordinates and numbers checked for plausibility before use (issue 15): each broken pattern
ends in one clear finding, never a crash or a silent misread."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import (
    BERLIN,
    FACILITIES_CSV,
    PROJECT,
    SAMPLE,
    X0,
    Y0,
    quarters_geojson,
    requires_berlin,
    square,
)
from pyproj import Transformer

from quartier.cli import cli
from quartier.load.tables import parse_numbers
from quartier.study import validate_study

#: Codes this module's checks add; real data must raise none of them.
PLAUSIBILITY_CODES = {"non_finite_coordinate", "outside_crs_area", "far_vertex", "no_matching_ids",
                      "ids_stripped", "grid_outside_quarters", "facilities_misplaced",
                      "ambiguous_number", "approximate_number", "number_format"}


def findings(report, code):
    return [f for f in report if f.code == code]


# --- coordinates --------------------------------------------------------------------------

def test_infinite_coordinate_in_a_table_is_an_error_naming_row_and_column(make_study):
    broken = FACILITIES_CSV.replace(f"{X0 + 1500:.0f},0;", "inf;")
    study, report = validate_study(make_study(files={"einrichtungen.csv": broken}))
    assert study is None
    [error] = [f for f in report.errors if f.code == "non_numeric"]
    assert error.column == "x" and error.rows == "3" and "'inf'" in error.message
    assert error.file.endswith("einrichtungen.csv")


def test_infinite_coordinate_in_wkt_is_an_error_naming_the_object(make_study):
    facilities = ("id;name;kategorie;plaetze;wkt\n"
                  f"F1;Kita Sonne;kita;60;POINT ({X0 + 500} {Y0 + 500})\n"
                  f"F2;Apotheke;pharmacy;;POINT (inf {Y0 + 500})\n")
    path = make_study(files={"einrichtungen.csv": facilities})
    path.write_text(path.read_text().replace('x = "x"\ny = "y"\n', 'wkt = "wkt"\n'))
    study, report = validate_study(path)
    [error] = findings(report, "non_finite_coordinate")
    assert error.severity == "error" and error.rows == "3" and error.column == "geometry"


def test_far_vertex_names_quarter_and_vertex(make_study):
    stray = square(X0 + 1000, Y0)
    stray[2] = [X0 + 2000, Y0 + 500_000]  # y typed with one digit too many
    geojson = quarters_geojson([{"nr": "01", "name": "Altstadt", "coords": [square(X0, Y0)]},
                                {"nr": "02", "name": "Neustadt", "coords": [stray]}])
    study, report = validate_study(make_study(files={"quartiere.geojson": geojson}))
    assert study is None
    [error] = findings(report, "far_vertex")
    assert error.rows == "02" and "478000/5965000" in error.message
    # 499 km beyond quarter 01's box (y 5,466,000) -> named in km
    assert "499 km" in error.message


def test_quarters_far_apart_but_plausible_pass(make_study):
    # a detached village 5 km away is no typo
    geojson = quarters_geojson([{"nr": "01", "name": "Kern", "coords": [square(X0, Y0)]},
                                {"nr": "02", "name": "Dorf", "coords": [square(X0 + 6000, Y0)]}])
    _, report = validate_study(make_study(files={"quartiere.geojson": geojson}))
    assert not findings(report, "far_vertex")


def test_coordinates_outside_the_crs_area_suggest_the_likely_crs(make_study):
    # Gauss-Krüger zone 3 numbers (Heidelberg) declared as UTM 32
    facilities = FACILITIES_CSV.replace(f"{X0 + 1500:.0f},0", "3476500,0")
    _, report = validate_study(make_study(files={"einrichtungen.csv": facilities}))
    [error] = findings(report, "outside_crs_area")
    assert error.rows == "3" and "EPSG:31467" in error.hint


# --- quarter ids across files -----------------------------------------------------------

def test_integer_ids_match_leading_zero_ids_of_another_file(make_study):
    geojson = json.loads(quarters_geojson())
    for number, feature in enumerate(geojson["features"], start=1):
        feature["properties"]["nr"] = number  # written as integers: 1, 2
    study, report = validate_study(make_study(files={"quartiere.geojson": json.dumps(geojson)}))
    assert study is not None, report.format()
    assert study.quarters["quarter_id"].tolist() == ["1", "2"]
    assert study.population_quarters.set_index("quarter_id")["total"].to_dict() == \
        {"1": 1200.0, "2": 800.0}
    assert findings(report, "ids_stripped")


def test_ids_matching_no_quarter_are_an_error_naming_both_files(make_study):
    population = "quartier;einwohner;unter6;ab80\nA;1200;80;60\nB;800;50;30\n"
    study, report = validate_study(make_study(files={"einwohner.csv": population}))
    assert study is None
    [error] = findings(report, "no_matching_ids")
    assert "einwohner.csv" in error.message and "quartiere.geojson" in error.message


# --- population grid in the wrong place ---------------------------------------------------

def _grid_csv(swap: bool = False, crs: str = "EPSG:3035") -> str:
    """Zensus-style cells, 100 m apart, all inside the two test quarters."""
    to_grid = Transformer.from_crs("EPSG:25832", crs, always_xy=True)
    rows = ["GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner"]
    for i, (dx, dy) in enumerate([(a, b) for a in range(150, 2000, 200)
                                  for b in range(150, 1000, 200)]):
        x, y = to_grid.transform(X0 + dx, Y0 + dy)
        if swap:
            x, y = y, x
        rows.append(f"Z{i};{x:.0f};{y:.0f};10")
    return "\n".join(rows) + "\n"


GRID_BLOCK = """
[population.grid]
path = "gitter.csv"
format = "zensus2022"
"""


def test_grid_in_place_passes(make_study):
    study, report = validate_study(make_study(files={"gitter.csv": _grid_csv()},
                                              extra=GRID_BLOCK))
    assert study is not None, report.format()
    assert not findings(report, "grid_outside_quarters")


def test_grid_with_swapped_axes_is_an_error_naming_the_swap(make_study):
    study, report = validate_study(make_study(files={"gitter.csv": _grid_csv(swap=True)},
                                              extra=GRID_BLOCK))
    assert study is None
    [error] = findings(report, "grid_outside_quarters")
    assert "vertauscht" in error.message and "100 %" in error.message


def test_grid_in_wrong_crs_is_an_error_naming_the_crs(make_study):
    # UTM 32 numbers in a file read as EPSG:3035 (the Zensus default)
    study, report = validate_study(make_study(files={"gitter.csv": _grid_csv(crs="EPSG:25832")},
                                              extra=GRID_BLOCK))
    assert study is None
    errors = findings(report, "grid_outside_quarters") + findings(report, "outside_crs_area")
    assert errors and "EPSG:25832" in errors[0].message + errors[0].hint


def test_facilities_with_swapped_axes_are_an_error_naming_the_swap(make_study):
    facilities = ("id;name;kategorie;plaetze;x;y\n"
                  + "".join(f"F{i};Kita {i};kita;;{Y0 + 300 + 100 * i:.0f};{X0 + 300:.0f}\n"
                            for i in range(4)))
    _, report = validate_study(make_study(files={"einrichtungen.csv": facilities}))
    [error] = findings(report, "outside_crs_area")
    assert error.rows == "2, 3, 4, 5" and "vertauscht" in error.hint


def test_facilities_in_another_utm_zone_get_a_warning_with_the_cause(make_study):
    # UTM 33 numbers declared as UTM 32: inside the widened area of use, outside the quarters
    to_33 = Transformer.from_crs("EPSG:25832", "EPSG:25833", always_xy=True)
    points = [to_33.transform(X0 + 300 + 100 * i, Y0 + 300) for i in range(4)]
    facilities = ("id;name;kategorie;plaetze;x;y\n"
                  + "".join(f"F{i};Kita {i};kita;;{x:.0f};{y:.0f}\n"
                            for i, (x, y) in enumerate(points)))
    study, report = validate_study(make_study(files={"einrichtungen.csv": facilities}))
    [warning] = findings(report, "facilities_misplaced")
    assert warning.severity == "warning" and "EPSG:25833" in warning.message
    assert "100 %" in warning.message


# --- numbers as Germans write them --------------------------------------------------------

def test_thousands_points_in_population_counts(make_study):
    population = "quartier;einwohner;unter6;ab80\n01;4.318;80;60\n02;12.045;50;30\n"
    study, report = validate_study(make_study(files={"einwohner.csv": population}))
    totals = study.population_quarters.set_index("quarter_id")["total"]
    assert totals.to_dict() == {"01": 4318.0, "02": 12045.0}
    [note] = findings(report, "number_format")
    assert note.severity == "note" and note.column == "total" and "4318" in note.message


MEASURES_BLOCK = """
[measures]
path = "massnahmen.csv"
columns = { measure_id = "id", title = "titel", budget_planned = "budget" }
"""


@pytest.mark.parametrize("cells, expected", [
    (["480.000", "60.000"], [480000.0, 60000.0]),
    (["1.000,50", "480.000,00"], [1000.5, 480000.0]),
    (["480.000", "75"], [480000.0, 75.0]),
])
def test_budgets_with_thousands_points(make_study, cells, expected):
    measures = "id;titel;budget\n" + "".join(f"M{i};Maßnahme {i};{v}\n"
                                             for i, v in enumerate(cells))
    study, report = validate_study(make_study(files={"massnahmen.csv": measures},
                                              extra=MEASURES_BLOCK))
    assert study is not None, report.format()
    assert study.measures["budget_planned"].tolist() == expected


HOUSING_BLOCK = """
[housing]
path = "wohnen.csv"
columns = { quarter_id = "quartier" }
"""


def test_ambiguous_column_is_an_error_naming_column_and_rows(make_study):
    housing = "quartier;wohnungen\n01;4.318\n02;12.5\n"
    study, report = validate_study(make_study(files={"wohnen.csv": housing},
                                              extra=HOUSING_BLOCK))
    assert study is None
    [error] = findings(report, "ambiguous_number")
    assert error.column == "wohnungen" and error.rows == "01, 02"
    assert "'4.318'" in error.message and "'12.5'" in error.message


def test_single_point_group_in_a_rate_column_is_a_decimal_with_a_note(make_study):
    housing = "quartier;leerstandsquote\n01;4.318\n02;3\n"
    study, report = validate_study(make_study(files={"wohnen.csv": housing},
                                              extra=HOUSING_BLOCK))
    assert study.housing.set_index("quarter_id")["leerstandsquote"].to_dict() == \
        {"01": 4.318, "02": 3.0}
    [note] = findings(report, "number_format")
    assert "4,318" in note.message


def test_approximate_values_are_read_with_a_warning(make_study):
    facilities = FACILITIES_CSV.replace("kita;60;", "kita;ca. 20;")
    study, report = validate_study(make_study(files={"einrichtungen.csv": facilities}))
    assert study.facilities.set_index("facility_id").loc["F1", "capacity"] == 20.0
    [warning] = findings(report, "approximate_number")
    assert warning.severity == "warning" and warning.rows == "F1" and "'ca. 20'" in \
        warning.message


@pytest.mark.parametrize("cells, kind, expected", [
    (["4.318", "12.045"], "count", [4318.0, 12045.0]),
    (["4.318"], "count", [4318.0]),
    (["4.318"], "measure", [4.318]),
    (["4.318", "12.045"], "measure", [4318.0, 12045.0]),
    (["1.000,50", "12,5"], "measure", [1000.5, 12.5]),
    (["1,000.50", "4.318"], "measure", [1000.5, 4.318]),
    (["1.234.567", "4.318"], "measure", [1234567.0, 4318.0]),
    (["4.318", "12.5", "3.14159"], "measure", [4.318, 12.5, 3.14159]),  # a decimal export
    (["480.000 €", "ca. 20"], "amount", [480000.0, 20.0]),
    (["8.687", "49.412"], "coordinate", [8.687, 49.412]),
    (["−1.000,5", "-3"], "measure", [-1000.5, -3.0]),
])
def test_parse_numbers_patterns(cells, kind, expected):
    assert parse_numbers(pd.Series(cells), kind=kind).numbers.tolist() == expected


@pytest.mark.parametrize("cells", [["4.318", "12.5"], ["1.000,5", "2.5"], ["1,000.5", "2,5"]])
def test_parse_numbers_contradictions_are_ambiguous(cells):
    parsed = parse_numbers(pd.Series(cells), kind="measure")
    assert parsed.ambiguous.all() and parsed.numbers.isna().all()


def test_non_finite_numbers_are_bad():
    parsed = parse_numbers(pd.Series(["inf", "NaN", "-Infinity", "5"]), kind="count")
    assert parsed.bad.tolist() == [True, True, True, False]


# --- CLI and real data --------------------------------------------------------------------

def test_cli_validate_exits_1_with_message_not_3(make_study):
    stray = square(X0 + 1000, Y0)
    stray[2] = [X0 + 2000, Y0 + 500_000]
    geojson = quarters_geojson([{"nr": "01", "name": "A", "coords": [square(X0, Y0)]},
                                {"nr": "02", "name": "B", "coords": [stray]}])
    facilities = FACILITIES_CSV.replace(f"{X0 + 1500:.0f},0;", "inf;")
    result = CliRunner().invoke(cli, ["validate", str(make_study(
        files={"quartiere.geojson": geojson, "einrichtungen.csv": facilities}))])
    assert result.exit_code == 1, result.output
    assert "far_vertex" in result.output and "'inf'" in result.output
    assert "Traceback" not in result.output


def test_sample_has_no_plausibility_findings():
    _, report = validate_study(SAMPLE / "quartier.toml")
    assert not set(report.codes()) & PLAUSIBILITY_CODES, report.format()


@requires_berlin
@pytest.mark.parametrize("config", ["quartier.toml", "quartier_2019.toml"])
def test_berlin_has_no_plausibility_findings(config):
    _, report = validate_study(PROJECT / "examples" / "berlin" / config)
    assert not set(report.codes()) & PLAUSIBILITY_CODES, report.format()
    assert BERLIN.is_dir()
