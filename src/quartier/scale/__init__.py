"""Scale-out: the grid-based indicators on a dask cluster (optional extra ``quartier[dask]``).

The functions give the same results as the single-machine ones in
:mod:`quartier.indicators` (nearest distance, coverage and median per quarter, 2SFCA), but work
on spatial partitions of the cells, one dask task per partition, so that a Germany-sized 100 m
grid runs with bounded memory per worker, on a laptop's local cluster or a real one::

    from distributed import Client
    from quartier.scale import accessibility_by_quarter_dask

    client = Client("tcp://scheduler:8786")      # or Client() for a local cluster
    table = accessibility_by_quarter_dask(cells, demand, kitas, max_distance=None,
                                          catchment=1000, supply=places, client=client)

Importing this package needs no dask; the functions raise ImportError with the install command
when dask or dask-geopandas are missing.
"""

from quartier.scale.dask_indicators import (
    accessibility_by_quarter_dask,
    nearest_distance_dask,
    two_step_fca_dask,
)
from quartier.scale.partition import facilities_in_reach, partition_cells, spatial_keys

__all__ = ["accessibility_by_quarter_dask", "facilities_in_reach", "nearest_distance_dask",
           "partition_cells", "spatial_keys", "two_step_fca_dask"]
