"""Classes of a value per quarter and their colours, shared by the static and interactive maps.

:func:`classify` puts values into classes (quantiles, equal intervals, Fisher–Jenks natural
breaks via mapclassify, or fixed breaks that keep several editions comparable);
:func:`class_colours` gives each class a colour from a ColorBrewer scheme that is safe for
colour-blind readers (``YlGnBu`` sequential, ``PuOr`` diverging).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from quartier.format import format_number
from quartier.maps.style import map_texts

__all__ = ["SCHEMES", "Classification", "class_colours", "classify"]

_DEFAULT_SEQUENTIAL = "YlGnBu"
_DEFAULT_DIVERGING = "PuOr"

#: Classification schemes of :func:`classify` and the mapclassify classifier behind each.
SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
    "natural_breaks": mapclassify.FisherJenks,
    "fisher_jenks": mapclassify.FisherJenks,
}
_FISHER_JENKS_MAX = 1000  # above this, Fisher–Jenks runs on an evenly spaced subsample


@dataclass(frozen=True, eq=False)
class Classification:
    """Classes of a value per quarter, as returned by :func:`classify`.

    Attributes
    ----------
    scheme : str
        ``"quantiles"``, ``"equal_interval"``, ``"natural_breaks"``, ``"fisher_jenks"`` or
        ``"user_defined"`` (fixed breaks).
    breaks : tuple of float
        Upper bound of each class, included in the class: class ``i`` holds the values
        ``breaks[i-1] < x <= breaks[i]``; the first class is open below. The last bound is
        ``inf`` (the top class is open above) except when all values were equal, where the
        single class is that value. Pass ``breaks`` to :func:`classify` again to put the
        values of another edition into the same classes.
    bins : Series of int
        Class index per value, aligned with the input; ``-1`` where the value is missing.
    """

    scheme: str
    breaks: tuple[float, ...]
    bins: pd.Series

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.breaks)

    @property
    def counts(self) -> np.ndarray:
        """Number of values in each class."""
        bins = self.bins.to_numpy()
        return np.bincount(bins[bins >= 0], minlength=self.k)[: self.k]

    @property
    def n_missing(self) -> int:
        """Number of missing values (class ``-1``)."""
        return int((self.bins.to_numpy() < 0).sum())

    def labels(self, language: str = "de", decimals: int | None = None,
               counts: bool = False) -> list[str]:
        """Legend label of each class, with the reader's number format.

        Parameters
        ----------
        language : {"de", "en"}
        decimals : int, optional
            Decimals of the bounds; by default the fewest that show every bound exactly
            (at most four), the same for all labels.
        counts : bool
            The values are whole counts and the bounds whole numbers: label the classes by
            the counts they hold ("0", "1", "3 bis 4", "5 und mehr") instead of by bounds.

        Returns
        -------
        list of str
            ``["bis 2,8", "2,8 bis 4,6", …, "über 8,2"]``; English ``"up to 2.8"``,
            ``"2.8 to 4.6"``, ``"over 8.2"``.

        Examples
        --------
        >>> classify(pd.Series([5.0, 15.0, 30.0, 50.0]), breaks=[12.5, 20, 40]).labels()
        ['bis 12,5', '12,5 bis 20,0', '20,0 bis 40,0', 'über 40,0']
        >>> classify(pd.Series([5.0, 15.0]), breaks=[12.5]).labels("en")
        ['up to 12.5', 'over 12.5']
        >>> classify(pd.Series([0, 1, 3, 7]), breaks=[0, 1, 2, 4, np.inf]).labels(counts=True)
        ['0', '1', '2', '3 bis 4', '5 und mehr']
        """
        texts = map_texts(language)
        if self.k == 0:
            return []
        if counts:
            return _count_labels(self.breaks, language)
        finite = [b for b in self.breaks if math.isfinite(b)]
        if decimals is None:
            decimals = _display_decimals(finite)

        def fmt(value: float) -> str:
            return format_number(value, decimals, language)

        if self.k == 1:
            only = self.breaks[0]
            return [fmt(only) if math.isfinite(only) else texts["all"]]
        labels = [texts["up_to"].format(b=fmt(self.breaks[0]))]
        for lower, upper in zip(self.breaks[:-2], self.breaks[1:-1], strict=True):
            labels.append(texts["between"].format(a=fmt(lower), b=fmt(upper)))
        last_lower, last_upper = self.breaks[-2], self.breaks[-1]
        labels.append(texts["over"].format(a=fmt(last_lower)) if math.isinf(last_upper)
                      else texts["between"].format(a=fmt(last_lower), b=fmt(last_upper)))
        return labels


def _count_labels(breaks: Sequence[float], language: str) -> list[str]:
    """Labels of classes of whole counts: class *i* holds the integers in (b_{i-1}, b_i]."""
    between, plus = (("{a} bis {b}", "{a} und mehr") if language == "de"
                     else ("{a} to {b}", "{a} or more"))
    labels, lower = [], None
    for upper in breaks:
        first = 0 if lower is None else int(math.floor(lower)) + 1
        if math.isinf(upper):
            labels.append(plus.format(a=format_number(first, 0, language)))
        else:
            last = int(math.floor(upper))
            labels.append(format_number(last, 0, language) if lower is None or first == last
                          else between.format(a=format_number(first, 0, language),
                                              b=format_number(last, 0, language)))
        lower = upper
    return labels


def classify(values: pd.Series | Sequence[float], *, scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None) -> Classification:
    """Put values into classes for a choropleth map.

    Parameters
    ----------
    values : Series
        One value per quarter; missing and infinite values get class ``-1``.
    scheme : {"quantiles", "equal_interval", "natural_breaks", "fisher_jenks"}
        How to find the breaks from the data (mapclassify's ``Quantiles``, ``EqualInterval``
        and ``FisherJenks``; ``natural_breaks`` means Fisher–Jenks, which is deterministic).
        Ignored when ``breaks`` is given.
    k : int
        Number of classes wanted. Fewer are made when the data have at most ``k`` distinct
        values (one class per distinct value), when breaks coincide, and one when all values
        are equal.
    breaks : sequence of float, optional
        Fixed upper class bounds, strictly increasing (mapclassify's ``UserDefined``). An open
        top class ("über …") is added unless the last bound is ``inf``. Use the ``breaks`` of
        an earlier :class:`Classification` so that the maps of two editions compare.

    Returns
    -------
    Classification

    Notes
    -----
    Class ``i`` holds ``breaks[i-1] < x <= breaks[i]``. Breaks found from the data are rounded
    up to three significant digits of the value range (so that a legend showing them is
    exact and every value stays in the class it was found in or the one below), breaks at or
    above the largest value are dropped and the top class is left open (``inf``), so the
    breaks can be reused for data that reach further.

    Examples
    --------
    >>> c = classify(pd.Series(range(1, 11)), k=5)
    >>> c.breaks
    (2.8, 4.6, 6.4, 8.2, inf)
    >>> c.bins.tolist()
    [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    >>> classify(pd.Series([3.0, None, 25.0]), breaks=c.breaks).bins.tolist()
    [1, -1, 4]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    numbers = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(numbers)
    if breaks is not None:
        upper = _checked_breaks(breaks)
        used = "user_defined"
    else:
        if scheme not in SCHEMES:
            raise ValueError(f"unknown classification scheme {scheme!r}; use one of "
                             f"{', '.join(SCHEMES)} or give fixed breaks=[…]")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive whole number of classes, not {k!r}")
        upper = _data_breaks(numbers[finite], scheme, int(k))
        used = scheme
    bins = np.full(numbers.shape, -1, dtype=np.int64)
    if upper:
        found = np.searchsorted(np.asarray(upper), numbers[finite], side="left")
        bins[finite] = np.minimum(found, len(upper) - 1)
    return Classification(scheme=used, breaks=upper,
                          bins=pd.Series(bins, index=series.index, name="class"))


def _checked_breaks(breaks: Sequence[float]) -> tuple[float, ...]:
    """Validate fixed breaks and add the open top class."""
    try:
        bounds = np.asarray(list(breaks), dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"breaks must be numbers, got {breaks!r}") from error
    if bounds.ndim != 1 or bounds.size == 0:
        raise ValueError("breaks must be a non-empty list of upper class bounds")
    if np.isnan(bounds).any() or np.isneginf(bounds).any():
        raise ValueError(f"breaks must be finite numbers (the last may be inf), got {breaks!r}")
    if np.isinf(bounds[:-1]).any() or (np.diff(bounds) <= 0).any():
        raise ValueError(f"breaks must be strictly increasing, got {list(breaks)!r}")
    if not np.isinf(bounds[-1]):
        bounds = np.append(bounds, np.inf)
    return tuple(float(b) for b in bounds)


def _data_breaks(x: np.ndarray, scheme: str, k: int) -> tuple[float, ...]:
    """Upper bounds from the data: rounded up, deduplicated, top class open."""
    if x.size == 0:
        return ()
    distinct = np.unique(x)
    if distinct.size == 1:
        return (float(distinct[0]),)
    if distinct.size <= k:
        inner = distinct[:-1]
    else:
        sample = x
        if SCHEMES[scheme] is mapclassify.FisherJenks and x.size > _FISHER_JENKS_MAX:
            sample = np.quantile(x, np.linspace(0, 1, _FISHER_JENKS_MAX), method="nearest")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Numba not installed", "not enough unique values"
            inner = np.asarray(SCHEMES[scheme](sample, k=k).bins, dtype=float)[:-1]
    decimals = _rounding_decimals(float(distinct[-1] - distinct[0]))
    scale = 10.0 ** decimals
    inner = np.round(np.ceil(inner * scale - 1e-9) / scale, decimals) + 0.0  # no -0.0
    inner = np.unique(inner)
    inner = inner[inner < distinct[-1]]
    return tuple(float(b) for b in inner) + (math.inf,)


def _rounding_decimals(value_range: float) -> int:
    """Decimals (negative: tens, hundreds, …) keeping three significant digits of a range."""
    if value_range <= 0 or not math.isfinite(value_range):
        return 2
    return int(min(6, max(-9, 2 - math.floor(math.log10(value_range)))))


def _display_decimals(bounds: Sequence[float], most: int = 4) -> int:
    """Fewest decimals (up to ``most``) that show every bound exactly."""
    for decimals in range(most + 1):
        if all(abs(round(b, decimals) - b) <= 1e-9 * max(1.0, abs(b)) for b in bounds):
            return decimals
    return most


def class_colours(classification: Classification, cmap: str | None = None, *,
                  diverging_center: float | None = None) -> list[str]:
    """Fill colour of each class as hex strings.

    Parameters
    ----------
    classification : Classification
    cmap : str, optional
        A Matplotlib colormap name. Default ``"YlGnBu"`` (sequential) or, with
        ``diverging_center``, ``"PuOr"``; both are ColorBrewer schemes marked safe for
        colour-blind readers.
    diverging_center : float, optional
        Value at the centre of a diverging scheme (e.g. 0 for an index, 100 for percent of a
        target). Classes below it take one side of the colormap, classes above the other,
        each side from pale to strong; a class containing the centre gets the middle colour.

    Returns
    -------
    list of str

    Examples
    --------
    >>> class_colours(classify(pd.Series([1.0, 2.0]), k=2))
    ['#eef8b3', '#1a2b7e']
    """
    k = classification.k
    if k == 0:
        return []
    name = cmap or (_DEFAULT_DIVERGING if diverging_center is not None else _DEFAULT_SEQUENTIAL)
    try:
        colormap = colormaps[name]
    except KeyError as error:
        raise ValueError(f"unknown colormap {name!r}") from error
    if diverging_center is None:
        positions = np.array([0.55]) if k == 1 else np.linspace(0.12, 0.92, k)
    else:
        upper = np.asarray(classification.breaks)
        lower = np.r_[-np.inf, upper[:-1]]
        below = upper <= diverging_center
        above = lower >= diverging_center
        positions = np.full(k, 0.5)
        n_below, n_above = int(below.sum()), int(above.sum())
        if n_below:
            positions[below] = 0.5 - 0.42 * np.arange(n_below, 0, -1) / n_below
        if n_above:
            positions[above] = 0.5 + 0.42 * np.arange(1, n_above + 1) / n_above
    return [to_hex(colormap(p)) for p in positions]
