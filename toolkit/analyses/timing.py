"""Purchase timing: seasonality, best moment per pyramid layer, usual interval and overdue customers.

Frames (see :mod:`toolkit.timing`; settings from ``params.timing``):

- ``timing_month``, ``timing_weekday``: seasonality over whole years of data;
- ``timing_best_moment``: peak month and weekday of each pyramid layer's orders;
- ``timing_customers``: :func:`toolkit.timing.purchase_intervals`.

Customer columns: ``usual_interval_days`` (median days between purchase occasions),
``next_purchase_due`` (last purchase + usual interval), ``overdue`` (no purchase for more
than ``overdue_factor`` usual intervals; empty below ``overdue_min_purchases`` occasions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.segments import LAYERS
from toolkit.timing import (
    best_moment,
    layers_in_period,
    purchase_intervals,
    seasonality_by_month,
    seasonality_by_weekday,
)

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

COLUMNS = ("usual_interval_days", "next_purchase_due", "overdue")


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """Seasonality, best moments and intervals; a note when the data cover less than a year."""
    p = ctx.params
    ref, first = ctx.period.end, ctx.first_date()
    month = seasonality_by_month(ctx.lines, reference_date=ref, data_first=first)
    if int(month["years"].iloc[0]) == 0:
        ctx.note("timing_short_history")
    intervals = purchase_intervals(ctx.lines, reference_date=ref, min_purchases=p.timing.overdue_min_purchases,
                                   overdue_factor=p.timing.overdue_factor)
    # A profit pyramid is only known after the profit analysis: until then the layers follow margin.
    basis = "margin" if p.pyramid_basis == "profit" else p.pyramid_basis
    layers = layers_in_period(ctx.lines, period=ctx.period, basis=basis, shares=p.pyramid_shares)
    segments = intervals[["customer_id"]].merge(layers, on="customer_id", how="left")
    # Customers with purchases but none in the period are the inactive layer.
    segments["segment"] = pd.Categorical(segments["pyramid_layer"], categories=LAYERS).fillna("inactive")
    segments = segments.sort_values("segment", kind="stable")
    return {"timing_month": month,
            "timing_weekday": seasonality_by_weekday(ctx.lines, reference_date=ref, data_first=first),
            "timing_best_moment": best_moment(ctx.lines, segments, reference_date=ref, data_first=first),
            "timing_customers": intervals}


def enrich(results: RunResults) -> pd.DataFrame:
    """Usual interval, next purchase due and overdue flag per customer with a purchase."""
    return results.frames["timing_customers"][["customer_id", *COLUMNS]]


ANALYSIS = Analysis(key="timing", order=45, aggregate=aggregate, enrich=enrich, columns=COLUMNS)
