"""Tests of the Musterstadt sample data (``data/sample``) and its generator.

The committed files must be exactly what the generator writes, and the data must keep the
promises the documentation makes about them (totals, formats, gaps, editions). The invariants
are checked on the committed files with independent code, not with the generator's internals.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from quartier.sample.musterstadt import FILES, generate

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MAIN_TOWN = ["01", "02", "03", "04", "05", "06"]
VILLAGE = "07"
AGE_COLUMNS = ["Unter10", "a10bis19", "a20bis29", "a30bis39", "a40bis49", "a50bis59",
               "a60bis69", "a70bis79", "a80undaelter"]
REGISTER_BANDS = ["0 bis 2", "3 bis 5", "6 bis 9", "10 bis 14", "15 bis 17", "18 bis 24",
                  "25 bis 44", "45 bis 64", "65 bis 74", "75 bis 79", "80 und älter"]
FIELDS = {
    "housing": ["assisted_living", "social_housing", "shelter"],
    "environment": ["playground", "park", "transit_stop", "rail_station", "supermarket",
                    "convenience_store", "marketplace", "sports_facility", "post_office"],
    "social_infrastructure": ["kita", "childminder", "primary_school", "secondary_school",
                              "youth_centre", "community_centre", "senior_centre", "library",
                              "family_centre", "place_of_worship"],
    "counselling": ["social_counselling", "debt_counselling", "migration_counselling",
                    "family_counselling", "care_counselling", "addiction_counselling"],
    "everyday_help": ["food_bank", "clothes_store", "neighbourhood_help", "visiting_service",
                      "social_department_store"],
    "health_care": ["gp", "paediatrician", "doctor", "pharmacy", "clinic", "nursing_home",
                    "day_care_elderly", "ambulatory_care"],
}
FIELD_OF = {key: field for field, keys in FIELDS.items() for key in keys}
CAPACITY_CATEGORIES = {"kita", "childminder", "primary_school", "secondary_school",
                       "nursing_home", "day_care_elderly", "assisted_living", "social_housing",
                       "youth_centre", "shelter"}
UTF8_FILES = [name for name in FILES if name not in ("einwohner_quartiere.csv",)]


# ---------------------------------------------------------------------------------- helpers

def read_csv(name: str, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a committed sample table with every value as text."""
    return pd.read_csv(SAMPLE / name, sep=";", dtype=str, keep_default_na=False,
                       encoding=encoding)


def number(values: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal comma."""
    return values.str.replace(",", ".", regex=False).astype(float)


@pytest.fixture(scope="module")
def quarters() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "quartiere.geojson")


@pytest.fixture(scope="module")
def grid(quarters: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zensus cells with their quarter (cell centre transformed to EPSG:25832, sjoin)."""
    population = read_csv("zensus2022_bevoelkerung_100m.csv")
    points = gpd.GeoDataFrame(
        population,
        geometry=gpd.points_from_xy(population["x_mp_100m"].astype(int),
                                    population["y_mp_100m"].astype(int)),
        crs="EPSG:3035").to_crs(quarters.crs)
    joined = gpd.sjoin(points, quarters[["quartier_nr", "geometry"]], how="left",
                       predicate="within")
    assert not joined.index.duplicated().any(), "a cell centre lies in two quarters"
    joined["Einwohner"] = joined["Einwohner"].astype(int)
    return joined


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    frame = read_csv("einwohner_quartiere.csv", encoding="cp1252")
    frame["quartier_nr"] = frame["Quartier"].str.zfill(2)
    for column in ["Einwohner", *REGISTER_BANDS]:
        frame[column] = frame[column].astype(int)
    return frame.set_index("quartier_nr")


@pytest.fixture(scope="module")
def editions() -> dict[str, pd.DataFrame]:
    return {edition: read_csv(f"einrichtungen_{edition}.csv") for edition in ("2024", "2025")}


# ---------------------------------------------------------------------------------- generator

def test_committed_files_are_generator_output(tmp_path: Path) -> None:
    paths = generate(tmp_path)
    assert [p.name for p in paths] == list(FILES)
    # README.md is written by hand; the edition store and the internal partner list under
    # reports/ (both git-ignored) appear once a report ran
    committed = sorted(p.name for p in SAMPLE.iterdir()
                       if p.name not in ("README.md", "reports")
                       and ".editions.sqlite" not in p.name)
    assert committed == sorted(FILES), "data/sample holds files the generator does not write"
    for path in paths:
        assert path.read_bytes() == (SAMPLE / path.name).read_bytes(), (
            f"{path.name} differs from the generator output; regenerate with "
            "`python -m quartier.sample.musterstadt data/sample`")


def test_command_line_entry_point(tmp_path: Path) -> None:
    from quartier.sample.musterstadt import main

    assert main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)


