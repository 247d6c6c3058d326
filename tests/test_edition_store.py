"""The edition store: exact round trip, no silent overwrite, and a writer killed mid-write."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import quartier
from quartier.editions import (
    EditionExistsError,
    EditionNotFoundError,
    StoreError,
    default_store_path,
    list_editions,
    load_edition,
    store_edition,
)
from quartier.editions import store as store_module

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "sample"
CONFIG = SAMPLE / "quartier.toml"
WRITER = Path(__file__).resolve().parent / "_store_writer.py"
LABELS = ("2024", "2025")
DATA_TABLES = ("frames", "frame_columns", "indicators", "gaps", "status", "quarters",
               "facilities", "extra_values", "fingerprints")


@pytest.fixture(scope="module")
def runs(sample_editions) -> dict[str, tuple[quartier.Study, quartier.Results]]:
    """Both sample editions (computed once per session, see ``conftest.sample_editions``)."""
    return sample_editions


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory, runs) -> Path:
    """A store holding 2024 and 2025; tests that write use a copy (:func:`store_copy`)."""
    path = tmp_path_factory.mktemp("store") / "musterstadt.editions.sqlite"
    for label in LABELS:
        store_edition(path, *runs[label])
    return path


@pytest.fixture
def store_copy(tmp_path, filled_store) -> Path:
    target = tmp_path / filled_store.name
    shutil.copyfile(filled_store, target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_digest(path: Path) -> str:
    """Checksum of everything the API returns: the list and every table of every edition."""
    digest = hashlib.sha256()
    editions = list_editions(path)
    digest.update(editions.to_csv().encode())
    for label in editions["label"]:
        edition = load_edition(path, label)
        for frame in (edition.indicators, edition.gaps, edition.status, edition.quarters,
                      edition.facilities, edition.fingerprints):
            digest.update(b"-" if frame is None else frame.to_csv().encode())
        digest.update(edition.config_text.encode())
    return digest.hexdigest()


def assert_same_edition(loaded, study, results) -> None:
    pd.testing.assert_frame_equal(loaded.indicators, results.indicators, check_exact=True)
    pd.testing.assert_frame_equal(loaded.gaps, results.gaps, check_exact=True)
    pd.testing.assert_frame_equal(loaded.status, results.social_index, check_exact=True)
    assert_geodataframe_equal(loaded.quarters, study.quarters, check_less_precise=False)
    assert_geodataframe_equal(loaded.facilities, study.facilities, check_less_precise=False)


# --------------------------------------------------------------------------------------------
# storing, listing, loading


def test_list_editions(filled_store, runs):
    editions = list_editions(filled_store)
    assert list(editions["label"]) == list(LABELS)
    assert list(editions.columns) == ["label", "created", "version", "study_name", "n_quarters",
                                      "n_facilities", "n_indicator_rows", "n_gap_rows",
                                      "has_status", "config_file"]
    for _, row in editions.iterrows():
        study, results = runs[row["label"]]
        assert row["n_quarters"] == len(study.quarters)
        assert row["n_facilities"] == len(study.facilities)
        assert row["n_indicator_rows"] == len(results.indicators)
        assert row["n_gap_rows"] == len(results.gaps)
        assert row["has_status"]
        assert row["version"] == quartier.__version__
        assert row["config_file"] == "quartier.toml"
        assert row["study_name"] == "Musterstadt"
    assert str(editions["created"].dt.tz) == "UTC"
    assert editions["created"].is_monotonic_increasing


@pytest.mark.parametrize("label", LABELS)
def test_round_trip_is_exact(filled_store, runs, label):
    study, results = runs[label]
    loaded = load_edition(filled_store, label)

    assert_same_edition(loaded, study, results)
    keys = ["quarter_id", "category", "indicator"]
    pd.testing.assert_frame_equal(
        loaded.indicators.sort_values(keys, kind="stable").reset_index(drop=True),
        results.indicators.sort_values(keys, kind="stable").reset_index(drop=True))
    assert loaded.quarters.crs == study.quarters.crs
    assert loaded.quarters.crs.to_epsg() == 25832
    assert loaded.quarters.geom_equals_exact(study.quarters, tolerance=0).all()
    assert list(loaded.quarters["quarter_id"]) == [f"{i:02d}" for i in range(1, 8)]
    assert list(loaded.facilities["facility_id"]) == list(study.facilities["facility_id"])
    assert loaded.config_text == CONFIG.read_text(encoding="utf-8-sig")
    assert loaded.edition == label
    assert loaded.info.label == label
    assert loaded.info.crs_epsg == 25832


@pytest.mark.parametrize("label", LABELS)
def test_fingerprints_cover_every_input_file(filled_store, runs, label):
    study, _ = runs[label]
    prints = load_edition(filled_store, label).fingerprints.set_index("path")
    facility_file = SAMPLE / f"einrichtungen_{label}.csv"
    row = prints.loc[facility_file.name]
    assert row["dataset"] == "facilities[1]"
    assert row["sha256"] == hashlib.sha256(facility_file.read_bytes()).hexdigest()
    assert row["size"] == facility_file.stat().st_size
    other = "2025" if label == "2024" else "2024"
    assert f"einrichtungen_{other}.csv" not in prints.index
    # both files of the multi-file census dataset, and the config itself
    assert {"zensus2022_bevoelkerung_100m.csv", "zensus2022_alter_10er_100m.csv",
            "quartier.toml"} <= set(prints.index)
    expected = {p.name for d in (study.config.quarters, study.config.population_grid,
                                 study.config.population_quarters, *study.config.facilities,
                                 study.config.housing, *study.config.social,
                                 study.config.actors, study.config.measures,
                                 study.config.concerns)
                for p in d.paths} | {"quartier.toml"}
    assert set(prints.index) == expected
    for path, item in prints.iterrows():
        assert item["sha256"] == sha256(SAMPLE / path), path


# --------------------------------------------------------------------------------------------
# no silent overwrite, explicit replace


def test_existing_edition_is_not_overwritten(store_copy, runs):
    file_before, content_before = sha256(store_copy), store_digest(store_copy)
    with pytest.raises(EditionExistsError) as caught:
        store_edition(store_copy, *runs["2025"])
    message = str(caught.value)
    assert "2025" in message and "--replace" in message and "überschrieben" in message
    assert caught.value.label == "2025"
    assert sha256(store_copy) == file_before
    assert store_digest(store_copy) == content_before


def test_replace_swaps_the_edition(store_copy, runs):
    before = list_editions(store_copy).set_index("label")
    old_2024 = store_digest_of(store_copy, "2024")
    info = store_edition(store_copy, *runs["2025"], replace=True)
    after = list_editions(store_copy).set_index("label")
    assert list(after.index) == list(LABELS)
    assert after.loc["2025", "created"] > before.loc["2025", "created"]
    assert pd.Timestamp(info.created) == after.loc["2025", "created"]
    assert after.loc["2024", "created"] == before.loc["2024", "created"]
    assert store_digest_of(store_copy, "2024") == old_2024
    assert_same_edition(load_edition(store_copy, "2025"), *runs["2025"])
    with sqlite3.connect(store_copy) as connection:  # no rows of the old 2025 left behind
        for table in ("indicators", "facilities", "quarters", "fingerprints"):
            count = connection.execute(f"SELECT count(*) FROM {table} WHERE edition = '2025'"
                                       ).fetchone()[0]
            assert count == len(getattr(load_edition(store_copy, "2025"), table))
    connection.close()


def store_digest_of(path: Path, label: str) -> str:
    edition = load_edition(path, label)
    return hashlib.sha256(b"".join(
        frame.to_csv().encode() for frame in (edition.indicators, edition.gaps, edition.status,
                                              edition.quarters, edition.facilities))).hexdigest()


# --------------------------------------------------------------------------------------------
# a writer killed in the middle of its transaction


@pytest.mark.parametrize("stage, spill", [("indicators", True), ("commit", False)],
                         ids=["mid-write-spilled-to-file", "before-commit-in-cache"])
def test_killed_writer_leaves_earlier_editions_intact(tmp_path, runs, stage, spill):
    """SIGKILL a writer inside its transaction; the store must hold 2024 only, complete.

    The child (tests/_store_writer.py) writes a marker file from the store's test hook while
    the transaction is open, then sleeps; we wait for the marker, so the kill always lands
    inside the transaction. With ``spill`` the child shrinks its page cache, so the
    unfinished 2025 rows are already in the database file and the next reader must roll
    back the hot journal; without, they are only in the writer's memory.
    """
    store = tmp_path / "musterstadt.editions.sqlite"
    journal = Path(f"{store}-journal")
    store_edition(store, *runs["2024"])
    file_before = sha256(store)
    marker, log = tmp_path / "writer-paused", tmp_path / "writer.log"
    command = [sys.executable, str(WRITER), str(store), str(CONFIG), "2025", stage, str(marker)]
    with log.open("wb") as out:
        writer = subprocess.Popen(command + (["--spill"] if spill else []),
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if writer.poll() is not None:
                pytest.fail(f"writer ended (exit {writer.returncode}) before pausing:\n"
                            + log.read_text(errors="replace"))
            if time.monotonic() > deadline:
                pytest.fail("writer did not reach the pause within 120 s")
            time.sleep(0.02)
        assert journal.exists()  # the writer sits inside its open transaction
        writer.kill()  # SIGKILL on POSIX: no cleanup, no rollback by the writer
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    if hasattr(signal, "SIGKILL"):
        assert writer.returncode == -signal.SIGKILL
    assert marker.read_text().split()[1] == stage
    # with spilling, the half-written edition really reached the database file
    assert (sha256(store) != file_before) is spill

    assert list(list_editions(store)["label"]) == ["2024"]
    assert sha256(store) == file_before  # a hot journal has been rolled back
    assert_same_edition(load_edition(store, "2024"), *runs["2024"])
    with pytest.raises(EditionNotFoundError, match="2024"):
        load_edition(store, "2025")
    connection = sqlite3.connect(store)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in DATA_TABLES:
            count = connection.execute(f"SELECT count(*) FROM {table} WHERE edition = '2025'"
                                       ).fetchone()[0]
            assert count == 0, table
    finally:
        connection.close()
    # and the store takes the edition afterwards
    store_edition(store, *runs["2025"])
    assert list(list_editions(store)["label"]) == list(LABELS)
    assert_same_edition(load_edition(store, "2025"), *runs["2025"])
    assert not journal.exists()


def test_checkpoint_stages_are_reached_in_order(tmp_path, runs, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(store_module, "_checkpoint",
                        lambda stage, connection: seen.append(stage))
    store_edition(tmp_path / "s.editions.sqlite", *runs["2024"])
    assert seen == ["edition", "indicators", "gaps", "status", "quarters", "facilities",
                    "fingerprints", "commit"]


def test_failure_inside_the_transaction_rolls_back(store_copy, runs, monkeypatch):
    content_before = store_digest(store_copy)

    def fail(stage: str, connection: sqlite3.Connection) -> None:
        if stage == "facilities":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "_checkpoint", fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store_edition(store_copy, *runs["2025"], replace=True)
    monkeypatch.undo()
    assert store_digest(store_copy) == content_before


# --------------------------------------------------------------------------------------------
# missing, corrupt and foreign files


def test_missing_store_is_empty(tmp_path):
    path = tmp_path / "nothing.editions.sqlite"
    editions = list_editions(path)
    assert editions.empty
    assert "label" in editions.columns
    with pytest.raises(EditionNotFoundError) as caught:
        load_edition(path, "2025")
    assert isinstance(caught.value, KeyError)
    assert str(path) in str(caught.value)
    assert not path.exists()  # reading never creates the file


def test_unknown_label_lists_the_stored_editions(filled_store):
    with pytest.raises(EditionNotFoundError) as caught:
        load_edition(filled_store, "2023")
    assert caught.value.available == LABELS
    assert "2024, 2025" in str(caught.value)


def test_corrupt_file_raises_store_error(tmp_path, runs):
    path = tmp_path / "kaputt.editions.sqlite"
    path.write_bytes(random.Random(5).randbytes(8192))
    before = sha256(path)
    for call in (lambda: list_editions(path), lambda: load_edition(path, "2025"),
                 lambda: store_edition(path, *runs["2025"])):
        with pytest.raises(StoreError) as caught:
            call()
        assert str(path) in str(caught.value)
        assert caught.value.path == path
    assert sha256(path) == before


def test_foreign_sqlite_file_raises_store_error(tmp_path, runs):
    path = tmp_path / "fremd.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE kunden (id INTEGER)")
    connection.commit()
    connection.close()
    for call in (lambda: list_editions(path), lambda: store_edition(path, *runs["2025"])):
        with pytest.raises(StoreError, match="kein Fortschreibungsspeicher") as caught:
            call()
        assert str(path) in str(caught.value)


def test_newer_schema_is_refused(store_copy):
    connection = sqlite3.connect(store_copy)
    connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="Schemaformat 99"):
        list_editions(store_copy)


# --------------------------------------------------------------------------------------------
# paths and unusual tables


def test_default_store_path(runs):
    study, _ = runs["2025"]
    expected = SAMPLE / "musterstadt.editions.sqlite"
    assert default_store_path(study) == expected
    assert default_store_path(study.config) == expected
    assert default_store_path(CONFIG) == expected
    renamed = dataclasses.replace(study.config, name="Bad Dürkheim / Süd")
    assert default_store_path(renamed).name == "bad-duerkheim-sued.editions.sqlite"
    with pytest.raises(TypeError):
        default_store_path(42)


def test_unusual_columns_and_missing_status_round_trip(tmp_path, runs):
    study, results = runs["2024"]
    facilities = study.facilities.drop(columns=["capacity"]).assign(
        opened=pd.to_datetime(["2020-01-01 08:00"] * len(study.facilities)).tz_localize(
            "Europe/Berlin"),
        places=pd.array([1, None] * (len(study.facilities) // 2), dtype="Int64"),
        note=pd.Series([np.nan, "frei"] * (len(study.facilities) // 2), dtype=object),
        kind=pd.Categorical(["a", "b"] * (len(study.facilities) // 2)),
        code=pd.Series([1, "x"] * (len(study.facilities) // 2), dtype=object),
    )
    # facility ids that are numbers would not fit the typed text column: stored as extras
    facilities["facility_id"] = np.arange(len(facilities), dtype="int64")
    indicators = results.indicators.set_index(["quarter_id", "indicator"])
    changed_study = dataclasses.replace(study, facilities=facilities)
    changed_results = dataclasses.replace(results, indicators=indicators, social_index=None)
    path = tmp_path / "odd.editions.sqlite"
    info = store_edition(path, changed_study, changed_results)
    assert not info.has_status
    loaded = load_edition(path, "2024")
    assert loaded.status is None
    pd.testing.assert_frame_equal(loaded.indicators, indicators, check_exact=True)
    assert_geodataframe_equal(loaded.facilities, facilities, check_less_precise=False)
    assert loaded.facilities["note"].isna().iloc[0] and loaded.facilities["note"].iloc[0] \
        is not None
