"""One yearly update (Fortschreibung) in one call: compare, write the report, store the edition.

:func:`publish_edition` is what ``quartier report`` and the notebook
``03_bericht_fortschreiben`` run, so both give the same report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from quartier.compute import Results, compute
from quartier.editions.compare import Comparison, compare_with_stored
from quartier.editions.history import EditionHistory, load_history
from quartier.editions.store import (
    EditionExistsError,
    EditionInfo,
    default_store_path,
    list_editions,
    store_edition,
)
from quartier.report.build import build_report
from quartier.study import Study

__all__ = ["PublishedEdition", "publish_edition"]


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

    The report is written first and the edition stored afterwards, so a run that fails while
    writing the report stores nothing. An edition that is already stored stops the run
    *before* anything is computed or written, unless ``replace`` is given.

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
    """
    step = progress or (lambda _message: None)
    store = Path(store) if store is not None else default_store_path(study)
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
    path = build_report(study, results, output=output, comparison=comparison, history=history,
                        progress=step)
    step("Ausgabe speichern")
    info = store_edition(store, study, results, replace=replace)
    return PublishedEdition(report=path, store=store, info=info, results=results,
                            comparison=comparison, history=history)