# ---------------------------------------------------------------------------------- quarters

def test_quarters_file(quarters: gpd.GeoDataFrame) -> None:
    assert quarters.crs is not None and quarters.crs.to_epsg() == 25832
    assert list(quarters["quartier_nr"]) == [f"{i:02d}" for i in range(1, 8)]
    assert all(isinstance(v, str) for v in quarters["quartier_nr"])
    assert quarters.geometry.is_valid.all()
    assert '"crs"' in (SAMPLE / "quartiere.geojson").read_text(encoding="utf-8")
    minx, miny, maxx, maxy = quarters.total_bounds
    assert 476_000 <= minx and maxx <= 482_000 and 5_462_000 <= miny and maxy <= 5_468_000


def test_main_town_tiles_and_village_is_detached(quarters: gpd.GeoDataFrame) -> None:
    shapes = quarters.set_index("quartier_nr").geometry
    for a, b in itertools.combinations(MAIN_TOWN, 2):
        assert shapes[a].intersection(shapes[b]).area < 1.0, (a, b)
    town = shapes[MAIN_TOWN].union_all()
    assert town.geom_type == "Polygon" and len(town.interiors) == 0   # no gaps inside
    assert abs(town.area - shapes[MAIN_TOWN].area.sum()) < 1.0
    assert not shapes[VILLAGE].touches(town) and not shapes[VILLAGE].intersects(town)
    assert 1_000 < shapes[VILLAGE].distance(town) < 2_500


# ---------------------------------------------------------------------------------- population

def test_zensus_format() -> None:
    raw = (SAMPLE / "zensus2022_bevoelkerung_100m.csv").read_bytes()
    assert raw.startswith(b"GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner\n")
    population = read_csv("zensus2022_bevoelkerung_100m.csv")
    parts = population["GITTER_ID_100m"].str.extract(r"^CRS3035RES100mN(\d+)E(\d+)$")
    assert parts.notna().all().all()
    north, east = parts[0].astype(int), parts[1].astype(int)
    assert (north % 100 == 0).all() and (east % 100 == 0).all()
    assert (population["x_mp_100m"].astype(int) == east + 50).all()
    assert (population["y_mp_100m"].astype(int) == north + 50).all()
    assert (population["Einwohner"].astype(int) > 0).all()
    assert population["GITTER_ID_100m"].is_unique
    assert list(population["GITTER_ID_100m"]) == sorted(population["GITTER_ID_100m"])


def test_age_grid_matches_and_suppresses() -> None:
    population = read_csv("zensus2022_bevoelkerung_100m.csv")
    ages = read_csv("zensus2022_alter_10er_100m.csv")
    assert list(ages.columns) == ["GITTER_ID_100m", "x_mp_100m", "y_mp_100m",
                                  "Insgesamt_Bevoelkerung", *AGE_COLUMNS,
                                  "werterlaeuternde_Zeichen"]
    assert list(ages["GITTER_ID_100m"]) == list(population["GITTER_ID_100m"])
    assert list(ages["Insgesamt_Bevoelkerung"]) == list(population["Einwohner"])
    total = ages["Insgesamt_Bevoelkerung"].astype(int)
    suppressed = (ages[AGE_COLUMNS] == "\u2013")
    small = total < 3
    assert small.any(), "the sample should show suppressed cells"
    assert suppressed[small].all().all() and not suppressed[~small].any().any()
    assert (ages["werterlaeuternde_Zeichen"] == "").all()
    bands = ages.loc[~small, AGE_COLUMNS].astype(int)
    assert (bands.sum(axis=1) == total[~small]).all()


