"""``quartier.compute(study)``: every indicator of a study in one tidy table.

The stages are plain functions (population surface → supply → accessibility → gaps → social
index); this module only runs them in order and gathers what they return.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from quartier.catalogue import combined_members, parse_group_values, standard_kind
from quartier.format import format_number
from quartier.indicators.accessibility import accessibility_by_quarter, combined_access_by_quarter
from quartier.indicators.distance_model import NETWORK, distance_models, study_network
from quartier.indicators.edges import boundary_quarters, context_facilities, edge_flags
from quartier.indicators.gaps import GAP_COLUMNS, assess_gaps
from quartier.indicators.registry import INDICATORS
from quartier.indicators.remote import remote_residents
from quartier.indicators.social import social_status
from quartier.indicators.supply import (
    MEMBER_COLUMN,
    capacity_based,
    supply_by_quarter,
    with_combined_categories,
)
from quartier.load.completeness import incomplete_categories
from quartier.load.population import age_bands
from quartier.population import (
    PopulationMethod,
    calibrate_to_quarters,
    cells_from_grid,
    context_cells_from_grid,
    fill_suppressed_bands,
    reference_population,
    spread_where_people_live,
)
from quartier.population.reference import AGE_STRUCTURE_SOURCE, estimated_bands
from quartier.study import Study
from quartier.validation import ValidationReport, format_ids

__all__ = ["Results", "compute", "population_surface", "context_population", "RESULT_COLUMNS",
           "wide"]

RESULT_COLUMNS = ["quarter_id", "field", "category", "indicator", "value", "unit",
                  "reference_group", "target", "status", "basis"]
_CATEGORY_INDICATORS = ("population", "count", "capacity", "supply_rate", "median_distance",
                        "coverage", "fca_access")


@dataclass(frozen=True)
class Results:
    """What :func:`compute` returns.

    Attributes
    ----------
    surface : GeoDataFrame
        The population surface (cells with ``quarter_id``, ``total``, bands).
    indicators : DataFrame
        The tidy results table, columns :data:`RESULT_COLUMNS`.
    gaps : DataFrame
        One row per quarter × category with the judged indicator, target, basis and status.
    social_index : DataFrame or None
        Social status and dynamics index per quarter (when configured), indexed by
        ``quarter_id`` (:func:`quartier.indicators.social.social_status`). The old name
        ``status`` still works for one release and warns.
    findings : ValidationReport
        Notes and warnings of the computation (estimated reference groups, residents that
        could not be placed, …).
    distance_models : dict
        Per category its distance model, ``straight`` (straight line) or ``network`` (walking
        distance on ``[network]``; :mod:`quartier.indicators.distance_model`).
    distance_comparison : DataFrame or None
        For the categories measured on the network, per quarter ``coverage`` and
        ``median_distance`` by both models (``coverage_straight``, ``coverage_network``,
        ``median_straight``, ``median_network``); None when no category uses the network.
    context_surface : GeoDataFrame or None
        Residents of the grid outside every quarter within ``[indicators] context_buffer_m``
        (:func:`context_population`): demand in the 2SFCA, in no quarter's figures; None
        without a grid.
    boundary : Series of bool or None
        Per ``quarter_id`` whether the quarter lies at the study boundary
        (:func:`quartier.indicators.edges.boundary_quarters`), as used for the Randlage flags.
    remote : DataFrame or None
        Per quarter the residents placed in cells with no facility of any category within
        ``[indicators] remote_radius_m`` (``quarter_id``, ``residents``, ``remote_residents``,
        ``remote_share``; :func:`quartier.indicators.remote.remote_residents`): the check
        "Wohnlage prüfen". None for results built without it.
    quarters : DataFrame or None
        The figures of each quarter that every chapter, map and export reads, computed once
        here: index ``quarter_id`` in the order of ``study.quarters``, columns ``residents``
        (all residents placed on the surface; the same figure as the ``residents`` rows of
        ``indicators``) and ``area_km2`` (the quarter's area in the study's metric CRS).
        None only for results built by hand.
    """

    surface: gpd.GeoDataFrame
    indicators: pd.DataFrame
    gaps: pd.DataFrame
    social_index: pd.DataFrame | None
    findings: ValidationReport
    distance_models: dict[str, str] = field(default_factory=dict)
    distance_comparison: pd.DataFrame | None = None
    context_surface: gpd.GeoDataFrame | None = None
    boundary: pd.Series | None = None
    remote: pd.DataFrame | None = None
    quarters: pd.DataFrame | None = None

    @property
    def status(self) -> pd.DataFrame | None:
        """Deprecated name of :attr:`social_index` (kept for one release)."""
        warnings.warn("Results.status heißt jetzt Results.social_index (der Sozialindex); der "
                      "alte Name entfällt in der nächsten Version.", DeprecationWarning,
                      stacklevel=2)
        return self.social_index


def population_surface(study: Study, report: ValidationReport | None = None
                       ) -> gpd.GeoDataFrame:
    """Residents by age band on 100 m cells, each with its ``quarter_id``.

    With a census grid: cells assigned by centre (or split at boundaries, ``[indicators]
    split_boundary_cells``); with a register table as well, the register's figures per quarter
    are distributed over the quarter's cells (:func:`quartier.population.calibrate_to_quarters`),
    and register quarters without any populated cell are spread over their area. With only a
    register table: spread over a 100 m grid clipped to each quarter, only where people live
    when ``[population.residential]`` or ``[population.uninhabited]`` is given
    (:func:`quartier.population.spread_where_people_live`). ``attrs["population_method"]``
    of the result names the method (:class:`quartier.population.PopulationMethod`).
    """
    report = report if report is not None else ValidationReport()
    settings = study.config.indicators
    grid, table = study.population_grid, study.population_quarters
    if table is not None:
        table = table[table["quarter_id"].isin(study.quarters["quarter_id"])].reset_index(
            drop=True)
        unknown = table["total"].isna()
        if unknown.any():
            report.add("warning", "unknown_population", "population",
                       f"{int(unknown.sum())} Quartiere haben keine (oder eine geheim gehaltene) "
                       f"Einwohnerzahl und zählen als unbewohnt: "
                       f"{format_ids(table.loc[unknown, 'quarter_id'])}.",
                       "Einwohnerzahl nachtragen, wenn sie bekannt ist.")
            table = table.assign(total=table["total"].fillna(0.0))
        table = fill_suppressed_bands(table, pd.Series(0, index=table.index))
    land = {"residential": study.residential, "uninhabited": study.uninhabited}
    if grid is None:
        return spread_where_people_live(table, study.quarters, report=report, **land)
    cells = cells_from_grid(grid, study.quarters, split_boundary=settings.split_boundary_cells)
    if table is None:
        cells.attrs["population_method"] = PopulationMethod("grid")
        return cells
    cells = calibrate_to_quarters(cells, table)
    empty = table[~table["quarter_id"].isin(cells["quarter_id"]) & (table["total"] > 0)]
    if len(empty):
        report.add("warning", "quarters_without_cells", "population",
                   f"{len(empty)} Quartiere haben laut Einwohnertabelle Einwohner*innen, aber "
                   f"keine bewohnte Gitterzelle: {format_ids(empty['quarter_id'])}. Ihre "
                   "Einwohner*innen werden über die Fläche verteilt (mit einer Flächenebene nur "
                   "dort, wo Menschen wohnen).",
                   "Gitter und Quartiersgrenzen vergleichen.")
        spread = spread_where_people_live(empty, study.quarters[study.quarters[
            "quarter_id"].isin(empty["quarter_id"])], report=report, **land)
        cells = gpd.GeoDataFrame(pd.concat([cells, spread[cells.columns]], ignore_index=True),
                                 geometry="geometry", crs=cells.crs)
    cells.attrs["population_method"] = PopulationMethod("grid_calibrated")
    return cells


def context_population(study: Study, report: ValidationReport | None = None
                       ) -> gpd.GeoDataFrame | None:
    """Residents of the grid outside every quarter, within reach of the study area.

    Only a grid population covers the land beyond the boundary (quarter totals cannot): its
    cells outside every quarter but within ``[indicators] context_buffer_m`` of the study area
    (:func:`quartier.population.context_cells_from_grid`) share the places of facilities near
    the boundary in the 2SFCA. They stay as the grid gives them: a calibration to register
    totals per quarter does not reach them. A note in ``report`` names how many there are.

    Returns
    -------
    GeoDataFrame or None
        ``cell_id``, ``total``, age bands and points; None without a grid.
    """
    grid = study.population_grid
    if grid is None:
        return None
    settings = study.config.indicators
    context = context_cells_from_grid(grid, study.quarters, settings.context_buffer_m,
                                      split_boundary=settings.split_boundary_cells)
    if len(context) and report is not None:
        calibrated = (" Sie sind nicht an die Einwohnertabelle je Quartier angepasst."
                      if study.population_quarters is not None else "")
        report.add("note", "context_demand", "population",
                   f"{format_number(len(context))} Gitterzellen mit "
                   f"{format_number(context['total'].sum())} Einwohner*innen außerhalb der "
                   f"Quartiere, bis {format_number(settings.context_buffer_m)} m vom "
                   "Untersuchungsgebiet entfernt, teilen sich in der Erreichbarkeit (2SFCA) die "
                   "Plätze der Einrichtungen mit den Einwohner*innen der Quartiere; sie zählen "
                   f"zu keinem Quartier.{calibrated}",
                   "Die Entfernung mit [indicators] context_buffer_m anpassen.")
    return context


def _categories(study: Study, report: ValidationReport) -> list[str]:
    """The categories the study has facilities of, in catalogue order.

    A category with a standard but no facility at all is left out with a note: a whole town
    without any GP is far more likely a gap in the data than in the supply.
    """
    catalogue = study.catalogue
    present = set(with_combined_categories(study.facilities, catalogue)["category"])
    with_standard = catalogue.index[standard_kind(catalogue) != "town"]
    absent = [key for key in with_standard if key not in present]
    if absent:
        report.add("note", "categories_without_data", "facilities",
                   f"Für {len(absent)} Kategorien mit Richtwert liegen keine Einrichtungen vor; "
                   f"sie werden nicht bewertet: {', '.join(absent)}.",
                   "Wenn es solche Angebote gibt, eine Datenquelle unter [[facilities]] ergänzen.")
    return [key for key in catalogue.index if key in present]


def compute(study: Study, *, progress: Callable[[str], None] | None = None,
            client: Any = None) -> Results:
    """Compute every indicator of a study.

    Parameters
    ----------
    study : Study
        From :func:`quartier.load_study`.
    progress : callable, optional
        Called with a short German message at the start of each step.
    client : distributed.Client, optional
        With the extra ``quartier[dask]``: compute distances, coverage and 2SFCA on this dask
        cluster, on spatial partitions of the cells (:mod:`quartier.scale`); same results.

    Returns
    -------
    Results
        Population surface, tidy indicator table, gap assessment and social index.

    Examples
    --------
    >>> results = compute(load_study("data/sample/quartier.toml"))  # doctest: +SKIP
    >>> wide(results.indicators, "coverage")  # doctest: +SKIP
    """
    step = progress or (lambda _message: None)
    report = ValidationReport()
    settings = study.config.indicators
    catalogue = study.catalogue
    step("Bevölkerungsoberfläche berechnen")
    surface = population_surface(study, report)
    context = context_population(study, report)
    residents = surface.groupby("quarter_id")["total"].sum().reindex(
        study.quarters["quarter_id"], fill_value=0.0)
    categories = _categories(study, report)
    models = distance_models(catalogue, categories, study.config.network)
    comparison = None
    boundary = boundary_quarters(study.quarters)

    if categories:
        table, gaps, models, comparison = _category_indicators(
            study, surface, residents, categories, report, step, client, models, context,
            boundary)
    else:  # e.g. an edition with social data only: no supply indicators
        table = pd.DataFrame(columns=["quarter_id", "category", "measure",
                                      *_CATEGORY_INDICATORS, "residents"])
        numeric = {"value", "target", "unmet_people", "missing_places", "demand"}
        gaps = pd.DataFrame({c: pd.Series(dtype=float if c in numeric else bool
                                          if c in ("resource", "served_by_neighbours",
                                                   "standard_binding", "edge") else str)
                             for c in [*GAP_COLUMNS, "edge"]})

    step("Sozialindex berechnen")
    status = None
    if settings.status_index is not None and study.social is not None:
        try:
            status = social_status(study.social, settings.status_index)
        except ValueError as exc:
            report.add("error", "status_index", "social", f"Der Sozialindex lässt sich nicht "
                       f"berechnen: {exc}", "[indicators.status_index] prüfen.")
    indicators = _tidy(table, gaps, status, catalogue, residents)
    # residents placed far from every facility: the check "Wohnlage prüfen"
    remote = remote_residents(surface, study.facilities, settings.remote_radius_m)
    return Results(surface=surface, indicators=indicators, gaps=gaps, social_index=status,
                   findings=report, distance_models=models, distance_comparison=comparison,
                   context_surface=context, boundary=boundary, remote=remote,
                   quarters=_quarter_figures(study.quarters, residents))


def _quarter_figures(quarters: gpd.GeoDataFrame, residents: pd.Series) -> pd.DataFrame:
    """``residents`` and ``area_km2`` per quarter (:attr:`Results.quarters`)."""
    area = quarters.geometry.area.to_numpy() / 1e6
    return pd.DataFrame({"residents": residents.to_numpy(dtype=float), "area_km2": area},
                        index=pd.Index(quarters["quarter_id"].to_numpy(), name="quarter_id"))


def _category_indicators(study: Study, surface: pd.DataFrame, residents: pd.Series,
                         categories: list[str], report: ValidationReport,
                         step: Callable[[str], None], client: Any = None,
                         models: dict[str, str] | None = None,
                         context: gpd.GeoDataFrame | None = None,
                         boundary: pd.Series | None = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str],
                                    pd.DataFrame | None]:
    """Supply and accessibility per quarter and category, and their assessment.

    Categories whose distance model is ``network`` are measured on the study's walking
    network (loaded once), and by the straight line as well for the report's comparison.
    ``context`` (:func:`context_population`) adds demand beyond the boundary to the 2SFCA.
    Returns the table, the gaps, the distance models used and the comparison (or None).
    """
    models = dict(models or {key: "straight" for key in categories})
    settings = study.config.indicators
    catalogue = study.catalogue
    # combined categories (combined_of) get their members' facilities under their own key
    facilities, members = with_combined_categories(study.facilities, catalogue), \
        combined_members(catalogue)
    by_capacity = capacity_based(facilities, catalogue)
    step("Bezugsgruppen bestimmen")
    demand_rates = {c: parse_group_values(catalogue.at[c, "demand_rates"]) for c in categories}
    distance_bands = {c: parse_group_values(catalogue.at[c, "distance_by_group"])
                      for c in categories}
    groups = {catalogue.at[c, "reference_group"] for c in categories}
    for key in categories:
        groups |= set(demand_rates[key]) | set(distance_bands[key])
    demand: dict[str, np.ndarray] = {}
    estimated: list[str] = []
    for group in sorted(groups):
        try:
            values, approximate = reference_population(surface, group, study.age_structure)
        except ValueError:
            values, approximate = surface["total"].astype(float), True
            report.add("warning", "no_age_bands", "population", f"Für die Bezugsgruppe {group} "
                       "fehlen Altersangaben; es wird die gesamte Bevölkerung verwendet.",
                       "Einwohnerdaten mit Altersgruppen ergänzen.")
        demand[group] = values.to_numpy()
        if approximate:
            estimated.append(group)
    context_of = _context_demand(context, demand, surface, study.age_structure)
    if estimated:
        data_bands = age_bands(surface.columns)
        source = (AGE_STRUCTURE_SOURCE if study.age_structure is None else
                  "eigene Altersstruktur der Studie ([population] age_structure)")
        split = "; ".join(f"{group} aus {', '.join(estimated_bands(data_bands, group))}"
                          for group in estimated if estimated_bands(data_bands, group))
        report.add("note", "estimated_reference_groups", "population",
                   f"Die Bezugsgruppen {', '.join(estimated)} schneiden Altersgruppen der Daten "
                   f"({split}) und sind nach der Altersstruktur geschätzt: {source}.",
                   "Wo feinere Altersgruppen vorliegen, diese laden.")
    def per_quarter(values: np.ndarray) -> np.ndarray:
        return (pd.Series(values).groupby(surface["quarter_id"].to_numpy()).sum()
                .reindex(residents.index, fill_value=0.0).to_numpy())

    quarter_groups = {group: per_quarter(values) for group, values in demand.items()}
    reference = pd.concat([
        pd.DataFrame({"quarter_id": residents.index, "category": key,
                      "population": quarter_groups[catalogue.at[key, "reference_group"]],
                      # places needed: D_q = Σ_k r_k · P_{q,k} (demand-type standards)
                      "demand": (sum(rate * quarter_groups[group]
                                     for group, rate in demand_rates[key].items())
                                 if demand_rates[key] else np.nan)})
        for key in categories], ignore_index=True)

    step("Versorgung je Quartier")
    supply = supply_by_quarter(facilities, study.quarters, reference, catalogue)
    network = None
    if NETWORK in models.values():
        step("Wegenetz laden")
        network = study_network(study, report)
        if network is None:
            models = {key: "straight" for key in models}
    step("Erreichbarkeit berechnen")
    cells = surface
    demand_of: dict[str, Any] = demand  # on a dask cluster: the columns holding the demand
    accessibility = accessibility_by_quarter
    if client is not None and network is not None:
        report.add("note", "network_single_machine", "network",
                   "Die Fußwegentfernungen werden nicht auf dem dask-Cluster, sondern auf "
                   "diesem Rechner berechnet (Luftlinien weiter auf dem Cluster).", "")
    if client is not None:  # quartier[dask]: the cells once in spatial partitions by quarter
        from quartier.scale import accessibility_by_quarter_dask, partition_cells

        columns = {f"_demand_{n}": values for n, values in enumerate(demand.values())}
        cells = partition_cells(surface[["quarter_id", "geometry"]].assign(**columns),
                                by="quarter_id", client=client)
        demand_of = {group: f"_demand_{n}" for n, group in enumerate(demand)}
        accessibility = partial(accessibility_by_quarter_dask, client=client)
    # facilities in the quarters and context facilities within [indicators] context_buffer_m
    reachable = context_facilities(facilities, study.quarters,
                                   settings.context_buffer_m, report)
    walking = partial(accessibility_by_quarter, network=network)
    access_parts, compared = [], []
    for key in categories:
        own = reachable[reachable["category"] == key]
        bands = distance_bands[key]
        distance = max(bands.values()) if bands else catalogue.at[key, "max_distance_m"]
        capacity = own["capacity"].to_numpy(dtype=float) if by_capacity.get(key, False) \
            else np.ones(len(own))

        def measured(cells: Any, demand_of: dict[str, Any],
                     accessibility: Callable[..., pd.DataFrame], *, key: str = key,
                     own: pd.DataFrame = own, bands: dict[str, float] = bands,
                     distance: Any = distance, capacity: np.ndarray = capacity
                     ) -> pd.DataFrame:
            """The 2SFCA accessibility of the category per quarter with these cells and model."""
            part = accessibility(
                cells, demand_of[catalogue.at[key, "reference_group"]], own,
                max_distance=None if pd.isna(distance) or bands else float(distance),
                catchment=float(distance) if not pd.isna(distance) else settings.catchment_m,
                supply=capacity, **context_of.get(catalogue.at[key, "reference_group"], {}))
            part = _with_unmet_people(part, quarter_groups[catalogue.at[key,
                                                                        "reference_group"]],
                                      residents.index)
            if bands:  # one distance per age group (e.g. DIN 18034 for playgrounds)
                part = _coverage_by_age_group(part, bands, cells, demand_of, own, capacity,
                                              accessibility, quarter_groups, residents.index)
            return part

        if key in members:  # any member within its own distance (on the whole surface)
            combined = partial(combined_access_by_quarter, surface,
                               demand[catalogue.at[key, "reference_group"]], own, members[key],
                               member=own[MEMBER_COLUMN].to_numpy(), supply=capacity,
                               **context_of.get(catalogue.at[key, "reference_group"], {}))
            part = combined()
            if models.get(key) == NETWORK:  # walking distances; the straight line kept
                straight, part = part, combined(network=network)
                compared.append(_compared(straight, part, key))
            access_parts.append(part.assign(category=key).reset_index())
            continue
        part = measured(cells, demand_of, accessibility)
        if models.get(key) == NETWORK:  # walking distances; the straight line kept to compare
            straight, part = part, measured(surface, demand, walking)
            compared.append(_compared(straight, part, key))
        access_parts.append(part.assign(category=key).reset_index())
    access = pd.concat(access_parts, ignore_index=True)
    table = supply.merge(access, on=["quarter_id", "category"], how="left").merge(
        reference[["quarter_id", "category", "demand"]], on=["quarter_id", "category"],
        how="left")
    table["residents"] = table["quarter_id"].map(residents)
    gaps = assess_gaps(table, catalogue, settings, incomplete_categories(facilities))
    gaps["edge"] = edge_flags(gaps, study.quarters, reachable, settings.context_buffer_m,
                              boundary).to_numpy()  # Randlage, quartier.indicators.edges
    comparison = pd.concat(compared, ignore_index=True) if compared else None
    return table, gaps, models, comparison


def _context_demand(context: gpd.GeoDataFrame | None, demand: dict[str, np.ndarray],
                    surface: pd.DataFrame, structure: Any) -> dict[str, dict[str, Any]]:
    """Per reference group the 2SFCA arguments for the residents beyond the boundary.

    The group is estimated from the context cells' own age bands like the quarters' cells
    (:func:`quartier.population.reference_population`); where the grid has no bands for it, from
    their total with the group's share of the quarters' residents. Empty without context cells.
    """
    if context is None or not len(context):
        return {}
    result = {}
    everyone = float(surface["total"].sum())
    for group, inside in demand.items():
        try:
            values = reference_population(context, group, structure)[0].to_numpy(dtype=float)
        except ValueError:
            share = float(inside.sum()) / everyone if everyone > 0 else 0.0
            values = context["total"].to_numpy(dtype=float) * share
        result[group] = {"context_cells": context, "context_demand": values}
    return result


def _compared(straight: pd.DataFrame, walked: pd.DataFrame, category: str) -> pd.DataFrame:
    """Coverage and median distance of one category by straight line and on the network."""
    both = pd.DataFrame({
        "coverage_straight": straight["coverage"], "coverage_network": walked["coverage"],
        "median_straight": straight["median_distance"],
        "median_network": walked["median_distance"]})
    return both.rename_axis("quarter_id").reset_index().assign(category=category)


def _with_unmet_people(part: pd.DataFrame, population: np.ndarray, quarters: pd.Index
                       ) -> pd.DataFrame:
    """Add ``unmet_people`` where an accessibility backend gave only the coverage.

    :math:`U_q = P_q (1 - C_q / 100)`, the same figure as the cell sum of
    :func:`quartier.indicators.accessibility.unmet_people_by_group`.
    """
    if "unmet_people" in part:
        return part
    people = pd.Series(population, index=quarters).reindex(part.index)
    return part.assign(unmet_people=people * (1 - part["coverage"] / 100))


def _coverage_by_age_group(part: pd.DataFrame, bands: dict[str, float], cells: Any,
                           demand_of: dict[str, Any], own: Any, capacity: np.ndarray,
                           accessibility: Callable[..., pd.DataFrame],
                           quarter_groups: dict[str, np.ndarray], quarters: pd.Index
                           ) -> pd.DataFrame:
    r"""Coverage and unmet people of a standard with one distance per age group.

    :math:`U_q = \sum_k U_{q,k}` (people of group *k* beyond its distance :math:`D_k`) and
    :math:`C_q = 100 \cdot (1 - U_q / \sum_k P_{q,k})`.
    """
    unmet = pd.Series(0.0, index=part.index)
    people = pd.Series(0.0, index=part.index)
    for group, band_distance in bands.items():
        band = accessibility(cells, demand_of[group], own, max_distance=float(band_distance),
                             catchment=float(band_distance), supply=capacity)
        band = _with_unmet_people(band, quarter_groups[group], quarters)
        unmet = unmet.add(band["unmet_people"].reindex(part.index).fillna(0.0))
        people = people.add(pd.Series(quarter_groups[group], index=quarters)
                            .reindex(part.index).fillna(0.0))
    coverage = 100 * (1 - unmet / people.where(people > 0))
    return part.assign(unmet_people=unmet, coverage=coverage)


def _tidy(table: pd.DataFrame, gaps: pd.DataFrame, status: pd.DataFrame | None,
          catalogue: pd.DataFrame, residents: pd.Series) -> pd.DataFrame:
    long = table.melt(id_vars=["quarter_id", "category", "measure"],
                      value_vars=list(_CATEGORY_INDICATORS), var_name="indicator",
                      value_name="value")
    long["field"] = long["category"].map(catalogue["field"])
    long["reference_group"] = long["category"].map(catalogue["reference_group"])
    unit = long["indicator"].map({k: i.unit_en for k, i in INDICATORS.items()})
    capacity_unit = long["category"].map(catalogue["capacity_unit_en"])
    unit = unit.mask(long["indicator"] == "capacity", capacity_unit)
    rate = long["indicator"].isin(["supply_rate", "fca_access"])
    per = np.where(long["measure"] == "capacity", capacity_unit.fillna("") + " per 1,000",
                   "facilities per 1,000")
    long["unit"] = unit.mask(rate, per)
    judged = gaps.rename(columns={"value": "_judged"})
    long = long.merge(judged[["quarter_id", "category", "indicator", "target", "status",
                              "basis"]], on=["quarter_id", "category", "indicator"], how="left")
    frames = [long[RESULT_COLUMNS], pd.DataFrame({
        "quarter_id": residents.index, "field": None, "category": None,
        "indicator": "residents", "value": residents.to_numpy(dtype=float), "unit": "persons",
        "reference_group": None, "target": np.nan, "status": np.nan, "basis": np.nan})]
    if status is not None:
        for indicator, klass in (("status_index", "status_class"),
                                 ("dynamics_index", "dynamics_class")):
            frames.append(pd.DataFrame({
                "quarter_id": status.index, "field": None, "category": None,
                "indicator": indicator, "value": status[indicator].to_numpy(dtype=float),
                "unit": "z", "reference_group": None, "target": np.nan,
                "status": status[klass].to_numpy(), "basis": "mss"}))
    result = pd.concat(frames, ignore_index=True)
    dtypes = long[RESULT_COLUMNS].dtypes
    return result.astype({"value": float, "target": float, "status": dtypes["status"],
                          "basis": dtypes["basis"], "unit": dtypes["unit"]})


def wide(indicators: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator as a quarter × category table (a view of the tidy results).

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"quarter_id": ["01", "01", "02"],
    ...                      "category": ["kita", "playground", "kita"],
    ...                      "indicator": ["coverage", "coverage", "coverage"],
    ...                      "value": [80.0, 50.0, 100.0]})
    >>> wide(tidy, "coverage")  # doctest: +NORMALIZE_WHITESPACE
    category     kita  playground
    quarter_id
    01           80.0        50.0
    02          100.0         NaN
    """
    rows = indicators[indicators["indicator"] == indicator]
    return rows.pivot_table(index="quarter_id", columns="category", values="value",
                            aggfunc="first", dropna=False)
