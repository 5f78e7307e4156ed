"""Actions, price hints and the contact plan (see :mod:`toolkit.actions`).

Runs last (order 90), so it can use the RFM segment, profit, migration and, when an
analysis added them, churn and CLV columns. The aggregate step finds each customer's
main sales channel and average discount; the enrich step adds the action columns and
puts the contact plan into ``RunResults.frames["contact_plan"]`` for the report to
write (:func:`toolkit.actions.write_contact_plan`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.actions import ACTION_COLUMNS, cheapest, contact_plan, customer_actions, price_hints, purchase_terms_expr
from toolkit.analysis import Analysis, AnalysisContext
from toolkit.profit import final_layers
from toolkit.rfm import ints_as_objects

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """Main sales channel and average discount per customer in the period (when those columns are mapped)."""
    cols = ctx.params.transactions.columns
    if cols.sales_channel is None and cols.discount is None:
        return {}
    terms = purchase_terms_expr(ctx.lines, start=ctx.period.start, end=ctx.period.end,
                                has_channel=cols.sales_channel is not None,
                                has_discount=cols.discount is not None).to_pandas()
    return {"purchase_terms": terms.sort_values("customer_id", kind="stable").reset_index(drop=True)}


def enrich(results: RunResults) -> pd.DataFrame:
    """The :data:`toolkit.actions.ACTION_COLUMNS` per customer; the contact plan into the run's frames."""
    p = results.params
    # With pyramid_basis: profit the run re-ranks the pyramid after this step: act on the final layers.
    customers = results.customers.assign(pyramid_layer=final_layers(results.customers, basis=p.pyramid_basis,
                                                                    shares=p.pyramid_shares))
    acts = customer_actions(customers, policy=p.actions)
    costs = p.cost_to_serve.per_order_by_channel if p.cost_to_serve is not None else None
    channel = cheapest(costs, p.price_hints.cheapest_channel) if p.transactions.columns.sales_channel else None
    hints = price_hints(customers, params=p.price_hints, terms=results.frames.get("purchase_terms"),
                        cheapest_channel=channel)
    out = pd.concat([acts[["customer_id", "action", "contacts_per_year", "contact_channel", "priority"]],
                     hints[["price_hint", "price_hint_steps", "price_hint_reason", "cheaper_channel"]]], axis=1)
    plan_input = customers.drop(columns=[c for c in ACTION_COLUMNS if c in customers]).join(out.drop(
        columns="customer_id"))
    results.frames["contact_plan"] = contact_plan(plan_input)
    results.frames["price_hints"] = pd.concat([hints, customers[["abc_class", "revenue"]]], axis=1)[
        hints["price_hint"].notna().to_numpy()].reset_index(drop=True)
    return ints_as_objects(out)


ANALYSIS = Analysis(key="actions", order=90, aggregate=aggregate, enrich=enrich, columns=ACTION_COLUMNS)
