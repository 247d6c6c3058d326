"""``quartier init``: a commented config from a folder of files, which then validates."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from click.testing import CliRunner
from conftest import BERLIN, SAMPLE, quarters_geojson, requires_berlin

from quartier.cli import cli
from quartier.init import init_config


def _validate(path) -> int:
    return CliRunner().invoke(cli, ["validate", "--quiet", str(path)]).exit_code


def test_sample_files_give_a_config_that_validates(tmp_path):
    for pattern in ("*.csv", "quartiere.geojson"):
        for file in SAMPLE.glob(pattern):
            shutil.copy(file, tmp_path / file.name)
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((tmp_path / "quartier.toml").read_text(encoding="utf-8"))
    assert config["quarters"]["columns"]["quarter_id"] == "quartier_nr"
    assert config["population"]["grid"]["format"] == "zensus2022"
    assert config["population"]["quarters"]["columns"]["age_80_plus"] == "80 und älter"
    # two editions of the register become one block with {edition}
    assert [f["path"] for f in config["facilities"]] == ["einrichtungen_{edition}.csv"]
    assert config["facilities"][0]["columns"]["category"] == "kategorie"
    assert config["study"]["edition"] == "2025"
    assert config["housing"]["path"] == "wohnen.csv"
    assert config["social"][0]["columns"]["year"] == "jahr"
    text = (tmp_path / "quartier.toml").read_text(encoding="utf-8")
    assert "# Nicht zugeordnet" in text and "akteure.csv" in text
    assert _validate(tmp_path / "quartier.toml") == 0


def test_existing_config_is_never_overwritten(tmp_path):
    (tmp_path / "quartier.toml").write_text("# meins\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "nicht überschrieben" in result.output
    assert (tmp_path / "quartier.toml").read_text(encoding="utf-8") == "# meins\n"
    with pytest.raises(FileExistsError):
        init_config(tmp_path)


def test_unknown_category_block_is_commented_out_and_names_the_edit(tmp_path):
    (tmp_path / "quartiere.geojson").write_text(quarters_geojson(), encoding="utf-8")
    (tmp_path / "einwohner.csv").write_text("nr;einwohner\n01;100\n02;200\n", encoding="utf-8")
    (tmp_path / "angebote.csv").write_text("name;x;y\nTreff;476500;5465500\n",
                                           encoding="utf-8")
    path, _ = init_config(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "Kategorie nicht erkannt" in text and '# category = "…"' in text
    assert _validate(path) == 0  # the commented block does not stop validation
    # the edit the comment asks for: choose a category and uncomment the block
    block = text[text.index("# [[facilities]]"):].split("\n\n")[0]
    edited = "\n".join(line[2:] for line in block.splitlines()).replace('"…"', '"community_centre"')
    path.write_text(text.replace(block, edited), encoding="utf-8")
    assert _validate(path) == 0
    assert tomllib.loads(path.read_text(encoding="utf-8"))["facilities"][0]["crs"] == "EPSG:25832"


@requires_berlin
def test_berlin_files_give_a_config_that_validates(tmp_path):
    for file in (BERLIN / "plr_2021").iterdir():
        (tmp_path / file.name).symlink_to(file)
    (tmp_path / "einwohner_plr_2022-06.csv").symlink_to(BERLIN / "einwohner_plr_2022-06.csv")
    for file in (BERLIN / "facilities").glob("*.geojson"):
        (tmp_path / file.name).symlink_to(file)
    path, guesses = init_config(tmp_path, name="Berlin")
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    assert config["study"]["crs"] == "EPSG:25833"
    assert config["quarters"]["columns"] == {"quarter_id": "PLR_ID", "name": "PLR_NAME"}
    assert config["population"]["quarters"]["preset"] == "berlin_ew"
    categories = {f["path"]: f["category"] for f in config["facilities"]}
    assert categories == {"apothekenstandorte.geojson": "pharmacy",
                          "jugendfreizeiteinrichtungen.geojson": "youth_centre",
                          "kindertagesstaetten.geojson": "kita",
                          "pflegeeinrichtungen.geojson": "nursing_home",
                          "schulen.geojson": "school"}
    kitas = next(f for f in config["facilities"] if f["category"] == "kita")
    assert kitas["columns"]["capacity"] == "e_platz"
    assert kitas["address_columns"] == ["e_strasse", "e_hnr", "e_plz", "e_ort"]
    assert _validate(path) == 0
