"""A national Zensus grid read only for the study area (issue 14, 4): clip, cache, flags, preset."""

from __future__ import annotations

import shutil
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SAMPLE, X0, Y0
from pyproj import Transformer

import quartier
from quartier.load import zensus
from quartier.load.population import PRESETS, covers_all_ages
from quartier.load.zensus import ClippedGrid, clip_grid_csv, study_area_box

AGE_COLUMNS = ["Unter10", "a10bis19", "a20bis29", "a30bis39", "a40bis49", "a50bis59",
               "a60bis69", "a70bis79", "a80undaelter"]
BUFFER_M = 500.0


def national_frames(rows: int = 6000, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cells on the 100 m lattice of a 30 km square around the test quarters, in the Zensus
    format: population (``Einwohner``) and 10-year ages with suppressed values and flags."""
    rng = np.random.default_rng(seed)
    east0, north0 = 4_210_000, 2_900_000  # the test quarters are near 4 225 000 / 2 915 000
    index = np.sort(rng.choice(300 * 300, size=rows, replace=False))
    east, north = east0 + index % 300 * 100, north0 + index // 300 * 100
    ids = [f"CRS3035RES100mN{n}E{e}" for n, e in zip(north, east, strict=True)]
    total = rng.integers(1, 60, size=rows)
    population = pd.DataFrame({"GITTER_ID_100m": ids, "x_mp_100m": east + 50,
                               "y_mp_100m": north + 50, "Einwohner": total})
    shares = rng.dirichlet(np.ones(len(AGE_COLUMNS)), size=rows)
    counts = np.floor(shares * total[:, None]).astype(int)
    counts[:, 0] += total - counts.sum(axis=1)
    ages = pd.DataFrame(counts, columns=AGE_COLUMNS).astype(str)
    ages.loc[total < 8, :] = "–"  # Destatis suppresses small counts
    ages.insert(0, "Insgesamt_Bevoelkerung", total)
    ages.insert(0, "y_mp_100m", north + 50)
    ages.insert(0, "x_mp_100m", east + 50)
    ages.insert(0, "GITTER_ID_100m", ids)
    ages["werterlaeuternde_Zeichen"] = np.where(rng.random(rows) < 0.3, "KLAMMERN", "")
    return population, ages


def csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(sep=";", index=False, lineterminator="\n")


def quarters_box() -> tuple[float, float, float, float]:
    """The study box worked out from the test quarters' corners by hand (not by the module)."""
    to_3035 = Transformer.from_crs(25832, 3035, always_xy=True)
    outline = shapely.segmentize(shapely.box(X0 - BUFFER_M, Y0 - BUFFER_M, X0 + 2000 + BUFFER_M,
                                             Y0 + 1000 + BUFFER_M), 10)
    xs, ys = to_3035.transform(*np.asarray(outline.exterior.coords).T)
    return xs.min(), ys.min(), xs.max(), ys.max()


def inside(frame: pd.DataFrame, box) -> pd.DataFrame:
    x, y = frame["x_mp_100m"].astype(float), frame["y_mp_100m"].astype(float)
    return frame[(x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])]


def grid_config(make_study, files: dict, paths: str, extra: str = "") -> object:
    path = make_study(files=files, extra=f"[indicators]\ncontext_buffer_m = {BUFFER_M}\n")
    text = path.read_text().replace(
        "[population.quarters]", f"[population.grid]\npath = {paths}\nformat = \"zensus2022\"\n"
        f"study_area_only = true\n{extra}\n[population.quarters]")
    path.write_text(text)
    return path


def test_study_box_holds_the_buffered_quarters():
    quarters = gpd.GeoDataFrame(
        geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 1000)], crs="EPSG:25832")
    box = study_area_box(quarters, BUFFER_M, "EPSG:3035")
    by_hand = quarters_box()
    assert box == pytest.approx(by_hand, abs=0.5)
    # the box is not much larger than the buffered quarters (3 km × 2 km, slightly rotated)
    assert 3000 <= box[2] - box[0] <= 3100 and 2000 <= box[3] - box[1] <= 2100


