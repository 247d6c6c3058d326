"""One yearly update (Fortschreibung) in one call: compare, write the report, store the edition.

:func:`publish_edition` is what ``quartier report`` and the notebook
``03_bericht_fortschreiben`` run, so both give the same report. It is the workflow above the
stages (compute, editions, report), so it lives beside them, not in ``report/``; the old
import paths ``quartier.report.publish`` and ``quartier.report.publish_edition`` still work.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quartier._atomic import replace_file
from quartier.compute import Results, compute
from quartier.editions.compare import Comparison, compare_with_stored
from quartier.editions.history import EditionHistory, load_history
from quartier.editions.store import (
    EditionExistsError,
    EditionInfo,
    check_store_writable,
    default_store_path,
    list_editions,
    store_edition,
)
from quartier.errors import QuartierError
from quartier.report.build import build_report, report_folder
from quartier.study import Study

__all__ = ["PublishedEdition", "ReportFolderError", "check_report_folder", "publish_edition"]


@dataclass(frozen=True)
class PublishedEdition:
    """What :func:`publish_edition` wrote."""

    report: Path
    store: Path
    info: EditionInfo
    results: Results
    comparison: Comparison | None
    history: EditionHistory


def publish_edition(study: Study, results: Results | None = None, *,
                    store: str | Path | None = None, output: Path | None = None,
                    replace: bool = False,
                    progress: Callable[[str], None] | None = None,
                    client: object = None) -> PublishedEdition:
    """Compute (if needed), compare with the stored editions, write the report, store.

    Nothing is published unless the edition is stored, and nothing is stored unless the report
    was written:

    1. before anything is computed, the store is checked (:func:`check_store_writable`:
       not damaged, not newer, writable, not locked; a rolled-back test write), and an edition
       that is already stored stops the run unless ``replace`` is given;
    2. the report is written into a hidden sibling folder ``.<edition>.unfertig-…`` beside
       the report folder (same file system);
    3. the edition is stored (one SQLite transaction);
    4. only then are the report files moved into the report folder with :func:`os.replace`
       (a rename: a missing report folder appears at once, complete; in an existing one each
       file is swapped whole).

    If writing the report or storing fails (e.g. the disk fills up), the sibling folder is
    removed and the report folder is left as it was: a reader never sees a report whose
    edition is not in the store. Writing into a sibling and renaming was chosen over deleting
    a half-published report afterwards because an existing report folder (the last run, or
    files a user keeps there) is never touched on failure, and because no check made in
    advance can rule out a full disk.

    Parameters
    ----------
    study : Study
        The loaded study; its ``edition`` is the label stored.
    results : Results, optional
        From :func:`quartier.compute`; computed when missing.
    store : path, optional
        The edition store; default :func:`quartier.editions.default_store_path`.
    output : Path, optional
        Report folder; default ``reports/<study>/<edition>/``.
    replace : bool
        Replace a stored edition of the same label.
    client : distributed.Client, optional
        Compute the accessibility indicators on this dask cluster (``quartier[dask]``).

    Raises
    ------
    EditionExistsError
        The edition is stored and ``replace`` is False; nothing was changed.
    StoreError
        The store cannot take the edition (damaged, newer, read-only, locked, disk full):
        nothing was published and every stored edition is unchanged.

    Examples
    --------
    The yearly update of the sample town (writes the report and the edition store, so this is
    not run here):

    >>> from quartier import load_study
    >>> from quartier.sample import config_path
    >>> study = load_study(config_path())  # doctest: +SKIP
    >>> published = publish_edition(study, store="musterstadt.quartier.sqlite")  # doctest: +SKIP
    >>> published.report.name  # doctest: +SKIP
    'index.html'
    """
    step = progress or (lambda _message: None)
    store = Path(store) if store is not None else default_store_path(study)
    check_store_writable(store)
    folder = Path(output) if output else report_folder(study)
    check_report_folder(folder)
    if not replace and study.edition in set(list_editions(store)["label"]):
        raise EditionExistsError(
            f"Die Ausgabe {study.edition} ist schon gespeichert ({store}). Nichts wurde "
            "geändert. Mit --replace (im Notebook: replace = True) wird sie ersetzt.",
            study.edition, store)
    if results is None:
        results = compute(study, progress=step, client=client)
    step("Mit gespeicherten Ausgaben vergleichen")
    history = load_history(store, study, results)
    comparison = compare_with_stored(store, study, results, history)
    staging = _staging_folder(folder.resolve())
    try:
        path = build_report(study, results, output=staging, comparison=comparison,
                            history=history, progress=step)
        step("Ausgabe speichern")
        info = store_edition(store, study, results, replace=replace)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _move_into_place(staging, folder)
    return PublishedEdition(report=folder / path.name, store=store, info=info,
                            results=results, comparison=comparison, history=history)


class ReportFolderError(QuartierError, ValueError):
    """The report folder cannot take a report (it is a file); nothing was computed or stored."""


def check_report_folder(folder: Path) -> None:
    """Stop before anything is computed or stored when ``folder`` exists but is no folder.

    Otherwise the edition would be stored and only the last step, moving the finished report
    into place, would fail.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_report_folder(Path(folder) / "neu")  # not there yet: fine
    ...     blocker = Path(folder) / "datei"
    ...     _ = blocker.write_text("x")
    ...     try:
    ...         check_report_folder(blocker)
    ...     except ReportFolderError as error:
    ...         print(str(error).split(":")[0].endswith("datei ist eine Datei, kein Ordner"))
    True
    """
    if folder.exists() and not folder.is_dir():
        raise ReportFolderError(
            f"{folder} ist eine Datei, kein Ordner: dorthin kann kein Bericht geschrieben "
            "werden. Nichts wurde berechnet oder gespeichert. Einen anderen Ordner mit "
            "--output angeben oder die Datei umbenennen.")


def _staging_folder(folder: Path) -> Path:
    """A new hidden folder beside `folder`, with the permissions of a normal new folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.unfertig-"))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a report is shared
    return staging


def _move_into_place(staging: Path, folder: Path) -> None:
    """Publish the finished report: rename `staging` to `folder`, or swap its files in.

    Files of an existing `folder` that the new report does not write are left alone.
    """
    try:
        if not folder.exists():
            staging.rename(folder)
            return
        for source in sorted(staging.rglob("*"), key=lambda p: len(p.parts)):
            target = folder / source.relative_to(staging)
            if source.is_dir():
                target.mkdir(exist_ok=True)
            else:
                replace_file(source, target)
        shutil.rmtree(staging)
    except OSError as exc:
        raise OSError(f"Die Ausgabe ist gespeichert, aber der Bericht ließ sich nicht von "
                      f"{staging} nach {folder} verschieben ({exc}). Den Inhalt von Hand "
                      "verschieben.") from exc
