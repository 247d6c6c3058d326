"""Real data: Berlin's 542 planning areas (../shared/data/berlin), loaded by the example config."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from conftest import BERLIN, PROJECT, requires_berlin

import quartier
from quartier.cli import cli
from quartier.load.ids import clean_ids, pad_ids
from quartier.summary import population_by_quarter

pytestmark = requires_berlin
CONFIG = PROJECT / "examples" / "berlin" / "quartier.toml"


@pytest.fixture(scope="module")
def berlin():
    study, report = quartier.validate_study(CONFIG)
    assert report.ok, report.format()
    return study


def test_542_planning_areas_with_eight_digit_ids(berlin):
    assert len(berlin.quarters) == 542
    assert berlin.quarters["quarter_id"].str.fullmatch(r"\d{8}").all()
    assert berlin.quarters["quarter_id"].iloc[0] == "01100101"
    assert berlin.quarters.crs.to_epsg() == 25833


def test_population_total_equals_source_file(berlin):
    source = pd.read_csv(BERLIN / "einwohner_plr_2022-06.csv", sep=";", dtype=str,
                         encoding="utf-8-sig")
    expected = pd.to_numeric(source["Gesamt"], errors="coerce").sum()
    assert expected == 3_821_881
    assert population_by_quarter(berlin)["total"].sum() == expected
    bands = berlin.population_quarters.set_index("quarter_id")
    assert bands.at["01100101", "age_0_5"] == 169 and bands.at["01100101", "age_65_plus"] == 714


def test_registers_are_complete_and_capacities_add_up(berlin):
    facilities = berlin.facilities
    for file, category, capacity in (("kindertagesstaetten", "kita", "e_platz"),
                                     ("pflegeeinrichtungen", "nursing_home", "platzzahl"),
                                     ("jugendfreizeiteinrichtungen", "youth_centre", "e_platz")):
        source = gpd.read_file(BERLIN / "facilities" / f"{file}.geojson")
        ours = facilities[facilities["category"] == category]
        assert len(ours) == len(source)
        assert ours["capacity"].sum() == pd.to_numeric(source[capacity]).sum()
    schools = facilities[facilities["source"] == "Schulen (Senatsverwaltung)"]
    assert len(schools) == 902
    assert (schools["category"] == "primary_school").sum() == 376
    pharmacies = facilities[facilities["category"] == "pharmacy"]
    assert len(pharmacies) == 732 and (pharmacies.geom_type == "Point").all()


def test_osm_planning_area_ids_join_after_padding(berlin):
    osm = gpd.read_file(BERLIN / "osm_poi" / "libraries.geojson")
    ids, changed = pad_ids(clean_ids(osm["planning-area-id"]), 8)
    assert changed > 0
    assert set(ids.dropna()) <= set(berlin.quarters["quarter_id"])


def test_cli_validate_and_info_run_clean():
    runner = CliRunner()
    validate = runner.invoke(cli, ["validate", str(CONFIG)])
    assert validate.exit_code == 0, validate.output
    # the only warnings: three OSM files hold points only for categories OSM maps as areas
    # (markets, playgrounds, sports grounds), so they are incomplete and not judged
    assert "0 Fehler, 3 Warnungen" in validate.output
    assert validate.output.count("WARNUNG [osm_points_only]") == 3
    info = runner.invoke(cli, ["info", str(CONFIG)])
    assert info.exit_code == 0, info.output
    assert "Quartiere: 542" in info.output and "3.821.881" in info.output


def test_places_assigned_to_planning_areas_add_up_to_the_source_totals(berlin, berlin_sample):
    """Issue 6: places of all nursing homes and Kitas in planning areas = source totals."""
    from quartier.report.reconcile import facility_reconciliation

    results = berlin_sample[1]  # the same study, computed once per session
    capacity = results.indicators[results.indicators["indicator"] == "capacity"]
    table = facility_reconciliation(berlin.facilities)
    plr = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp")
    for file, category, column, label in (
            ("kindertagesstaetten", "kita", "e_platz", "Kitas (Senatsverwaltung)"),
            ("pflegeeinrichtungen", "nursing_home", "platzzahl",
             "Pflegeeinrichtungen (Senatsverwaltung)")):
        source = gpd.read_file(BERLIN / "facilities" / f"{file}.geojson")
        total = pd.to_numeric(source[column]).sum()
        # second method: a spatial join of the source points with the planning areas
        joined = gpd.sjoin(source.to_crs(plr.crs), plr[["PLR_ID", "geometry"]],
                           predicate="within", how="left")
        assert joined["PLR_ID"].notna().all()  # no Kita, no nursing home outside Berlin
        per_area = pd.to_numeric(joined[column]).groupby(joined["PLR_ID"]).sum()
        ours = capacity[capacity["category"] == category].set_index("quarter_id")["value"]
        assert ours.sum() == total
        pd.testing.assert_series_equal(ours[ours > 0].sort_index(),
                                       per_area[per_area > 0].astype(float).sort_index(),
                                       check_names=False, check_index_type=False)
        assert table.at[label, "capacity_inside"] == total
        assert table.at[label, "outside"] == 0
    assert table.iloc[-1]["facilities"] == len(berlin.facilities) == 18079
    assert table.iloc[-1]["outside"] == 0


def test_2019_edition_on_the_old_planning_areas_validates():
    study, report = quartier.validate_study(PROJECT / "examples" / "berlin" / "quartier_2019.toml")
    assert report.ok, report.format()
    assert len(study.quarters) == 448 and study.quarters["quarter_id"].is_unique
    # the corrected object is Charlottenburg's Schloßstraße, which MSS 2019 lists as 04030417
    mss = pd.read_csv(BERLIN / "mss" / "mss_2019_2-1.csv", dtype={"id": str})
    assert "04030417" in set(study.quarters["quarter_id"]) and "04030417" in set(mss["id"])
    assert population_by_quarter(study)["total"].sum() == mss["inhabitants"].sum()


# --- residents where they live: the example's uninhabited land cover (issue 11) ------------

_LIVING = {"04400729": "Hundekehle", "09401329": "Kietzer Feld/Nachtheide",
           "09401635": "Müggelheim"}


@pytest.fixture(scope="module")
def berlin_land(tmp_path_factory):
    """Planning areas, population, the example's land cover and pharmacies, nothing else."""
    import tomllib

    example = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    cover = example["population"]["uninhabited"]
    pharmacies = next(f for f in example["facilities"] if f.get("category") == "pharmacy")

    def toml_value(value):
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
        return json.dumps(value, ensure_ascii=False)

    def block(header, values):
        return f"{header}\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in values.items())

    text = "\n".join([
        block("[study]", {"name": "Berlin", "root": str(PROJECT), "crs": "EPSG:25833",
                          "edition": "2022"}),
        block("[quarters]", example["quarters"]),
        block("[population.quarters]", example["population"]["quarters"]),
        block("[population.uninhabited]", cover),
        block("[[facilities]]", pharmacies)])
    path = tmp_path_factory.mktemp("berlin_land") / "quartier.toml"
    path.write_text(text, encoding="utf-8")
    study, report = quartier.validate_study(path)
    assert report.ok, report.format()
    return study, cover