def test_register_totals_equal_grid_totals(grid: gpd.GeoDataFrame,
                                           register: pd.DataFrame) -> None:
    assert grid["quartier_nr"].notna().all(), "every populated cell lies in a quarter"
    per_quarter = grid.groupby("quartier_nr")["Einwohner"].sum()
    assert per_quarter.to_dict() == register["Einwohner"].to_dict()
    assert (register[REGISTER_BANDS].sum(axis=1) == register["Einwohner"]).all()
    assert 25_000 <= register["Einwohner"].sum() <= 29_000
    assert register.loc["06", "Einwohner"] <= 200                 # commercial quarter
    assert grid.loc[grid["quartier_nr"] == "06"].shape[0] <= 10


def test_register_bands_consistent_with_grid(grid: gpd.GeoDataFrame,
                                             register: pd.DataFrame) -> None:
    ages = read_csv("zensus2022_alter_10er_100m.csv").set_index("GITTER_ID_100m")
    cells = ages.join(grid.set_index("GITTER_ID_100m")["quartier_nr"])
    known = cells[cells["Unter10"] != "\u2013"]
    hidden = cells[cells["Unter10"] == "\u2013"].groupby("quartier_nr")[
        "Insgesamt_Bevoelkerung"].apply(lambda s: s.astype(int).sum())
    for grid_column, register_columns in (("Unter10", ["0 bis 2", "3 bis 5", "6 bis 9"]),
                                          ("a80undaelter", ["80 und älter"])):
        grid_sum = known.groupby("quartier_nr")[grid_column].apply(lambda s: s.astype(int).sum())
        register_sum = register[register_columns].sum(axis=1)
        slack = hidden.reindex(register_sum.index, fill_value=0)
        assert ((register_sum - grid_sum) >= 0).all()
        assert ((register_sum - grid_sum) <= slack).all()


def test_quarters_differ_in_age_structure(register: pd.DataFrame) -> None:
    share_80 = register["80 und älter"] / register["Einwohner"]
    share_kids = register[["0 bis 2", "3 bis 5", "6 bis 9"]].sum(axis=1) / register["Einwohner"]
    assert share_80.idxmax() == "01"                     # Altstadt: oldest
    assert share_kids[MAIN_TOWN].idxmax() == "04"        # Südhang: young families


