"""Population loaders: Zensus 2022 grid files and per-quarter tables."""

from __future__ import annotations

import pytest
from pyproj import Transformer

import quartier
from quartier.load.population import age_bands, covers_all_ages, parse_age_band

# cell centres lie in the two test quarters (a grid missing the quarters is an error)
ZENSUS = ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\n"
          "CRS3035RES100mN2915000E4225000;4225050;2915050;12\n"
          "CRS3035RES100mN2915100E4225000;4225050;2915150;3\n")
AGES = ("GITTER_ID_100m;x_mp_100m;y_mp_100m;Insgesamt_Bevoelkerung;Unter10;a10bis19;a20bis29;"
        "a30bis39;a40bis49;a50bis59;a60bis69;a70bis79;a80undaelter;werterlaeuternde_Zeichen\n"
        "CRS3035RES100mN2915000E4225000;4225050;2915050;12;2;1;1;2;2;1;1;1;1;\n"
        "CRS3035RES100mN2915100E4225000;4225050;2915150;3;–;–;–;–;–;–;–;–;–;\n")


def grid_study(make_study, files, grid_paths='["zensus.csv", "alter.csv"]', extra=""):
    path = make_study(files=files)
    text = path.read_text().replace(
        "[population.quarters]",
        f"[population.grid]\npath = {grid_paths}\nformat = \"zensus2022\"\n{extra}\n"
        "[population.quarters]")
    path.write_text(text)
    return path


def test_zensus_grid_joins_files_and_reprojects_cell_centres(make_study):
    path = grid_study(make_study, {"zensus.csv": ZENSUS, "alter.csv": AGES})
    study, report = quartier.validate_study(path)
    grid = study.population_grid.set_index("cell_id")
    assert grid["total"].tolist() == [12.0, 3.0]
    assert grid.loc["CRS3035RES100mN2915000E4225000", "age_80_plus"] == 1.0
    # suppressed ages are NaN and counted in a note, the total stays
    assert grid.loc["CRS3035RES100mN2915100E4225000", ["age_0_9", "age_80_plus"]].isna().all()
    assert "suppressed_values" in report.codes("note")
    x, y = Transformer.from_crs(3035, 25832, always_xy=True).transform(4225050, 2915050)
    point = grid.geometry["CRS3035RES100mN2915000E4225000"]
    assert (point.x, point.y) == pytest.approx((x, y), abs=1e-6)
    assert study.population_grid.crs.to_epsg() == 25832


def test_cell_centres_from_ids_when_coordinates_are_missing(make_study):
    only_ids = "GITTER_ID_100m;Einwohner\nCRS3035RES100mN2915000E4225000;7\n"
    path = grid_study(make_study, {"zensus.csv": only_ids}, grid_paths='"zensus.csv"')
    study, report = quartier.validate_study(path)
    x, y = Transformer.from_crs(3035, 25832, always_xy=True).transform(4225050, 2915050)
    point = study.population_grid.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((x, y), abs=1e-6)
    assert "centres_from_ids" in report.codes("note")


def test_negative_grid_population_is_an_error(make_study):
    path = grid_study(make_study, {"zensus.csv": ZENSUS.replace(";12\n", ";-12\n")},
                      grid_paths='"zensus.csv"')
    _, report = quartier.validate_study(path)
    [finding] = [f for f in report if f.code == "negative_value"]
    assert finding.rows == "CRS3035RES100mN2915000E4225000"


def test_register_in_cp1252_without_leading_zeros(make_study):
    register = ("Quartier;Einwohner;0 bis 5;6 bis 79;80 und älter\r\n"
                "1;1200;80;1060;60\r\n2;800;50;720;30\r\n").encode("cp1252")
    path = make_study(files={"einwohner.csv": register})
    path.write_text(path.read_text().replace(
        'columns = { quarter_id = "quartier", total = "einwohner", age_0_5 = "unter6", '
        'age_80_plus = "ab80" }',
        'columns = { quarter_id = "Quartier", total = "Einwohner", age_0_5 = "0 bis 5", '
        'age_6_79 = "6 bis 79", age_80_plus = "80 und älter" }'))
    study, report = quartier.validate_study(path)
    assert report.ok and not report.warnings
    table = study.population_quarters
    assert table["quarter_id"].tolist() == ["01", "02"]  # padded to the quarters' width
    assert table["age_80_plus"].tolist() == [60.0, 30.0]
    assert "ids_padded" in report.codes("note")


def test_bands_that_do_not_add_up_warn(make_study):
    csv = "quartier;einwohner;a;b\n01;1200;600;500\n02;800;400;400\n"
    path = make_study(files={"einwohner.csv": csv})
    path.write_text(path.read_text().replace(
        'age_0_5 = "unter6", age_80_plus = "ab80"', 'age_0_17 = "a", age_18_plus = "b"'))
    _, report = quartier.validate_study(path)
    [finding] = [f for f in report if f.code == "bands_do_not_add_up"]
    assert finding.rows == "01"


def test_unknown_quarter_in_population_table(make_study):
    csv = "quartier;einwohner;unter6;ab80\n01;1200;80;60\n02;800;50;30\n99;10;1;1\n"
    _, report = quartier.validate_study(make_study(files={"einwohner.csv": csv}))
    [finding] = [f for f in report if f.code == "unknown_quarter"]
    assert "99" in finding.message


def test_age_band_names():
    assert parse_age_band("age_6_14") == (6, 14)
    assert parse_age_band("age_80_plus") == (80, None)
    assert parse_age_band("total") is None
    assert age_bands(["age_80_plus", "total", "age_0_5", "age_6_79"]) == [
        "age_0_5", "age_6_79", "age_80_plus"]
    assert covers_all_ages(["age_0_5", "age_6_79", "age_80_plus"])
    assert not covers_all_ages(["age_0_5", "age_7_79", "age_80_plus"])