def _independent_coverage(study, cover):
    """Pharmacy coverage of the three planning areas, computed without quartier's surface.

    The planning area minus the union of green and water (geopandas overlay), 100 m cells
    built as squares around their centres (buffer with square caps), residents by habitable
    area share (pieces under 100 m² left out, as documented), distances by scipy's cKDTree.
    """
    from scipy.spatial import cKDTree

    planning = gpd.read_file(BERLIN / "plr_2021" / "lor_planungsraeume_2021.shp").to_crs(25833)
    planning = planning[planning["PLR_ID"].isin(_LIVING)].rename(columns={"PLR_ID": "id"})
    (column, classes), = cover["filter"].items()
    land = pd.concat([gpd.read_file(PROJECT / p) for p in cover["path"]], ignore_index=True)
    land = land[land[column].isin(classes)].to_crs(25833)
    land = land[land.intersects(planning.union_all())]
    mask = land.union_all()
    habitable = planning[["id", "geometry"]].assign(geometry=planning.difference(mask))
    centres = []
    for minx, miny, maxx, maxy in planning.bounds.to_numpy():  # a grid over each area
        xs = np.arange(np.floor(minx / 100) * 100 + 50, maxx + 50, 100)
        ys = np.arange(np.floor(miny / 100) * 100 + 50, maxy + 50, 100)
        centres.append(np.column_stack([np.repeat(xs, len(ys)), np.tile(ys, len(xs))]))
    centres = np.unique(np.concatenate(centres), axis=0)
    squares = gpd.GeoSeries.from_xy(centres[:, 0], centres[:, 1], crs=25833).buffer(
        50, cap_style="square")
    cells = gpd.GeoDataFrame({"cell": np.arange(len(centres))}, geometry=squares, crs=25833)
    pieces = gpd.overlay(cells, habitable, how="intersection", keep_geom_type=True)
    pieces = pieces[pieces.area >= 100.0]
    population = pd.read_csv(BERLIN / "einwohner_plr_2022-06.csv", sep=";",
                             encoding="utf-8-sig", dtype=str)
    totals = pd.to_numeric(population.set_index("PLR-ID")["Gesamt"], errors="coerce")
    totals.index = totals.index.str.zfill(8)
    share = pieces.area / pieces.area.groupby(pieces["id"]).transform("sum")
    residents = pieces["id"].map(totals) * share
    shops = gpd.read_file(PROJECT / pharmacies_path(study)).to_crs(25833)
    shops = shapely.get_coordinates(shops.geometry.to_numpy())  # MultiPoints of one point
    distance, _ = cKDTree(shops).query(
        np.column_stack([pieces.centroid.x, pieces.centroid.y]))
    covered = residents.where(distance <= 1000.0, 0.0)
    coverage = covered.groupby(pieces["id"]).sum() / residents.groupby(pieces["id"]).sum() * 100
    return coverage, cells, habitable, mask


