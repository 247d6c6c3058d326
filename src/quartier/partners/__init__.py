"""The quarter manager's working tables: network partners, measures and residents' concerns.

- :mod:`quartier.partners.partners`: register of partners (actors and facility operators), its
  public view and the fields of each quarter without a local partner;
- :mod:`quartier.partners.measures`: budget per field and quarter, measures per open gap and the
  movement of each measure's target indicator since it started;
- :mod:`quartier.partners.concerns`: residents' concerns counted per quarter, field and period,
  with small counts suppressed;
- :mod:`quartier.partners.analysis`: all of it for one study computed once
  (:func:`analyse_partners`), read by the report, the public tables and the internal register;
- :mod:`quartier.partners.export`: the publishable tables for the report folder and the internal
  partner register for the quarter manager.
"""

from quartier.partners.analysis import PartnerAnalysis, analyse_partners
from quartier.partners.concerns import concern_counts, suppress_counts
from quartier.partners.concerns import protect_counts as protect_counts
from quartier.partners.measures import (
    budget_by_field,
    budget_by_quarter,
    gaps_without_measure,
    measures_per_gap,
    target_movement,
)
from quartier.partners.partners import (
    missing_partners,
    partner_coverage,
    partner_register,
    public_view,
)

__all__ = ["PartnerAnalysis", "analyse_partners", "budget_by_field", "budget_by_quarter",
           "concern_counts", "gaps_without_measure", "measures_per_gap", "missing_partners",
           "partner_coverage", "partner_register", "public_view", "suppress_counts",
           "target_movement"]
# protect_counts (the disclosure audit behind suppress_counts) stays importable here and from
# quartier.partners.concerns, but is not part of the curated API.
