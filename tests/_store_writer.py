"""Helper for the killed-writer test: store an edition and pause inside the transaction.

Usage::

    python tests/_store_writer.py STORE CONFIG EDITION STAGE MARKER [--spill]

Loads and computes edition ``EDITION`` of the study ``CONFIG`` and stores it in ``STORE``.
The store's test hook :func:`quartier.editions.store._checkpoint` is replaced so that at
``STAGE`` (e.g. ``indicators`` or ``commit``), inside the open write transaction, the script
writes the file ``MARKER`` and then sleeps, waiting to be killed. Should nobody kill it, it
leaves with exit code 3 *without* committing, so the edition is never stored by accident.

With ``--spill`` the page cache of the writing connection is shrunk to a few pages right at
the start of the transaction, so SQLite must write the unfinished edition into the database
file itself (after syncing its rollback journal): the kill then leaves a hot journal that
the next reader has to roll back.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    spill = "--spill" in argv
    store, config, edition, stage, marker = [a for a in argv if a != "--spill"]
    import quartier
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
        time.sleep(300)
        os._exit(3)  # never reach COMMIT

    edition_store._checkpoint = pause
    edition_store.store_edition(Path(store), study, results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
