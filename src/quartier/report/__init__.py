"""The HTML report of an edition and the yearly update (Fortschreibung).

:func:`publish_edition` compares with the stored editions, writes the report and stores the
edition (what ``quartier report`` and notebook 03 run); :func:`build_report` only writes the
report; :func:`report_folder` says where it goes. Importing this package loads Jinja2, Matplotlib
and folium, so ``import quartier`` loads it only when one of these names is first used.
"""

from quartier.report.build import build_report, report_folder
from quartier.report.publish import (
    PublishedEdition,
    ReportFolderError,
    check_report_folder,
    publish_edition,
)

__all__ = ["PublishedEdition", "ReportFolderError", "build_report", "check_report_folder",
           "publish_edition", "report_folder"]
