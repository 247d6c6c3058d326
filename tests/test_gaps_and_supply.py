"""Supply rates on small examples worked out by hand (judgements: tests/test_judgements.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from quartier.catalogue import default_catalogue
from quartier.indicators.supply import capacity_based, supply_by_quarter

CRS = 25832


def facilities(rows):
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["category", "capacity", "x", "y"]),
                            geometry=[shapely.Point(r[2], r[3]) for r in rows], crs=CRS)


def test_supply_rate_uses_capacity_only_when_every_capacity_is_known():
    quarters = gpd.GeoDataFrame({"quarter_id": ["A", "B"]},
                                geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
                                crs=CRS)
    sites = facilities([("kita", 60.0, 1, 1), ("kita", 40.0, 2, 2), ("kita", 50.0, 15, 5),
                        ("gp", np.nan, 3, 3), ("pharmacy", np.nan, 30, 30)])
    catalogue = default_catalogue()
    assert capacity_based(sites, catalogue).to_dict() == {"gp": False, "kita": True,
                                                           "pharmacy": False}
    reference = pd.DataFrame({"quarter_id": ["A", "B", "A", "B"],
                              "category": ["kita", "kita", "gp", "gp"],
                              "population": [200.0, 0.0, 2000.0, 1000.0]})
    table = supply_by_quarter(sites, quarters, reference, catalogue).set_index(
        ["quarter_id", "category"])
    # A: (60 + 40) places / 200 children · 1,000 = 500; B has no children → NaN
    assert table.at[("A", "kita"), "supply_rate"] == 500.0
    assert np.isnan(table.at[("B", "kita"), "supply_rate"])
    assert table.at[("B", "kita"), "capacity"] == 50.0
    # gp counts practices: 1 / 2,000 · 1,000 = 0.5; none in B → 0
    assert table.at[("A", "gp"), "supply_rate"] == 0.5
    assert table.at[("B", "gp"), "supply_rate"] == 0.0 and table.at[("B", "gp"), "count"] == 0
