"""Helper for the store tests: store an edition from a second process, pausing or limited.

Usage::

    python tests/_store_writer.py STORE CONFIG EDITION STAGE MARKER [--spill] [--hold=S]
                                  [--fsize-limit=BYTES]

Loads and computes edition ``EDITION`` of the study ``CONFIG`` and stores it in ``STORE``.
The store's test hook :func:`quartier.editions.store._checkpoint` is replaced so that at
``STAGE`` (e.g. ``indicators`` or ``commit``; ``none`` never pauses), inside the open write
transaction, the script writes the file ``MARKER`` and then sleeps, waiting to be killed.
Should nobody kill it, it leaves with exit code 3 *without* committing, so the edition is
never stored by accident.

With ``--spill`` the page cache of the writing connection is shrunk to a few pages right at
the start of the transaction, so SQLite must write the unfinished edition into the database
file itself (after syncing its rollback journal): the kill then leaves a hot journal that
the next reader has to roll back.

With ``--hold=S`` the writer sleeps only ``S`` seconds at ``STAGE``, holding the write lock,
and then goes on and commits (a second writer meanwhile has to wait).

With ``--fsize-limit=BYTES`` the process may not write files larger than ``BYTES``
(``RLIMIT_FSIZE``, set after computing, right before storing; ``SIGXFSZ`` ignored, so a write
beyond the limit fails like on a full disk). A :class:`quartier.editions.StoreError` is
printed and ends the script with exit code 1.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _option(argv: list[str], name: str) -> str | None:
    found = [a.split("=", 1)[1] for a in argv if a.startswith(f"{name}=")]
    return found[-1] if found else None


def main(argv: list[str]) -> int:
    spill = "--spill" in argv
    hold = _option(argv, "--hold")
    fsize_limit = _option(argv, "--fsize-limit")
    store, config, edition, stage, marker = [a for a in argv if not a.startswith("--")]
    import quartier
    from quartier.editions import StoreError
    from quartier.editions import store as edition_store

    study = quartier.load_study(config, edition=edition)
    results = quartier.compute(study)

    def pause(reached: str, connection) -> None:
        if spill and reached == "edition":
            connection.execute("PRAGMA cache_size = 2")
        if reached != stage:
            return
        partial = Path(f"{marker}.partial")
        partial.write_text(f"{os.getpid()} {reached}\n", encoding="utf-8")
        partial.replace(marker)  # the marker appears complete, at once
        if hold is not None:
            time.sleep(float(hold))
            return
        time.sleep(300)
        os._exit(3)  # never reach COMMIT

    edition_store._checkpoint = pause
    if fsize_limit is not None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(fsize_limit), int(fsize_limit)))
    try:
        edition_store.store_edition(Path(store), study, results)
    except StoreError as exc:
        print(f"{type(exc).__name__}: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
