"""Reading editions stored before the three kinds of judgement (issue 11).

Older editions stored ``basis`` ``median`` / ``standard`` / ``few_residents`` and ``status``
``gap`` / ``ok`` / ``resource`` / ``not_assessed``. :func:`upgrade_judgements` maps them onto
today's vocabulary, so that history and comparison count Lücken and town judgements apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["upgrade_judgements"]

_TOWN = {"gap": "below_town", "ok": "town_average", "resource": "above_town"}
_STANDARD = {"gap": "gap", "ok": "met", "resource": "well_above"}
_OLD_BASES = {"median", "few_residents"}
_OLD_STATUSES = {"ok", "resource"}


def upgrade_judgements(frame: pd.DataFrame) -> pd.DataFrame:
    """Map an old edition's ``basis``/``status`` onto the vocabulary of ``results.gaps``.

    Parameters
    ----------
    frame : DataFrame
        Stored ``gaps`` or ``indicators`` with ``basis`` and ``status``.

    Returns
    -------
    DataFrame
        A copy in today's vocabulary; a frame that already uses it is returned unchanged
        (a copy). Old gaps tables also get ``reason`` (``few_residents`` where the basis was
        ``few_residents``), ``resource`` and ``served_by_neighbours`` (False: old editions did
        not know them) when they lack these columns.

    Notes
    -----
    basis ``median`` → ``town`` with ``gap`` → ``below_town``, ``ok`` → ``town_average``,
    ``resource`` → ``above_town``; basis ``standard``: ``gap`` → ``gap``, ``ok`` → ``met``,
    ``resource`` → ``well_above``; basis ``few_residents`` → ``not_assessed`` (reason
    ``few_residents``). Rows with other bases (e.g. ``mss`` of the social index) are kept.

    Examples
    --------
    >>> old = pd.DataFrame({"indicator": ["fca_access", "coverage", "fca_access"],
    ...                     "basis": ["median", "standard", "few_residents"],
    ...                     "status": ["gap", "ok", "not_assessed"]})
    >>> new = upgrade_judgements(old)
    >>> new[["basis", "status", "reason"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['town', 'below_town', ''], ['standard', 'met', ''],
     ['not_assessed', 'not_assessed', 'few_residents']]
    """
    out = frame.copy()
    if "basis" not in out or "status" not in out:
        return out
    basis, status = out["basis"], out["status"]
    old_standard = (basis == "standard") & status.isin(list(_OLD_STATUSES))
    is_old = basis.isin(list(_OLD_BASES)).any() or old_standard.any()
    if not is_old:
        return out
    median, standard, few = basis == "median", basis == "standard", basis == "few_residents"
    new_status = status.copy()
    new_status[median] = status[median].map(_TOWN).fillna(status[median])
    new_status[standard] = status[standard].map(_STANDARD).fillna(status[standard])
    new_status[few] = "not_assessed"
    new_basis = basis.mask(median, "town").mask(few, "not_assessed")
    out["basis"], out["status"] = new_basis, new_status
    is_gaps = "indicator" in out and "unit" not in out
    if is_gaps:
        if "reason" not in out:
            out["reason"] = np.where(few, "few_residents", "")
        for column in ("resource", "served_by_neighbours"):
            if column not in out:
                out[column] = False
    return out
