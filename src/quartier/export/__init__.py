"""Exports beside the report: GeoPackage (QGIS), CSV tables and an Excel workbook.

:func:`write_exports` writes all of them into one folder; :func:`quarter_table` and
:func:`facility_table` return the two spatial layers as GeoDataFrames for own use.
"""

from quartier.export.geodata import FACILITY_COLUMNS, LAYERS, facility_table, quarter_table
from quartier.export.naming import MAX_COLUMN_NAME, column_name, export_slug
from quartier.export.tables import export_targets, write_exports

__all__ = ["FACILITY_COLUMNS", "LAYERS", "MAX_COLUMN_NAME", "column_name", "export_slug",
           "export_targets", "facility_table", "quarter_table", "write_exports"]