def pharmacies_path(study):
    return next(f.path for f in study.config.facilities)


def test_residents_live_off_forest_and_water_and_pharmacy_coverage_follows(berlin_land):
    from dataclasses import replace

    from quartier.compute import population_surface
    from quartier.indicators.accessibility import accessibility_by_quarter
    from quartier.validation import ValidationReport

    study, cover = berlin_land
    three = replace(study, quarters=study.quarters[study.quarters["quarter_id"].isin(_LIVING)])
    surface = population_surface(three, ValidationReport())
    assert surface.attrs["population_method"].kind == "uninhabited"
    register = three.population_quarters.set_index("quarter_id")["total"]
    sums = surface.groupby("quarter_id")["total"].sum()
    assert sums.to_numpy() == pytest.approx(register.loc[sums.index].to_numpy(), rel=1e-12)

    pharmacies = study.facilities[study.facilities["category"] == "pharmacy"]
    ours = accessibility_by_quarter(surface, surface["total"].to_numpy(), pharmacies,
                                    max_distance=1000.0, catchment=1000.0,
                                    supply=np.ones(len(pharmacies)))["coverage"]
    theirs, cells, habitable, mask = _independent_coverage(study, cover)
    # equal to 1e-6 percentage points (the two differ only in floating-point rounding)
    assert ours.loc[list(_LIVING)].to_numpy() == pytest.approx(
        theirs.loc[list(_LIVING)].to_numpy(), abs=1e-6)
    # the figures (with residents spread evenly they were 41.1, 23.7 and 14.0 %)
    assert ours.loc[list(_LIVING)].round(1).tolist() == pytest.approx([95.6, 94.2, 61.0],
                                                                       abs=0.15)

    # no cell lying wholly in forest or water carries residents; Großer Müggelsee (in Kietzer
    # Feld/Nachtheide) and the Grunewald (in Hundekehle) are empty
    shapely.prepare(mask)
    drowned = cells[shapely.contains(mask, cells.geometry.to_numpy())]
    corner = drowned.geometry.bounds
    drowned_ids = {f"100mN{y:.0f}E{x:.0f}" for x, y in zip(corner["minx"], corner["miny"])}
    assert len(drowned_ids) > 1000
    assert not drowned_ids & set(surface.loc[surface["total"] > 0, "cell_id"])
    water = gpd.read_file(BERLIN / "landuse" / "osm_water.gpkg").to_crs(25833)
    lake = water.loc[water["name"] == "Großer Müggelsee"].geometry.iloc[0]
    in_lake = surface[surface.within(lake.buffer(-100))]
    assert in_lake.empty
