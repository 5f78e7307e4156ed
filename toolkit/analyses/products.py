"""Products and cross-sell (see :mod:`toolkit.products`): the product mix per customer, white space.

``aggregate`` runs the one Ibis step over the transaction lines (revenue per
customer and product group in the period; frame ``products_mix``). ``enrich`` adds
each customer's top group, number of groups and next best group, and - because the
white-space lists need the pyramid layers, which exist only after segmentation -
also stores the lists and their summary in the run's frames
(``products_whitespace``, ``products_whitespace_summary``; written as
``whitespace_<group>.csv`` by :func:`toolkit.products.write_whitespace_lists`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.products import missing_group_expr, product_mix_expr, products_and_white_space, tidy_mix

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Columns this analysis adds to the customer table (and customers.csv).
PRODUCT_COLUMNS = ("top_product_group", "product_groups", "next_best_group", "next_best_index")


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """``products_mix`` (nothing when no product group is mapped); lines without a group become a note."""
    if ctx.params.transactions.columns.product_group is None:
        return {}
    mix = tidy_mix(product_mix_expr(ctx.lines, ctx.period, has_margin=ctx.has_margin).to_pandas())
    missing = missing_group_expr(ctx.lines, ctx.period).to_pandas().iloc[0]
    if missing["lines"]:
        ctx.note("products_group_missing", rows=int(missing["lines"]), amount=f"{missing['revenue']:.2f}",
                 column=ctx.params.transactions.columns.product_group)
    return {"products_mix": mix}


def enrich(results: RunResults) -> pd.DataFrame:
    """``customer_id`` plus :data:`PRODUCT_COLUMNS`; stores the white-space frames in ``results.frames``."""
    customers = results.customers
    mix = results.frames.get("products_mix")
    if mix is None:
        empty = pd.Series(pd.NA, index=customers.index, dtype="string")
        return pd.DataFrame({"customer_id": customers["customer_id"], "top_product_group": empty,
                             "product_groups": pd.array([pd.NA] * len(customers), dtype="Int64"),
                             "next_best_group": empty, "next_best_index": float("nan")})
    cfg = results.params.products
    # One matching of the mix's ids to the customers for both (each did its own before).
    products, ws = products_and_white_space(mix, customers, min_lift=cfg.min_lift, max_related=cfg.max_related,
                                            list_size=cfg.whitespace_list_size)
    results.frames["products_whitespace"] = ws.lists
    results.frames["products_whitespace_summary"] = ws.summary
    # Both are in the customer table's order: side by side, no join of millions of ids by text.
    out = products.assign(next_best_group=ws.best["next_best_group"].array,
                          next_best_index=ws.best["next_best_index"].to_numpy())
    out["next_best_index"] = out["next_best_index"].round(1)
    return out[["customer_id", *PRODUCT_COLUMNS]]


ANALYSIS = Analysis(key="products", order=61, aggregate=aggregate, enrich=enrich, columns=PRODUCT_COLUMNS)