@pytest.mark.parametrize("zipped", [False, True])
def test_clip_keeps_exactly_the_cells_in_the_box(tmp_path, zipped):
    population, _ = national_frames()
    source = tmp_path / "Zensus2022_Bevoelkerungszahl_100m-Gitter.csv"
    source.write_text(csv_text(population), encoding="utf-8")
    if zipped:
        archive = tmp_path / "Zensus2022_Bevoelkerungszahl.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(source, source.name)
            out.writestr("Datensatzbeschreibung.pdf", b"%PDF")
        source.unlink()
        source = archive
    box = quarters_box()
    # small blocks: lines are cut across many block edges
    clipped = clip_grid_csv(source, box, block_bytes=4096)
    expected = inside(population, box)
    assert 20 < len(expected) < len(population) / 10
    assert clipped.rows_read == len(population)
    assert sorted(clipped.table["GITTER_ID_100m"]) == sorted(expected["GITTER_ID_100m"])
    assert clipped.table["Einwohner"].astype(int).sum() == expected["Einwohner"].sum()
    # _row is the line of the file (header on line 1)
    row = clipped.table.iloc[0]
    position = population.index[population["GITTER_ID_100m"] == row["GITTER_ID_100m"]][0]
    assert row["_row"] == position + 2


def test_cells_without_coordinates_are_located_by_their_id(tmp_path):
    population, _ = national_frames()
    only_ids = population[["GITTER_ID_100m", "Einwohner"]]
    (tmp_path / "ids.csv").write_text(csv_text(only_ids), encoding="utf-8")
    box = quarters_box()
    clipped = clip_grid_csv(tmp_path / "ids.csv", box, block_bytes=2048)
    assert sorted(clipped.table["GITTER_ID_100m"]) == \
        sorted(inside(population, box)["GITTER_ID_100m"])


def test_unreadable_and_blank_lines_windows_dashes_and_crlf(tmp_path):
    _, ages = national_frames()
    box = quarters_box()
    text = csv_text(ages).replace("\n", "\r\n")
    bad = "CRS3035RES100mX;?;?;5;1;1;1;1;1;0;0;0;0;\r\n\r\n"
    (tmp_path / "ages.csv").write_bytes((text + bad).encode("cp1252"))
    clipped = clip_grid_csv(tmp_path / "ages.csv", box, block_bytes=1024)
    expected = inside(ages, box)
    kept = clipped.table.set_index("GITTER_ID_100m")
    # the line that cannot be located is kept for the loader to report; the blank one is not
    assert sorted(kept.index) == sorted([*expected["GITTER_ID_100m"], "CRS3035RES100mX"])
    assert kept.loc["CRS3035RES100mX", "_row"] == len(ages) + 2
    suppressed = expected.loc[expected["Unter10"] == "–", "GITTER_ID_100m"]
    assert len(suppressed) and (kept.loc[suppressed, "Unter10"] == "–").all()


def test_study_reads_only_its_area_and_joins_the_files(make_study):
    population, ages = national_frames()
    path = grid_config(make_study, {"zensus.csv": csv_text(population),
                                    "alter.csv": csv_text(ages)}, '["zensus.csv", "alter.csv"]')
    study, report = quartier.validate_study(path)
    assert study is not None, report.findings
    grid = study.population_grid.set_index("cell_id")
    expected = inside(population, quarters_box()).set_index("GITTER_ID_100m")
    assert sorted(grid.index) == sorted(expected.index)
    assert grid["total"].sum() == expected["Einwohner"].sum()
    in_ages = inside(ages, quarters_box()).set_index("GITTER_ID_100m")
    readable = in_ages["a80undaelter"] != "–"
    assert grid.loc[readable[readable].index, "age_80_plus"].sum() == \
        in_ages.loc[readable, "a80undaelter"].astype(int).sum()
    notes = [f.message for f in report.findings if f.code == "grid_study_area"]
    assert len(notes) == 2 and f"Von {len(population)} Gitterzellen" in notes[0]
    # flags become one note counting the flagged cells of the area
    flags = [f.message for f in report.findings if f.code == "value_flags"]
    flagged = int((in_ages["werterlaeuternde_Zeichen"] == "KLAMMERN").sum())
    meaning = zensus.FLAG_MEANINGS["KLAMMERN"]
    assert flagged and flags == [f"{flagged} Gitterzellen haben werterläuternde Zeichen "
                                 f"(KLAMMERN: {flagged} Werte ({meaning}))."]