def test_register_file_is_excel_export() -> None:
    raw = (SAMPLE / "einwohner_quartiere.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.startswith("Quartier;Quartiersname;Einwohner;0 bis 2;")
    assert "80 und älter" in text and "Südhang" in text
    assert raw.count(b"\r\n") == raw.count(b"\n") == 8
    ids = [line.split(";")[0] for line in text.split("\r\n")[1:] if line]
    assert ids == [str(i) for i in range(1, 8)]               # no leading zeros


def test_utf8_files_have_no_bom_and_unix_line_ends() -> None:
    for name in UTF8_FILES:
        raw = (SAMPLE / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, name
        raw.decode("utf-8")


# ---------------------------------------------------------------------------------- facilities

def test_facility_files(editions: dict[str, pd.DataFrame]) -> None:
    header = ["id", "name", "kategorie", "traeger", "plaetze", "strasse", "hausnummer", "plz",
              "ort", "rechtswert", "hochwert", "zielgruppe"]
    for edition, frame in editions.items():
        assert list(frame.columns) == header
        assert len(frame) >= 150, edition
        assert frame["id"].is_unique and list(frame["id"]) == sorted(frame["id"])
        assert frame["id"].str.fullmatch(r"E\d{4}").all()
        assert set(frame["kategorie"]) <= set(FIELD_OF), set(frame["kategorie"]) - set(FIELD_OF)
        assert {FIELD_OF[c] for c in frame["kategorie"]} == set(FIELDS)
        assert frame["rechtswert"].str.fullmatch(r"\d{6},\d").all()
        assert frame["hochwert"].str.fullmatch(r"\d{7},\d").all()
        has_capacity = frame["plaetze"] != ""
        assert set(frame.loc[has_capacity, "kategorie"]) <= CAPACITY_CATEGORIES
        assert (frame.loc[frame["kategorie"].isin(CAPACITY_CATEGORIES), "plaetze"] != "").all()
        assert (frame.loc[has_capacity, "plaetze"].astype(int) > 0).all()


def test_editions_differ(editions: dict[str, pd.DataFrame]) -> None:
    old, new = (editions[e].set_index("id") for e in ("2024", "2025"))
    closed = old.index.difference(new.index)
    opened = new.index.difference(old.index)
    assert 5 <= len(closed) <= 8 and 5 <= len(opened) <= 8
    assert opened.min() > old.index.max()                  # new ids, never reused
    both = old.index.intersection(new.index)
    assert (old.loc[both, "name"] == new.loc[both, "name"]).all()
    changed = old.loc[both, "plaetze"] != new.loc[both, "plaetze"]
    assert 2 <= changed.sum() <= 8


def test_facilities_mostly_inside_quarters(editions: dict[str, pd.DataFrame],
                                           quarters: gpd.GeoDataFrame) -> None:
    for frame in editions.values():
        points = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(number(frame["rechtswert"]),
                                               number(frame["hochwert"])), crs="EPSG:25832")
        joined = gpd.sjoin(points, quarters[["quartier_nr", "geometry"]], how="left",
                           predicate="within")
        outside = joined[joined["quartier_nr"].isna()]
        assert 2 <= len(outside) <= 3
        assert (outside["ort"] != "Musterstadt").all()
        town = quarters.geometry.union_all()
        assert (outside.distance(town) < 500).all()          # just across the boundary
        inside = joined[joined["quartier_nr"].notna()]
        village = inside["quartier_nr"] == VILLAGE
        assert (inside.loc[village, "ort"] == "Musterstadt-St. Ilgenau").all()
        assert (inside.loc[~village, "ort"] == "Musterstadt").all()
        assert (inside["plz"] == "69181").all()


def test_visible_gaps(editions: dict[str, pd.DataFrame], quarters: gpd.GeoDataFrame,
                      register: pd.DataFrame) -> None:
    frame = editions["2025"]
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(number(frame["rechtswert"]),
                                           number(frame["hochwert"])), crs="EPSG:25832")
    joined = gpd.sjoin(points, quarters[["quartier_nr", "geometry"]], predicate="within")
    in_village = set(joined.loc[joined["quartier_nr"] == VILLAGE, "kategorie"])
    assert not in_village & {"gp", "supermarket"}
    kita = joined[joined["kategorie"] == "kita"]
    places = kita.groupby("quartier_nr")["plaetze"].apply(lambda s: s.astype(int).sum())
    children = register[["0 bis 2", "3 bis 5"]].sum(axis=1)
    rate = (places / children).reindex(MAIN_TOWN[:5])
    assert rate.idxmin() == "02"                           # station quarter lacks Kita places
    in_suedhang = set(joined.loc[joined["quartier_nr"] == "04", "kategorie"])
    assert not in_suedhang & {"nursing_home", "day_care_elderly", "assisted_living"}


# ---------------------------------------------------------------------------------- tables

def test_housing_and_social_tables() -> None:
    housing = read_csv("wohnen.csv")
    assert list(housing["quartier"]) == [f"{i:02d}" for i in range(1, 8)]
    assert housing["durchschnittsmiete_qm"].str.fullmatch(r"\d+,\d\d").all()
    social = read_csv("sozialindikatoren.csv")
    assert sorted(set(social["jahr"])) == ["2022", "2023", "2024", "2025"]
    assert len(social) == 7 * 4
    shares = social.columns[3:]
    for column in shares:
        assert social[column].str.fullmatch(r"\d+,\d").all(), column
        assert number(social[column]).between(0, 100).all(), column
    sgb2 = social.assign(v=number(social["sgb2_anteil"])).pivot(index="quartier", columns="jahr",
                                                                  values="v")
    assert sgb2["2025"].idxmax() == "02"                   # station quarter: transfer payments
    assert (sgb2.diff(axis=1).abs().iloc[:, 1:] < 2).all().all()   # smooth


