"""Persona statistics (see :mod:`toolkit.personas`): online/offline revenue per customer, age bands.

``aggregate`` runs the one Ibis step over the transaction lines (revenue bought
online and offline per customer in the period; frame ``personas_channels``, only
when ``sales_channel`` is mapped). ``enrich`` adds each customer's age band and
online share; birth dates that give an impossible age are counted in a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.personas import age_bands, channel_revenue_expr, implausible_birth_dates, online_shares

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Columns this analysis adds to the customer table (and customers.csv).
PERSONA_COLUMNS = ("age_band", "online_share")


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """``personas_channels`` (nothing when no sales channel is mapped)."""
    if ctx.params.transactions.columns.sales_channel is None:
        return {}
    expr = channel_revenue_expr(ctx.lines, ctx.period, online_channels=ctx.params.personas.online_channels)
    frame = expr.to_pandas()
    frame["customer_id"] = frame["customer_id"].astype("string")
    return {"personas_channels": frame.sort_values("customer_id", kind="stable").reset_index(drop=True)}


def enrich(results: RunResults) -> pd.DataFrame:
    """``customer_id``, ``age_band`` (text, e.g. "35-44") and ``online_share`` (0-1, 4 decimals)."""
    customers = results.customers
    out = pd.DataFrame({"customer_id": customers["customer_id"].to_numpy()})
    if "birth_date" in customers:
        ref = results.period.end
        bands = age_bands(customers["birth_date"], reference_date=ref, bounds=results.params.personas.age_bands)
        out["age_band"] = bands.astype("string").to_numpy()
        bad = implausible_birth_dates(customers["birth_date"], reference_date=ref)
        if bad:
            results.notes.append({"code": "personas_birth_dates_implausible", "n": bad,
                                  "column": results.params.customers.columns.birth_date})
    else:
        out["age_band"] = pd.array([pd.NA] * len(out), dtype="string")
    channels = results.frames.get("personas_channels")
    out["online_share"] = (online_shares(channels, customers)["online_share"].round(4).to_numpy()
                           if channels is not None else float("nan"))
    return out


ANALYSIS = Analysis(key="personas", order=62, aggregate=aggregate, enrich=enrich, columns=PERSONA_COLUMNS)
