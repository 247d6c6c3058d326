"""The report's chapter "Veränderungen seit der letzten Fortschreibung" and the change lines
and trend lines of the quarter profiles, as plain data for the templates.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import format_number, format_percent
from quartier.judgements import STATUS_ORDER, judgement_kind, judgement_label
from quartier.report.formatting import format_indicator
from quartier.report.texts import texts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["changes_context", "integer_limits", "quarter_trends", "sparkline_svg", "trend_chart",
           "trend_figure"]

#: Largest moves listed per indicator in the chapter.
LARGEST_MOVES = 10


def _format_value(value: float, indicator: str, language: str) -> str:
    return format_indicator(value, indicator, language)


def _indicator_label(indicator: str, language: str) -> str:
    from quartier.indicators.registry import INDICATORS

    text = texts(language)
    if indicator in text:
        return text[indicator]
    if indicator in INDICATORS:
        return getattr(INDICATORS[indicator], f"label_{'de' if language == 'de' else 'en'}")
    return indicator


def _status_cell(status: object, language: str) -> dict[str, str]:
    if not isinstance(status, str):
        return {"key": "none", "kind": "none", "label": "–"}
    if status in STATUS_ORDER:
        return {"key": status, "kind": judgement_kind(status),
                "label": judgement_label(status, language)}
    return {"key": "class", "kind": "none", "label": status}  # a social class, e.g. "niedrig"


def _decimals(value: float, indicator: str) -> int:
    """Decimals the report prints for ``value`` of ``indicator`` (as :func:`format_indicator`)."""
    if indicator == "coverage":
        return 1
    if indicator in ("status_index", "dynamics_index"):
        return 2
    if indicator in ("supply_rate", "fca_access"):
        size = abs(value) if np.isfinite(value) else 0.0
        return 2 if size < 10 else 1 if size < 100 else 0
    return 0


def _signed(value: float, decimals: int, language: str) -> str:
    """``+1,5`` / ``−1,5``; a value that rounds to zero gives ``0`` with no sign."""
    shown = round(float(value), decimals)
    if shown == 0:
        return format_number(0.0, decimals, language)
    sign = "+" if shown > 0 else "−"
    return sign + format_number(abs(shown), decimals, language)


def _unit(indicator: str, language: str) -> str:
    from quartier.indicators.registry import INDICATORS

    if indicator in ("coverage", "status_index", "dynamics_index", "median_distance"):
        return ""  # printed with the value (%, m) or without unit (index)
    known = INDICATORS.get(indicator)
    return getattr(known, f"unit_{'de' if language == 'de' else 'en'}") if known else ""


def _with_unit(value: float, indicator: str, language: str) -> str:
    shown = _format_value(value, indicator, language)
    unit = _unit(indicator, language)
    return f"{shown}\u00a0{unit}" if unit and shown != "–" else shown


def _rounds_to_zero(change: float, previous: float, current: float, indicator: str) -> bool:
    """True when the change is 0 at the precision the report prints the values with."""
    if not np.isfinite(change):
        return False
    decimals = _decimals(max(abs(previous) if np.isfinite(previous) else 0.0,
                             abs(current) if np.isfinite(current) else 0.0), indicator)
    return round(float(change), decimals) == 0


def _transition_rank(row) -> tuple:
    """New Lücken first, then newly below the town median, then the rest; within each by the
    size of the change (relative to the reference where there is one), largest first.
    """
    became = 0 if row.current_status == "gap" and row.previous_status != "gap" else \
        1 if row.current_status == "below_town" and row.previous_status != "below_town" else 2
    change = abs(float(row.current_value) - float(row.previous_value)) \
        if pd.notna(row.current_value) and pd.notna(row.previous_value) else 0.0
    target = abs(float(row.current_target)) if pd.notna(row.current_target) else 0.0
    return (became, -(change / target if target > 0 else change))


def _cause_texts(causes: pd.DataFrame, transition, quarter, text: dict[str, str],
                 language: str, units: dict[str, str]) -> list[str]:
    """The causes of one transition as sentences (facilities named, figures with units)."""
    lines = []
    indicator = transition.indicator if isinstance(transition.indicator, str) else ""
    value_unchanged = _rounds_to_zero(
        float(transition.current_value) - float(transition.previous_value),
        float(transition.previous_value), float(transition.current_value), indicator) \
        if pd.notna(transition.current_value) and pd.notna(transition.previous_value) else False
    for c in causes.itertuples():
        if c.cause in ("facility_opened", "facility_closed", "facility_moved",
                       "places_changed"):
            if isinstance(c.facility_quarter, str) and c.facility_quarter == c.quarter_id:
                where = text["cause_inside"]
            else:
                where = text["cause_near"].format(
                    quarter=quarter(c.facility_quarter),
                    distance=format_number(c.distance_m, 0, language))
            name = c.name if isinstance(c.name, str) and c.name else c.facility_id
            if c.cause == "places_changed":
                unit = units.get(c.category) or text["cause_places"]
                lines.append(text["cause_places_changed"].format(
                    name=name, where=where, previous=format_number(c.previous, 0, language),
                    current=format_number(c.current, 0, language), unit=unit))
            else:
                lines.append(text[f"cause_{c.cause}"].format(name=name, where=where))
        elif c.cause == "population_changed":
            lines.append(text["cause_population_changed"].format(
                previous=format_number(c.previous, 0, language),
                current=format_number(c.current, 0, language)))
        elif c.cause == "reference_moved":
            previous = _with_unit(c.previous, indicator, language)
            current = _with_unit(c.current, indicator, language)
            if previous == current:  # moved less than the printed precision: not a cause
                continue
            line = text["cause_reference_moved"].format(previous=previous, current=current)
            lines.append(line + (text["cause_value_unchanged"] if value_unchanged else ""))
        elif c.cause == "standard_changed":
            if transition.previous_basis != transition.current_basis:
                lines.append(text["cause_basis_changed"])
            else:
                lines.append(text["cause_standard_changed"].format(
                    previous=_with_unit(c.previous, indicator, language),
                    current=_with_unit(c.current, indicator, language)))
        elif c.cause == "status_index_changed":
            lines.append(text["cause_status_index_changed"].format(
                previous=_format_value(c.previous, "status_index", language),
                current=_format_value(c.current, "status_index", language)))
        else:
            lines.append(text["cause_other_change"])
    return lines


def changes_context(comparison: Comparison, names: pd.Series, labels: dict[str, str],
                    language: str, history: EditionHistory | None = None,
                    chart: bool = True, units: dict[str, str] | None = None) -> dict:
    """Everything the changes chapter shows.

    Parameters
    ----------
    comparison : Comparison
        Changes since the previous stored edition (with its causes).
    names : Series
        Quarter names by ``quarter_id``.
    labels : dict
        Category labels by key.
    history : EditionHistory, optional
        All stored editions, for the trend table, the trend chart and the profile trend lines.
    chart : bool
        Draw the trend chart (matplotlib); False for fast tests.
    units : dict, optional
        Capacity unit per category (``Plätze``, ``Wohnungen``, …) for changed places.

    Notes
    -----
    Changed judgements are listed new Lücken first, then those newly below the town median,
    then the rest, each by |x_current − x_previous| ÷ |reference| (largest first). Indicator
    changes that round to 0 at the precision the report prints are left out; the largest
    changes are sorted by the change as printed.
    """
    text = texts(language)
    units = units or {}
    labels = {**labels, "status_index": text["status_class"]}

    def quarter(q: object) -> str:
        return f"{q} {names.get(q, '')}" if isinstance(q, str) else text["outside_short"]

    def facility_rows(frame: pd.DataFrame) -> list[dict]:
        return [{"id": r.facility_id, "name": r.name or "–",
                 "category": labels.get(r.category, r.category), "quarter": quarter(r.quarter_id)}
                for r in frame.itertuples()]

    causes_of = {key: rows for key, rows in comparison.causes.groupby(
        ["quarter_id", "category"], sort=False)} if len(comparison.causes) else {}
    judged = [r for r in comparison.transitions.itertuples()
              if isinstance(r.previous_status, str) and isinstance(r.current_status, str)]
    judged.sort(key=_transition_rank)
    transitions = []
    for r in judged:
        indicator = r.indicator if isinstance(r.indicator, str) else ""
        causes = causes_of.get((r.quarter_id, r.category), comparison.causes[:0])
        transitions.append({
            "quarter": quarter(r.quarter_id), "quarter_id": r.quarter_id,
            "category_key": r.category,
            "category": labels.get(r.category, r.category),
            "before": _status_cell(r.previous_status, language),
            "after": _status_cell(r.current_status, language),
            "value": (f"{_with_unit(r.previous_value, indicator, language)} → "
                      f"{_with_unit(r.current_value, indicator, language)}"),
            "reference": (f"{_with_unit(r.previous_target, indicator, language)} → "
                          f"{_with_unit(r.current_target, indicator, language)}"
                          if pd.notna(r.previous_target) or pd.notna(r.current_target)
                          else "–"),
            "causes": _cause_texts(causes, r, quarter, text, language, units),
            "cause_keys": list(causes["cause"])})
    # categories measured another way than before (method_changes): no change of the quarters
    same_method = comparison.indicators[~comparison.indicators["category"].isin(
        list(comparison.method_changes["category"]))]
    largest = [group for group in (
        _largest(same_method, indicator, quarter, labels, text, language)
        for indicator in ("coverage", "fca_access")) if group["rows"]]
    social = _largest(comparison.indicators, "status_index", quarter, labels, text, language)

    per_quarter: dict[str, list[str]] = {}
    for label, frame in ((text["opened"], comparison.opened), (text["closed"], comparison.closed)):
        for r in frame.itertuples():
            if isinstance(r.quarter_id, str):
                per_quarter.setdefault(r.quarter_id, []).append(
                    f"{label}: {r.name or r.facility_id} ({labels.get(r.category, r.category)})")
    for t in transitions:
        line = f"{t['category']}: {t['before']['label']} → {t['after']['label']}"
        if t["causes"]:
            line += f" ({'; '.join(t['causes'])})"
        per_quarter.setdefault(t["quarter_id"], []).append(line)

    notes = []
    if comparison.boundaries_changed:
        notes.append(text["changes_boundaries"].format(
            previous=comparison.previous, before=format_number(
                comparison.previous_quarter_count or 0, 0, language),
            after=format_number(len(names), 0, language)))
    if not comparison.facilities_compared:
        notes.append(text["changes_no_facilities"].format(previous=comparison.previous))
    if len(comparison.method_changes):
        notes.append(_method_note(comparison, labels, text))
    if comparison.boundaries_changed and not comparison.facilities_compared:
        lead = text["changes_lead_carried"].format(previous=comparison.previous)
    else:
        lead = text["changes_lead"].format(
            previous=comparison.previous,
            opened=format_number(len(comparison.opened), 0, language),
            closed=format_number(len(comparison.closed), 0, language),
            transitions=format_number(len(transitions), 0, language))
    return {
        "previous": comparison.previous, "lead": lead, "notes": notes,
        "opened": facility_rows(comparison.opened), "closed": facility_rows(comparison.closed),
        "facilities_compared": comparison.facilities_compared,
        "transitions": transitions, "transitions_lead": text["transitions_lead"],
        "largest": largest, "social_moves": social,
        "per_quarter": per_quarter,
        "trend": _trend(history, language, chart) if history is not None else None,
    }


def _method_note(comparison: Comparison, labels: dict[str, str], text: dict[str, str]) -> str:
    """One sentence on the categories judged on another basis than in the previous edition
    (:attr:`Comparison.method_changes`): a change of method, not of the quarters.
    """
    changes = []
    for row in comparison.method_changes.itertuples():
        previous = row.previous_basis if isinstance(row.previous_basis, str) else ""
        current = row.current_basis if isinstance(row.current_basis, str) else ""
        key = (f"method_{previous}_{current}" if previous and current else
               f"method_new_{current}" if current else "method_dropped")
        changes.append(text[key].format(category=labels.get(row.category, row.category)))
    return text["changes_method"].format(previous=comparison.previous,
                                         changes="; ".join(changes))


def _largest(indicators: pd.DataFrame, indicator: str, quarter, labels: dict[str, str],
             text: dict[str, str], language: str) -> dict:
    """The largest changes of one indicator, as printed: coverage in percentage points,
    accessible supply (2SFCA) in percent of the previous value (new access from 0 first),
    the status index in index points; changes that print as 0 are left out.
    """
    moves = indicators[(indicators["indicator"] == indicator)].dropna(subset=["change"])
    previous = moves["previous"].to_numpy(dtype=float)
    current = moves["current"].to_numpy(dtype=float)
    change = moves["change"].to_numpy(dtype=float)
    keep = np.array([not _rounds_to_zero(c, p, n, indicator)
                     for c, p, n in zip(change, previous, current, strict=True)], dtype=bool)
    moves = moves[keep]
    rows = []
    for r in moves.itertuples():
        if indicator == "fca_access":
            if r.previous == 0:
                shown, key, size = text["change_from_zero"], np.inf, np.inf
            else:
                key = round(r.change / abs(r.previous) * 100, 0)
                if key == 0:
                    continue
                shown, size = format_percent(abs(key), 0, language), abs(key)
                shown = ("+" if key > 0 else "−") + shown
        else:
            decimals = 1 if indicator == "coverage" else 2
            key = round(r.change, decimals)
            shown, size = _signed(r.change, decimals, language), abs(key)
            if indicator == "coverage":
                shown += "\u00a0" + text["pp"]
        rows.append((size, {
            "quarter": quarter(r.quarter_id),
            "category": labels.get(r.category, r.category) if isinstance(r.category, str)
            else "–",
            "before": _with_unit(r.previous, indicator, language),
            "after": _with_unit(r.current, indicator, language),
            "change": shown, "size": size}))
    rows.sort(key=lambda pair: -pair[0])
    return {"indicator": indicator, "label": _indicator_label(indicator, language),
            "title": text[f"largest_{indicator}"], "change_header": text[
                f"change_header_{indicator}"],
            "rows": [row for _, row in rows[:LARGEST_MOVES]]}


def _trend_rows(history: EditionHistory, language: str) -> list[tuple[str, str, pd.Series]]:
    """(key, label, values by edition) of the town-wide trend table, rows with data only."""
    text = texts(language)
    town = history.town
    rows = [("quarters", text["trend_quarters"]), ("facilities", text["trend_facilities"]),
            ("gaps", text["trend_gaps"])]
    rows += [(f"gaps_{key}", "– " + field_label(key, language)) for key in FIELDS]
    rows += [("below_town", text["trend_below_town"]), ("resources", text["trend_resources"]),
             ("low_status", text["trend_low_status"])]
    return [(key, label, town[key]) for key, label in rows
            if key in town.columns and town[key].notna().any()]


def _trend(history: EditionHistory, language: str, chart: bool) -> dict:
    text = texts(language)
    rows = [{"label": label, "key": key,
             "values": [format_number(v, 0, language) if pd.notna(v) else "–" for v in values]}
            for key, label, values in _trend_rows(history, language)]
    notes = []
    if history.carried:
        notes.append(text["trend_carried"].format(editions=", ".join(history.carried)))
    return {"editions": list(history.labels), "rows": rows, "notes": notes,
            "chart": trend_chart(history, language) if chart and len(history.labels) > 1
            else "", "chart_alt": text["trend_chart_alt"]}


def integer_limits(values: np.ndarray) -> tuple[float, float]:
    """y-limits for counts: whole numbers around the data, at least two apart (so that an
    integer tick locator finds two or more ticks), never below 0 for counts ≥ 0, with a
    quarter of a unit of air.

    Examples
    --------
    >>> integer_limits(np.array([1.0, 1.0, 1.0]))
    (-0.25, 2.25)
    >>> integer_limits(np.array([3.0, 7.0]))
    (2.75, 7.25)
    """
    finite = values[np.isfinite(values)]
    if not len(finite):
        return (-0.25, 1.25)
    low, high = float(np.floor(finite.min())), float(np.ceil(finite.max()))
    if high - low < 2:
        low, high = low - 1, high + 1
        if finite.min() >= 0 and low < 0:
            low, high = 0.0, max(high, 2.0)
    return (low - 0.25, high + 0.25)


def trend_figure(history: EditionHistory, language: str = "de") -> Figure:
    """Small multiples of the town-wide figures over all editions.

    One panel per figure (facilities, gaps per action field, quarters with low social
    status); editions without the figure are left out of its line. All are counts: the
    y-axis has whole-number ticks only (:func:`integer_limits`, ``MaxNLocator(integer=True)``).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from quartier.maps.static import OKABE_ITO

    text = texts(language)
    town = history.town
    labels = list(history.labels)
    x = np.arange(len(labels))
    panels: list[tuple[str, list[tuple[str, pd.Series]]]] = []
    if town["facilities"].notna().any():
        panels.append((text["trend_facilities"], [("", town["facilities"])]))
    field_lines = [(field_label(key, language), town[f"gaps_{key}"]) for key in FIELDS
                   if f"gaps_{key}" in town and town[f"gaps_{key}"].notna().any()]
    if field_lines:
        panels.append((text["trend_gaps_by_field"], field_lines))
    if town["low_status"].notna().any():
        panels.append((text["trend_low_status"], [("", town["low_status"])]))
    fig = Figure(figsize=(3.4 * max(len(panels), 1), 2.6))
    axes = fig.subplots(1, max(len(panels), 1), squeeze=False)
    for ax, (title, lines) in zip(axes[0], panels, strict=False):
        shown = []
        for number, (label, series) in enumerate(lines):
            values = series.reindex(labels).to_numpy(dtype=float)
            shown.append(values)
            ax.plot(x, values, marker="o", color=OKABE_ITO[number % len(OKABE_ITO)],
                    label=label or None, linewidth=1.6)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xticks(x, labels, fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_ylim(*integer_limits(np.concatenate(shown)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos: format_number(v, 0, language)))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(-0.3, len(labels) - 0.7)
        if any(label for label, _ in lines):
            ax.legend(fontsize=6, frameon=False, loc="best")
    fig.tight_layout()
    return fig


def trend_chart(history: EditionHistory, language: str = "de") -> str:
    """:func:`trend_figure` as a PNG data URI."""
    from quartier.maps.static import figure_to_png_base64

    return "data:image/png;base64," + figure_to_png_base64(trend_figure(history, language),
                                                           dpi=90)


def quarter_trends(history: EditionHistory, language: str = "de") -> dict[str, list[dict]]:
    """Per quarter: small trend lines of residents, gaps and the status index over editions.

    Values of editions with other boundaries are the carried (interpolated) ones; gaps exist
    only for editions with the current boundaries.
    """
    text = texts(language)
    table = history.indicators
    labels = list(history.labels)
    series: list[tuple[str, pd.DataFrame, int]] = []
    residents = table[table["indicator"] == "residents"].pivot_table(
        index="quarter_id", columns="edition", values="value", aggfunc="first")
    series.append((text["residents"], residents, 0))
    judged = table[table["status"].isin(STATUS_ORDER[:-1])]
    if len(judged):
        gaps = (judged["status"] == "gap").groupby([judged["quarter_id"],
                                                    judged["edition"]]).sum().unstack()
        series.append((text["trend_gaps"], gaps.astype(float), 0))
    status = table[table["indicator"] == "status_index"].pivot_table(
        index="quarter_id", columns="edition", values="value", aggfunc="first")
    if len(status):
        series.append((_indicator_label("status_index", language), status, 2))
    result: dict[str, list[dict]] = {}
    for label, frame, decimals in series:
        frame = frame.reindex(columns=labels)
        for quarter_id, row in frame.iterrows():
            if row.notna().sum() < 2:
                continue
            values = row.to_numpy(dtype=float)
            shown = " · ".join(f"{e}: {format_number(v, decimals, language)}"
                               for e, v in zip(labels, values, strict=True) if not np.isnan(v))
            result.setdefault(str(quarter_id), []).append(
                {"label": label, "text": shown,
                 "svg": sparkline_svg(values, title=f"{label}: {shown}")})
    return result


def sparkline_svg(values: Sequence[float], *, title: str, width: int = 96,
                  height: int = 22) -> str:
    """A tiny inline SVG line of ``values`` (NaN leaves a gap), with ``title`` as its text.

    Examples
    --------
    >>> svg = sparkline_svg([1.0, 3.0, 2.0], title="Lücken")
    >>> svg.startswith("<svg") and "<title>Lücken</title>" in svg
    True
    """
    points = np.asarray(values, dtype=float)
    finite = points[~np.isnan(points)]
    pad = 3.0
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    span = high - low or 1.0
    xs = np.linspace(pad, width - pad, len(points)) if len(points) > 1 else np.array([width / 2])
    ys = height - pad - (points - low) / span * (height - 2 * pad)
    if high == low:
        ys = np.where(np.isnan(points), np.nan, height / 2.0)
    segments: list[list[str]] = []
    current: list[str] = []
    for x, y in zip(xs, ys, strict=True):
        if np.isnan(y):
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    lines = "".join(f'<polyline points="{" ".join(s)}" fill="none" stroke="#0072B2" '
                    'stroke-width="1.5"/>' for s in segments)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#0072B2"/>'
                   for x, y in zip(xs, ys, strict=True) if not np.isnan(y))
    safe = html.escape(title)
    return (f'<svg class="spark" role="img" aria-label="{safe}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{safe}</title>{lines}{dots}</svg>')
