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
    """The width other datasets' quarter ids are brought to, or None to leave them as they are.

    All ids digits of one length: that length. All ids digits without a leading zero (written
    as integers, e.g. ``1`` to ``12``): 1, so that ``01`` in another file becomes ``1``.
    Otherwise (letters, or leading zeros on ids of different lengths): None.

    Examples
    --------
    >>> infer_id_width(pd.Series(["01100101", "12200411"]))
    8
    >>> infer_id_width(pd.Series(["1", "12"]))
    1
    >>> infer_id_width(pd.Series(["01", "123"])) is None
    True
    """
    ids = quarter_ids.dropna().astype(str)
    if ids.empty or not ids.str.fullmatch(r"\d+").all():
        return None
    lengths = ids.str.len().unique()
    if len(lengths) == 1:
        return int(lengths[0])
    return 1 if not ids.str.fullmatch(r"0\d+").any() else None


def pad_ids(ids: pd.Series, width: int | None) -> tuple[pd.Series, int]:
    """Bring purely numeric ids to ``width`` digits: zero-pad short ones, strip surplus zeros.

    An id longer than ``width`` loses leading zeros down to ``width`` digits (``007`` → ``07``
    for width 2, ``01`` → ``1`` for width 1); ids whose other digits do not fit stay as they are.

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
        How many ids were padded or stripped.

    Examples
    --------
    >>> pad_ids(pd.Series(["1100101", "01100102", "A7"]), 8)[0].tolist()
    ['01100101', '01100102', 'A7']
    >>> pad_ids(pd.Series(["01", "12", "007"]), 1)[0].tolist()
    ['1', '12', '7']
    """
    if width is None:
        return ids, 0
    text = ids.astype(str)
    numeric = ids.notna() & text.str.fullmatch(r"\d+")
    core = text.str.lstrip("0").str.zfill(1)
    short = numeric & (text.str.len() < width)
    surplus = numeric & (text.str.len() > width) & text.str.startswith("0")
    padded = ids.copy()
    padded[short] = text[short].str.zfill(width)
    padded[surplus] = core[surplus].str.zfill(width)
    changed = short | (surplus & (padded != ids))
    return padded, int(changed.sum())
