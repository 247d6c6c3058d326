"""Assigning points (facilities, grid cells) to quarters."""

from quartier.assign.points import assign_points

__all__ = ["assign_points"]
