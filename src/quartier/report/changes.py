"""The report's chapter "Veränderungen seit der letzten Fortschreibung" and the change lines
and trend lines of the quarter profiles, as plain data for the templates."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartier.editions.compare import Comparison
from quartier.editions.history import EditionHistory
from quartier.fields import FIELDS, field_label
from quartier.format import format_number
from quartier.judgements import STATUS_ORDER, judgement_kind, judgement_label
from quartier.report.texts import texts

__all__ = ["changes_context", "quarter_trends", "sparkline_svg", "trend_chart"]

#: Largest moves listed in the chapter.
LARGEST_MOVES = 15


def _format_value(value: float, indicator: str, language: str) -> str:
    from quartier.report.context import format_indicator

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


def changes_context(comparison: Comparison, names: pd.Series, labels: dict[str, str],
                    language: str, history: EditionHistory | None = None,
                    chart: bool = True) -> dict:
    """Everything the changes chapter shows.

    Parameters
    ----------
    comparison : Comparison
        Changes since the previous stored edition.
    names : Series
        Quarter names by ``quarter_id``.
    labels : dict
        Category labels by key.
    history : EditionHistory, optional
        All stored editions, for the trend table, the trend chart and the profile trend lines.
    chart : bool
        Draw the trend chart (matplotlib); False for fast tests.
    """
    text = texts(language)
    labels = {**labels, "status_index": text["status_class"]}

    def quarter(q: object) -> str:
        return f"{q} {names.get(q, '')}" if isinstance(q, str) else text["outside_short"]

    def facility_rows(frame: pd.DataFrame) -> list[dict]:
        return [{"id": r.facility_id, "name": r.name or "–",
                 "category": labels.get(r.category, r.category), "quarter": quarter(r.quarter_id)}
                for r in frame.itertuples()]

    transitions = [{"quarter": quarter(r.quarter_id),
                    "category": labels.get(r.category, r.category),
                    "before": _status_cell(r.previous_status, language),
                    "after": _status_cell(r.current_status, language)}
                   for r in comparison.transitions.itertuples()
                   if isinstance(r.previous_status, str) and isinstance(r.current_status, str)]
    moves = comparison.indicators.dropna(subset=["change"])
    moves = moves[moves["indicator"].isin(["coverage", "fca_access"])
                  & (moves["change"].abs() > 1e-9)]
    largest = _largest(moves, quarter, labels, text, language)
    social = comparison.indicators.dropna(subset=["change"])
    social = social[(social["indicator"] == "status_index") & (social["change"].abs() > 1e-9)]
    social_moves = _largest(social, quarter, labels, text, language)

    per_quarter: dict[str, list[str]] = {}
    for label, frame in ((text["opened"], comparison.opened), (text["closed"], comparison.closed)):
        for r in frame.itertuples():
            if isinstance(r.quarter_id, str):
                per_quarter.setdefault(r.quarter_id, []).append(
                    f"{label}: {r.name or r.facility_id} ({labels.get(r.category, r.category)})")
    for t in comparison.transitions.itertuples():
        if isinstance(t.previous_status, str) and isinstance(t.current_status, str):
            per_quarter.setdefault(t.quarter_id, []).append(
                f"{labels.get(t.category, t.category)}: "
                f"{_status_cell(t.previous_status, language)['label']} → "
                f"{_status_cell(t.current_status, language)['label']}")

    notes = []
    if comparison.boundaries_changed:
        notes.append(text["changes_boundaries"].format(
            previous=comparison.previous, before=format_number(
                comparison.previous_quarter_count or 0, 0, language),
            after=format_number(len(names), 0, language)))
    if not comparison.facilities_compared:
        notes.append(text["changes_no_facilities"].format(previous=comparison.previous))
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
        "transitions": transitions, "largest": largest, "social_moves": social_moves,
        "per_quarter": per_quarter,
        "trend": _trend(history, language, chart) if history is not None else None,
    }


def _largest(moves: pd.DataFrame, quarter, labels: dict[str, str], text: dict[str, str],
             language: str) -> list[dict]:
    order = moves["change_percent"].abs().fillna(moves["change"].abs())
    moves = moves.reindex(order.sort_values(ascending=False).index).head(LARGEST_MOVES)
    return [{"quarter": quarter(r.quarter_id),
             "category": labels.get(r.category, r.category) if isinstance(r.category, str)
             else "–",
             "indicator": _indicator_label(r.indicator, language),
             "before": _format_value(r.previous, r.indicator, language),
             "after": _format_value(r.current, r.indicator, language),
             "change": (format_number(r.change, 1, language) + " Pp." if r.unit == "pp"
                        else _format_value(r.change, r.indicator, language))}
            for r in moves.itertuples()]


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


def trend_chart(history: EditionHistory, language: str = "de") -> str:
    """Small multiples of the town-wide figures over all editions, as a PNG data URI.

    One panel per figure (facilities, gaps per action field, quarters with low social
    status); editions without the figure are left out of its line.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from quartier.maps.static import OKABE_ITO, figure_to_png_base64

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
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 2.6), squeeze=False)
    for ax, (title, lines) in zip(axes[0], panels, strict=True):
        for number, (label, series) in enumerate(lines):
            values = series.reindex(labels).to_numpy(dtype=float)
            ax.plot(x, values, marker="o", color=OKABE_ITO[number % len(OKABE_ITO)],
                    label=label or None, linewidth=1.6)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xticks(x, labels, fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=4, integer=True))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _pos: format_number(v, 0, language)))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(-0.3, len(labels) - 0.7)
        if any(label for label, _ in lines):
            ax.legend(fontsize=6, frameon=False, loc="best")
    fig.tight_layout()
    return "data:image/png;base64," + figure_to_png_base64(fig, dpi=90)


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
    values = np.asarray(values, dtype=float)
    finite = values[~np.isnan(values)]
    pad = 3.0
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    span = high - low or 1.0
    xs = np.linspace(pad, width - pad, len(values)) if len(values) > 1 else np.array([width / 2])
    ys = height - pad - (values - low) / span * (height - 2 * pad)
    if high == low:
        ys = np.full(len(values), height / 2.0)
    segments, current = [], []
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