def test_destatis_zip_as_downloaded(make_study, tmp_path):
    population, _ = national_frames()
    archive = tmp_path / "Zensus2022_Bevoelkerungszahl.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("Zensus2022_Bevoelkerungszahl_100m-Gitter.csv", csv_text(population))
    path = grid_config(make_study, {}, '"Zensus2022_Bevoelkerungszahl.zip"')
    study, report = quartier.validate_study(path)
    assert study is not None, report.findings
    assert len(study.population_grid) == len(inside(population, quarters_box()))


def test_cache_is_used_and_renewed_when_the_file_changes(make_study, monkeypatch):
    population, _ = national_frames()
    path = grid_config(make_study, {"zensus.csv": csv_text(population)}, '"zensus.csv"')
    reads = []
    original = zensus.clip_grid_csv

    def counted(*args, **kwargs) -> ClippedGrid:
        reads.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(zensus, "clip_grid_csv", counted)
    first, _ = quartier.validate_study(path)
    assert len(reads) == 1 and list((path.parent / ".quartier-cache").glob("zensus-*.csv.gz"))
    second, report = quartier.validate_study(path)
    assert len(reads) == 1  # from the cache
    assert any("Zwischenspeicher" in f.message for f in report.findings
               if f.code == "grid_study_area")
    pd.testing.assert_frame_equal(first.population_grid, second.population_grid)
    # a new cell inside the area: the file changes, the cache is read again
    centre = inside(population, quarters_box()).iloc[0]
    new_x, new_y = int(centre["x_mp_100m"]) + 7, int(centre["y_mp_100m"])
    with open(path.parent / "zensus.csv", "a", encoding="utf-8") as out:
        out.write(f"CRS3035RES100mN0E0;{new_x};{new_y};1000\n")
    third, _ = quartier.validate_study(path)
    assert len(reads) == 2
    assert third.population_grid["total"].sum() == first.population_grid["total"].sum() + 1000
    assert len(list((path.parent / ".quartier-cache").glob("zensus-*.csv.gz"))) == 1


def test_swapped_coordinates_keep_no_cell_and_say_so(make_study):
    population, _ = national_frames()
    swapped = population.rename(columns={"x_mp_100m": "y_mp_100m", "y_mp_100m": "x_mp_100m"})
    path = grid_config(make_study, {"zensus.csv": csv_text(swapped)}, '"zensus.csv"')
    _, report = quartier.validate_study(path)
    errors = [f for f in report.findings if f.code == "grid_outside_quarters"]
    assert errors and "vertauscht" in errors[0].hint


def test_infrastructure_age_groups_preset(make_study):
    columns = ["Unter3", "a3bis5", "a6bis9", "a10bis15", "a16bis18", "a19bis24", "a25bis39",
               "a40bis59", "a60bis66", "a67bis74", "a75undaelter"]
    preset = {v: k for k, v in PRESETS["zensus2022"].items()}
    assert covers_all_ages([preset[c] for c in columns])
    header = "GITTER_ID_100m;x_mp_100m;y_mp_100m;Insgesamt_Bevoelkerung;" + ";".join(columns)
    cell = "CRS3035RES100mN2915000E4225000;4225050;2915050;66;" + ";".join(
        str(n) for n in range(1, 12))
    path = make_study(files={"infr.csv": f"{header}\n{cell}\n"})
    text = path.read_text().replace("[population.quarters]", "[population.grid]\npath = "
                                    "\"infr.csv\"\nformat = \"zensus2022\"\n\n"
                                    "[population.quarters]")
    path.write_text(text)
    study, report = quartier.validate_study(path)
    grid = study.population_grid.iloc[0]
    assert grid["age_0_2"] == 1 and grid["age_3_5"] == 2 and grid["age_75_plus"] == 11
    assert grid["total"] == 66 == sum(grid[preset[c]] for c in columns)


def test_sample_study_loads_identically_when_clipped(tmp_path):
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("reports", "*.sqlite",
                                                                   ".quartier-cache"))
    config = folder / "quartier.toml"
    whole, _ = quartier.validate_study(config)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('format = "zensus2022"\n',
                                   'format = "zensus2022"\nstudy_area_only = true\n', 1),
                      encoding="utf-8")
    clipped, report = quartier.validate_study(config)
    assert "grid_study_area" in report.codes("note")
    pd.testing.assert_frame_equal(whole.population_grid, clipped.population_grid)
