"""Identifiers as text, normalised so that the same id joins across datasets."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["clean_ids", "pad_ids", "infer_id_width"]

_FLOAT_INTEGER = re.compile(r"^(\d+)\.0+$")


def clean_ids(values: pd.Series) -> pd.Series:
    """Turn ids into stripped text; ``None`` for empty ids.

    Numbers become text without a decimal part: ``1100101.0`` (how a spreadsheet stores an id)
    becomes ``"1100101"``. Leading zeros in text are kept.

    Examples
    --------
    >>> clean_ids(pd.Series([" 01", 2, 3.0, "", None])).tolist()
    ['01', '2', '3', None, None]
    """

    def one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        match = _FLOAT_INTEGER.match(text)
        if match:
            text = match.group(1)
        return text or None

    return pd.Series([one(v) for v in values], index=values.index, dtype=object,
                     name=values.name)


def infer_id_width(quarter_ids: pd.Series) -> int | None:
    """The common length of the quarter ids when all are digits of one length, else None.

    Examples
    --------
    >>> infer_id_width(pd.Series(["01100101", "12200411"]))
    8
    >>> infer_id_width(pd.Series(["1", "12"])) is None
    True
    """
    ids = quarter_ids.dropna().astype(str)
    if ids.empty or not ids.str.fullmatch(r"\d+").all():
        return None
    lengths = ids.str.len().unique()
    return int(lengths[0]) if len(lengths) == 1 else None


def pad_ids(ids: pd.Series, width: int | None) -> tuple[pd.Series, int]:
    """Zero-pad purely numeric ids to ``width`` digits.

    Parameters
    ----------
    ids : Series
        Cleaned ids (see :func:`clean_ids`).
    width : int or None
        Target width; ``None`` leaves the ids as they are.

    Returns
    -------
    ids : Series
        The padded ids.
    changed : int
        How many ids were padded.

    Examples
    --------
    >>> pad_ids(pd.Series(["1100101", "01100102", "A7"]), 8)[0].tolist()
    ['01100101', '01100102', 'A7']
    """
    if width is None:
        return ids, 0
    numeric = ids.notna() & ids.astype(str).str.fullmatch(r"\d+")
    short = numeric & (ids.astype(str).str.len() < width)
    padded = ids.copy()
    padded[short] = ids[short].astype(str).str.zfill(width)
    return padded, int(short.sum())
