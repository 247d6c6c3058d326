"""The edition store under faults: a clear message, every earlier edition intact, nothing
published that could not be stored.

Each fault ends in a :class:`StoreError` subclass (the CLI: exit 1 with the German message),
and the test reads the store back afterwards: the same editions, the same stored tables and
the same file bytes. Tests run as ``root`` in CI, where ``chmod`` does not stop a write; the
read-only cases are therefore run twice: with SQLite's own read-only error injected (the
connection opened with ``mode=ro``), and for real in a child process of an unprivileged user
(``nobody`` when the tests run as root).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from geopandas.testing import assert_geodataframe_equal

import quartier
from quartier import publish as publish_module
from quartier.editions import (
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreLockedError,
    StoreReadOnlyError,
    StoreVersionError,
    check_store_writable,
    list_editions,
    load_edition,
    store_edition,
)
from quartier.editions import _sqlite as sqlite_side
from quartier.editions import store as store_module
from quartier.publish import publish_edition

PROJECT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT / "data" / "sample" / "quartier.toml"
WRITER = Path(__file__).resolve().parent / "_store_writer.py"
POSIX = os.name == "posix"


@pytest.fixture(scope="module")
def runs(sample_editions) -> dict[str, tuple[quartier.Study, quartier.Results]]:
    return sample_editions


@pytest.fixture(scope="module")
def store_2024(tmp_path_factory, runs) -> Path:
    path = tmp_path_factory.mktemp("faults") / "musterstadt.editions.sqlite"
    store_edition(path, *runs["2024"])
    return path


@pytest.fixture
def store(tmp_path, store_2024) -> Path:
    """A fresh copy of a store holding edition 2024."""
    target = tmp_path / store_2024.name
    shutil.copyfile(store_2024, target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_2024_intact(path: Path, runs) -> None:
    """The store lists 2024 only, its tables equal what was computed, SQLite finds no fault."""
    assert list(list_editions(path)["label"]) == ["2024"]
    loaded = load_edition(path, "2024")
    study, results = runs["2024"]
    pd.testing.assert_frame_equal(loaded.indicators, results.indicators, check_exact=True)
    pd.testing.assert_frame_equal(loaded.gaps, results.gaps, check_exact=True)
    pd.testing.assert_frame_equal(loaded.status, results.social_index, check_exact=True)
    assert_geodataframe_equal(loaded.quarters, study.quarters, check_less_precise=False)
    assert_geodataframe_equal(loaded.facilities, study.facilities, check_less_precise=False)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    assert not Path(f"{path}-journal").exists()


def assert_not_called_damaged(error: StoreError, path: Path) -> None:
    assert not isinstance(error, StoreDamagedError)
    assert str(path) in str(error)
    assert "beschädigt" not in str(error).replace("nicht beschädigt", "")
    assert "Sicherung" not in str(error)


# --------------------------------------------------------------------------------------------
# read-only: SQLite's read-only error injected, and for real as an unprivileged user


@pytest.fixture
def read_only_sqlite(monkeypatch):
    """Every store connection is opened with ``mode=ro``, as on a write-protected medium."""
    connect = sqlite3.connect

    def read_only(database, *args, **kwargs):
        if isinstance(database, str) and database.startswith("file:"):
            database = re.sub(r"mode=\w+", "mode=ro", database)
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(store_module.sqlite3, "connect", read_only)


def test_read_only_store_is_named_read_only_not_damaged(store, runs, read_only_sqlite):
    before = sha256(store)
    for call in (lambda: check_store_writable(store),
                 lambda: store_edition(store, *runs["2025"])):
        with pytest.raises(StoreReadOnlyError, match="schreibgeschützt") as caught:
            call()
        assert_not_called_damaged(caught.value, store)
        assert "nicht beschädigt" in str(caught.value)
    assert list(list_editions(store)["label"]) == ["2024"]  # reading still works
    assert sha256(store) == before


def test_read_only_folder_is_named(store, runs, monkeypatch):
    access = os.access
    monkeypatch.setattr(store_module.os, "access",
                        lambda path, mode: False if Path(path) == store.parent
                        else access(path, mode))
    with pytest.raises(StoreReadOnlyError) as caught:
        check_store_writable(store)
    assert_not_called_damaged(caught.value, store)
    assert f"Ordner {store.parent} ist schreibgeschützt" in str(caught.value)
    monkeypatch.undo()
    assert_2024_intact(store, runs)


def test_unusable_place_is_named_not_damaged(tmp_path):
    a_file = tmp_path / "kein-ordner"
    a_file.write_text("x")
    with pytest.raises(StoreError, match="existiert nicht") as caught:
        check_store_writable(a_file / "musterstadt.editions.sqlite")
    assert_not_called_damaged(caught.value, a_file / "musterstadt.editions.sqlite")
    with pytest.raises(StoreError, match="ist ein Ordner"):
        check_store_writable(tmp_path)
    if Path("/proc/self").is_dir():  # a folder nobody may create files in, not even root
        target = Path("/proc/musterstadt.editions.sqlite")
        with pytest.raises(StoreError, match="lässt sich nicht anlegen") as caught:
            check_store_writable(target)
        assert_not_called_damaged(caught.value, target)


NOBODY = 65534


def _unprivileged(command: list[str]) -> list[str]:
    """`command` run as a user ``chmod`` applies to: ``nobody`` when the tests run as root."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop to an unprivileged user")
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]