def test_actors_and_measures() -> None:
    actors = read_csv("akteure.csv")
    assert list(actors.columns) == ["id", "name", "art", "handlungsfelder", "quartier",
                                    "ansprechperson", "email", "telefon", "oeffentlich"]
    assert 35 <= len(actors) <= 45 and actors["id"].is_unique
    assert set(actors["art"]) <= {"Verein", "Kirchengemeinde", "Wohlfahrtsverband",
                                  "Wohnungsunternehmen", "Einzelhandel", "Initiative",
                                  "Verwaltung", "Schule", "Kita", "Gesundheit"}
    fields = {f for value in actors["handlungsfelder"] for f in value.split("|")}
    assert fields == set(FIELDS)
    assert set(actors["quartier"]) <= {"", *MAIN_TOWN, VILLAGE}
    assert actors["email"].str.endswith("@example.org").all()
    assert actors["telefon"].str.match(r"^030 23125 \d{3}$").all()  # fiction-only block
    private = (actors["oeffentlich"] == "nein").mean()
    assert set(actors["oeffentlich"]) == {"ja", "nein"} and 0.25 <= private <= 0.45

    measures = read_csv("massnahmen.csv")
    assert len(measures) == 13
    assert set(measures["status"]) == {"geplant", "laufend", "abgeschlossen", "abgebrochen"}
    assert set(measures["handlungsfeld"]) <= set(FIELDS)
    targets = measures["ziel_kategorie"].str.split(":")
    assert set(targets.str[0]) <= set(FIELD_OF)
    assert set(targets[targets.str.len() == 2].str[1]) <= {"supply_rate", "median_distance",
                                                           "coverage", "fca_access"}
    for value in measures["quartier"]:
        assert set(value.split("|")) <= {*MAIN_TOWN, VILLAGE}
    for column in ("beginn", "ende"):
        assert pd.to_datetime(measures[column], format="%Y-%m-%d").notna().all()
    planned, spent = number(measures["budget_geplant"]), number(measures["budget_ausgegeben"])
    assert (spent <= planned).all()


def test_concerns() -> None:
    concerns = read_csv("anliegen.csv")
    assert list(concerns.columns) == ["id", "datum", "handlungsfeld", "quartier", "rechtswert",
                                      "hochwert", "status", "thema", "notiz"]
    assert 300 <= len(concerns) <= 600 and concerns["id"].is_unique
    assert set(concerns["handlungsfeld"]) == set(FIELDS)
    assert set(concerns["datum"].str[:4]) == {"2023", "2024", "2025"}
    assert set(concerns["status"]) == {"offen", "in Bearbeitung", "weitergeleitet", "erledigt"}
    by_point = concerns["quartier"] == ""
    assert 0.2 <= by_point.mean() <= 0.5                       # place only, no quarter
    assert (concerns.loc[by_point, "rechtswert"] != "").all()
    assert (concerns.loc[~by_point, "rechtswert"] == "").all()
    assert (concerns["notiz"] != "").all()                     # internal free text


def test_no_personal_names_in_childminder_names(editions: dict[str, pd.DataFrame]) -> None:
    first_names = {"Anna", "Thomas", "Sabine", "Michael", "Julia", "Stefan", "Katrin",
                   "Andreas", "Miriam", "Jonas", "Claudia", "Markus", "Lena", "Tobias", "Heike",
                   "Daniel", "Ayşe", "Mehmet", "Elena", "Jan", "Petra", "Frank", "Nadine",
                   "Oliver", "Sophie", "Bernd", "Ulrike", "Kemal", "Ines", "Ralf", "Birgit",
                   "Lukas"}
    for frame in editions.values():
        names = frame.loc[frame["kategorie"] == "childminder", "name"]
        assert len(names) >= 5
        assert not {word for name in names for word in name.split()} & first_names


def test_config_names_every_file() -> None:
    config = tomllib.loads((SAMPLE / "quartier.toml").read_text(encoding="utf-8"))
    assert config["study"]["name"] == "Musterstadt"
    assert config["study"]["crs"] == "EPSG:25832" and config["study"]["edition"] == "2025"
    paths = [config["quarters"]["path"], *config["population"]["grid"]["path"],
             config["population"]["quarters"]["path"], config["housing"]["path"],
             config["social"][0]["path"], config["actors"]["path"], config["measures"]["path"],
             config["concerns"]["path"]]
    paths += [config["facilities"][0]["path"].replace("{edition}", e) for e in ("2024", "2025")]
    assert sorted(paths) == sorted(n for n in FILES if n != "quartier.toml")
    register_columns = set(config["population"]["quarters"]["columns"].values())
    assert register_columns == {"Quartier", "Quartiersname", "Einwohner", *REGISTER_BANDS}
    assert config["facilities"][0]["address_columns"] == ["strasse", "hausnummer", "plz", "ort"]
    assert config["actors"]["list_separator"] == config["measures"]["list_separator"] == "|"


def test_readme_says_fictitious() -> None:
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "fiktiv" in text.lower() and "fictitious" in text.lower()
    assert "python -m quartier.sample.musterstadt data/sample" in text
