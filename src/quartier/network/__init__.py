"""Deprecated name of :mod:`quartier.partners` (kept for one release).

``quartier.network`` held the network partners, measures and concerns; the street network
lives in :mod:`quartier.streets`, so the package is now :mod:`quartier.partners`. Importing
``quartier.network`` warns once and gives the same modules: ``quartier.network.concerns`` *is*
``quartier.partners.concerns`` (an alias in :data:`sys.modules`, private names included).
"""

import sys
import warnings

from quartier import partners as _package
from quartier.partners import *
from quartier.partners import _audit, analysis, concerns, export, measures, partners, protection

__all__ = list(_package.__all__)

warnings.warn("quartier.network heißt jetzt quartier.partners (Netzwerkpartner, Maßnahmen, "
              "Anliegen); der alte Name entfällt in der nächsten Version.", DeprecationWarning,
              stacklevel=2)

for _module in (_audit, analysis, concerns, export, measures, partners, protection):
    sys.modules[f"{__name__}.{_module.__name__.rpartition('.')[2]}"] = _module
del _module
