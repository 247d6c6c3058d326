"""Walking network from an OpenStreetMap extract, and walking distances on it.

``build_walking_network`` / ``load_walking_network`` (cached) read the ways a pedestrian may use;
``network_nearest_distance`` and ``network_two_step_fca`` have the API and results of the
straight-line :func:`quartier.nearest_distance` and :func:`quartier.two_step_fca`;
``walking_catchments`` draws the area from which a facility is reached on foot.
"""

from quartier.streets.cache import file_sha256, load_walking_network
from quartier.streets.catchment import CATCHMENT_RADIUS_M, walking_catchments
from quartier.streets.distance import (
    network_nearest_distance,
    network_two_step_fca,
    snap_to_network,
)
from quartier.streets.graph import (
    WalkingNetwork,
    build_walking_network,
    is_walkable,
    network_from_edges,
)

__all__ = [
    "CATCHMENT_RADIUS_M",
    "WalkingNetwork",
    "build_walking_network",
    "file_sha256",
    "is_walkable",
    "load_walking_network",
    "network_from_edges",
    "network_nearest_distance",
    "network_two_step_fca",
    "snap_to_network",
    "walking_catchments",
]
