"""Churn and acquisition per period, acquisition channels, cohorts (see :mod:`toolkit.lifecycle`).

Frames (settings from ``params.lifecycle``):

- ``lifecycle_flow``: :func:`toolkit.lifecycle.churn_by_period`;
- ``lifecycle_channels``: :func:`toolkit.lifecycle.acquisition_by_channel`;
- ``lifecycle_cohorts``: :func:`toolkit.lifecycle.cohort_retention` (``cohort_period``);
- ``lifecycle_customers``: :func:`toolkit.lifecycle.customer_lifecycle`.

Customer columns: ``cohort`` (acquisition period of new customers, e.g. ``2024``),
``acquisition_channel`` (customer master's channel, else the sales channel of the first
purchase), ``lifecycle_status`` (new, reactivated, active, lost, lapsed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.lifecycle import (
    acquisition_by_channel,
    churn_by_period,
    cohort_retention,
    customer_lifecycle,
)

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

COLUMNS = ("cohort", "acquisition_channel", "lifecycle_status")


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """The lifecycle frames; a note when the data are too short for a churn table."""
    p = ctx.params.lifecycle
    shared = {"reference_date": ctx.period.end, "gap_months": p.churn_gap_months, "customers": ctx.master,
              "data_first": ctx.first_date()}
    flow = churn_by_period(ctx.lines, granularity=p.period, **shared)
    if flow.empty:
        ctx.note("lifecycle_short_history", n=p.churn_gap_months)
    return {"lifecycle_flow": flow,
            "lifecycle_channels": acquisition_by_channel(ctx.lines, granularity=p.period, **shared),
            "lifecycle_cohorts": cohort_retention(ctx.lines, granularity=p.cohort_period, **shared),
            "lifecycle_customers": customer_lifecycle(ctx.lines, granularity=p.period, **shared)}


def enrich(results: RunResults) -> pd.DataFrame:
    """Cohort, acquisition channel and lifecycle status per customer with a purchase."""
    return results.frames["lifecycle_customers"][["customer_id", *COLUMNS]]


ANALYSIS = Analysis(key="lifecycle", order=40, aggregate=aggregate, enrich=enrich, columns=COLUMNS)