@pytest.fixture
def shared_folder():
    """A temporary folder an unprivileged child process can reach (tmp_path is private)."""
    folder = Path(tempfile.mkdtemp(prefix="quartier-store-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.skipif(not POSIX, reason="file permissions as on POSIX systems")
@pytest.mark.parametrize("protected", ["file", "folder"])
def test_read_only_store_for_real_stops_the_report(shared_folder, store_2024, runs, protected):
    """``quartier report`` as a user who may read but not write the store: exit 1, no report."""
    probe = subprocess.run(_unprivileged([sys.executable, "-c", "import quartier.cli"]),
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no unprivileged user can run this Python: "
                    + probe.stderr.decode(errors="replace")[-300:])
    folder = shared_folder / "speicher"
    folder.mkdir()
    store = folder / store_2024.name
    shutil.copyfile(store_2024, store)
    output = shared_folder / "berichte"
    output.mkdir()
    as_root = os.geteuid() == 0
    if as_root:
        os.chown(output, NOBODY, NOBODY)
    if protected == "file":
        if as_root:
            os.chown(folder, NOBODY, NOBODY)
        store.chmod(0o444)
    else:
        if as_root:
            os.chown(store, NOBODY, NOBODY)
        store.chmod(0o644)
        folder.chmod(0o555)
    before = sha256(store)
    environment = {**os.environ, "MPLCONFIGDIR": str(output / ".mpl"), "HOME": str(output)}
    result = subprocess.run(
        _unprivileged([sys.executable, "-m", "quartier.cli", "report", str(CONFIG),
                       "--edition", "2025", "--store", str(store), "--output",
                       str(output / "2025")]),
        capture_output=True, text=True, env=environment, timeout=300)
    message = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 1, message
    assert "schreibgeschützt" in message and str(store) in message
    assert (f"Ordner {folder} ist schreibgeschützt" in message) is (protected == "folder")
    assert "Sicherung" not in message and "Traceback" not in message
    assert "nicht veröffentlicht" in message
    assert not (output / "2025").exists()
    assert [p.name for p in output.iterdir() if not p.name.startswith(".mpl")] == []
    assert sha256(store) == before
    folder.chmod(0o755)
    assert_2024_intact(store, runs)


# --------------------------------------------------------------------------------------------
# locked, two writers, a writer killed


def _start_writer(tmp_path: Path, store: Path, stage: str, *options: str):
    marker, log = tmp_path / "writer-paused", tmp_path / "writer.log"
    with log.open("wb") as out:
        writer = subprocess.Popen([sys.executable, str(WRITER), str(store), str(CONFIG), "2025",
                                   stage, str(marker), *options],
                                  stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if writer.poll() is not None:
            pytest.fail(f"writer ended (exit {writer.returncode}) before pausing:\n"
                        + log.read_text(errors="replace"))
        if time.monotonic() > deadline:
            writer.kill()
            pytest.fail("writer did not reach the pause within 120 s")
        time.sleep(0.02)
    return writer, log


def test_second_writer_waits_and_both_editions_are_stored(tmp_path, runs):
    """A writer holds the lock for 2 s; storing meanwhile waits for it, then both are in."""
    store = tmp_path / "musterstadt.editions.sqlite"
    check_store_writable(store)  # a missing store in a writable folder is fine
    assert not store.exists()  # the check created nothing
    store_edition(store, *runs["2024"])
    writer, log = _start_writer(tmp_path, store, "facilities", "--hold=2")
    try:
        waited_from = time.monotonic()
        store_edition(store, *runs["2024"], replace=True)  # waits for the other writer
        waited = time.monotonic() - waited_from
        assert writer.wait(timeout=120) == 0, log.read_text(errors="replace")
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert waited > 0.5  # it really had to wait for the other writer
    assert list(list_editions(store)["label"]) == ["2024", "2025"]
    for label in ("2024", "2025"):
        study, results = runs[label]
        loaded = load_edition(store, label)
        pd.testing.assert_frame_equal(loaded.indicators, results.indicators, check_exact=True)
        pd.testing.assert_frame_equal(loaded.gaps, results.gaps, check_exact=True)
    connection = sqlite3.connect(store)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_locked_store_is_named_locked_and_a_killed_writer_leaves_it_intact(store, runs,
                                                                          tmp_path,
                                                                          monkeypatch):
    """A writer sits in its transaction: others get "gesperrt"; it is killed: 2024 intact."""
    monkeypatch.setattr(sqlite_side, "BUSY_TIMEOUT_S", 0.3)
    writer, _ = _start_writer(tmp_path, store, "indicators", "--spill")
    try:
        for call in (lambda: check_store_writable(store),
                     lambda: store_edition(store, *runs["2025"])):
            with pytest.raises(StoreLockedError, match="gesperrt") as caught:
                call()
            assert_not_called_damaged(caught.value, store)
        writer.kill()  # a crash in the middle of the write
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert_2024_intact(store, runs)
    check_store_writable(store)
    store_edition(store, *runs["2025"])
    assert list(list_editions(store)["label"]) == ["2024", "2025"]


# --------------------------------------------------------------------------------------------
# full disk


@pytest.mark.skipif(not POSIX or not hasattr(os, "truncate"), reason="RLIMIT_FSIZE is POSIX")
def test_full_disk_rolls_back_and_keeps_earlier_editions(store, runs, tmp_path):
    """The writer may not grow any file beyond the store's size + 16 KiB (like a full disk)."""
    before = sha256(store)
    limit = store.stat().st_size + 16 * 1024
    result = subprocess.run([sys.executable, str(WRITER), str(store), str(CONFIG), "2025",
                             "none", str(tmp_path / "marker"), f"--fsize-limit={limit}"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("StoreFullError:")
    assert str(store) in result.stdout and "voll" in result.stdout
    assert "zurückgenommen" in result.stdout
    assert sha256(store) == before
    assert_2024_intact(store, runs)


def test_full_disk_error_is_named(store, runs, monkeypatch):
    def full(stage: str, connection: sqlite3.Connection) -> None:
        if stage == "gaps":
            raise sqlite3.OperationalError("database or disk is full")

    before = sha256(store)
    monkeypatch.setattr(store_module, "_checkpoint", full)
    with pytest.raises(StoreFullError, match="voll") as caught:
        store_edition(store, *runs["2025"])
    assert_not_called_damaged(caught.value, store)
    assert sha256(store) == before


# --------------------------------------------------------------------------------------------
# newer version, corrupt files


def test_store_of_a_newer_version_is_left_alone(store, runs):
    connection = sqlite3.connect(store)
    connection.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    before = sha256(store)
    for call in (lambda: check_store_writable(store), lambda: list_editions(store),
                 lambda: store_edition(store, *runs["2025"]),
                 lambda: publish_edition(runs["2025"][0], runs["2025"][1], store=store)):
        with pytest.raises(StoreVersionError) as caught:
            call()
        message = str(caught.value)
        assert "neueren quartier-Version" in message and "aktualisieren" in message
        assert str(store) in message and "Sicherung" not in message
    assert sha256(store) == before


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(15).randbytes(12_288))


def _truncated(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _page_overwritten(path: Path) -> None:
    """One page in the middle overwritten with noise (file size and header unchanged)."""
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle:middle + page] = random.Random(3).randbytes(page)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_random_bytes, _truncated, _page_overwritten],
                         ids=["random-bytes", "truncated", "page-overwritten"])
def test_damaged_store_is_named_damaged_and_never_written(store, runs, tmp_path, damage):
    damage(store)
    before = sha256(store)
    for call in (lambda: check_store_writable(store),
                 lambda: store_edition(store, *runs["2025"]),
                 lambda: store_edition(store, *runs["2024"], replace=True),
                 lambda: publish_edition(runs["2025"][0], runs["2025"][1], store=store,
                                         output=tmp_path / "bericht")):
        with pytest.raises(StoreDamagedError) as caught:
            call()
        message = str(caught.value)
        assert str(store) in message and "beschädigt" in message and "Sicherung" in message
    assert sha256(store) == before
    assert not (tmp_path / "bericht").exists()


# --------------------------------------------------------------------------------------------
# publish_edition: checked before computing, published only once stored


def test_publish_checks_the_store_before_computing(store, runs, tmp_path, monkeypatch,
                                                   read_only_sqlite):
    def must_not_run(*args, **kwargs):
        raise AssertionError("computed or written although the store is read-only")

    monkeypatch.setattr(publish_module, "compute", must_not_run)
    monkeypatch.setattr(publish_module, "build_report", must_not_run)
    with pytest.raises(StoreReadOnlyError):
        publish_edition(runs["2025"][0], store=store, output=tmp_path / "bericht" / "2025")
    assert not (tmp_path / "bericht").exists()


def _fake_report(study, results, *, output, **kwargs) -> Path:
    """Stands in for build_report: two files, like a (very short) report."""
    output.mkdir(parents=True, exist_ok=True)
    (output / "index.html").write_text(f"<h1>{study.edition}</h1>", encoding="utf-8")
    (output / "indikatoren.csv").write_text("neu\n", encoding="utf-8")
    return output / "index.html"


def test_publish_moves_the_report_into_place_once_stored(store, runs, tmp_path, monkeypatch):
    monkeypatch.setattr(publish_module, "build_report", _fake_report)
    reports = tmp_path / "berichte"
    published = publish_edition(*runs["2025"], store=store, output=reports / "2025")
    assert published.report == reports / "2025" / "index.html"
    assert published.report.read_text(encoding="utf-8") == "<h1>2025</h1>"
    assert sorted(p.name for p in reports.iterdir()) == ["2025"]  # no staging folder left
    assert (reports / "2025").stat().st_mode & 0o777 == 0o777 & ~_umask()
    # into an existing folder: the report's files are swapped, other files are kept
    (reports / "2025" / "notiz.txt").write_text("meins", encoding="utf-8")
    publish_edition(*runs["2025"], store=store, output=reports / "2025", replace=True)
    assert sorted(p.name for p in (reports / "2025").iterdir()) == [
        "index.html", "indikatoren.csv", "notiz.txt"]
    assert sorted(p.name for p in reports.iterdir()) == ["2025"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_report_is_not_published_when_storing_fails(store, runs, tmp_path, monkeypatch):
    """The real report is written, then the disk fills up while storing: nothing published."""
    reports = tmp_path / "berichte"
    old = reports / "2025"
    old.mkdir(parents=True)
    (old / "index.html").write_text("der alte Bericht", encoding="utf-8")
    before = sha256(store)

    def full(stage: str, connection: sqlite3.Connection) -> None:
        if stage == "facilities":
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_module, "_checkpoint", full)
    with pytest.raises(StoreFullError):
        publish_edition(*runs["2025"], store=store, output=old)
    assert [p.name for p in old.iterdir()] == ["index.html"]
    assert (old / "index.html").read_text(encoding="utf-8") == "der alte Bericht"
    assert sorted(p.name for p in reports.iterdir()) == ["2025"]  # staging folder removed
    assert sha256(store) == before
    monkeypatch.undo()
    assert_2024_intact(store, runs)


# --------------------------------------------------------------------------------------------
# the command line


def test_cli_ends_store_faults_with_exit_1_and_the_message(store, tmp_path):
    from quartier.cli import cli

    connection = sqlite3.connect(store)
    connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    runner = CliRunner()
    output = tmp_path / "bericht" / "2025"
    result = runner.invoke(cli, ["report", str(CONFIG), "--edition", "2025", "--store",
                                 str(store), "--output", str(output)])
    text = " ".join(result.output.split())
    assert result.exit_code == 1, text
    assert "neueren quartier-Version" in text and "nicht veröffentlicht" in text
    assert not output.exists()
    _random_bytes(store)
    result = runner.invoke(cli, ["editions", "list", str(CONFIG), "--store", str(store)])
    assert result.exit_code == 1
    assert "beschädigt" in " ".join(result.output.split())
