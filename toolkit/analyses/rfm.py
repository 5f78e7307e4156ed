"""RFM scores and segments per customer (see :mod:`toolkit.rfm`).

Scoring works on the customer table (recency, orders and revenue are already there),
so this analysis has no aggregate step; its findings (collapsed quantiles, few
customers) are added to the run's notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.analysis import Analysis
from toolkit.rfm import RFM_COLUMNS, ints_as_objects, rfm_checks, rfm_scores

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults


def enrich(results: RunResults) -> pd.DataFrame:
    """``customer_id`` plus the :data:`toolkit.rfm.RFM_COLUMNS` for every customer."""
    cfg = results.params.rfm
    out = rfm_scores(results.customers, reference_date=results.period.end, scores=cfg.scores,
                     segments=cfg.segment_table())
    results.notes.extend(rfm_checks(out, scores=cfg.scores))
    return ints_as_objects(out)


ANALYSIS = Analysis(key="rfm", order=20, enrich=enrich, columns=RFM_COLUMNS)
