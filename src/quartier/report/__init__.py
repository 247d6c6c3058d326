"""The HTML report of an edition and the yearly update (Fortschreibung).

:func:`publish_edition` (defined in :mod:`quartier.publish`) compares with the stored
editions, writes the report and stores the edition (what ``quartier report`` and notebook 03
run); :func:`build_report` only writes the report; :func:`report_folder` says where it goes.
Importing this package loads Jinja2, Matplotlib and folium, so ``import quartier`` loads it
only when one of these names is first used.
"""

from quartier._lazy import lazy_exports
from quartier.report.build import build_report, report_folder

#: The yearly workflow moved to :mod:`quartier.publish` (it uses the report, so importing it
#: here at once would be a cycle); its names stay importable from here, imported on first use.
_MOVED = {name: "quartier.publish" for name in ("PublishedEdition", "ReportFolderError",
                                               "check_report_folder", "publish_edition")}

__all__ = ["PublishedEdition", "ReportFolderError", "build_report", "check_report_folder",
           "publish_edition", "report_folder"]

__getattr__, __dir__ = lazy_exports(__name__, _MOVED, globals())
