"""What customers buy: product-group mix per segment, the top-layer blueprint, and white space.

The one step over transaction lines, :func:`product_mix_expr`, is an Ibis expression
(revenue per customer and product group in the period); everything else works on its
customer-level result (``mix``: ``customer_id, product_group, revenue, margin``) and
the customer table, in pandas, without plotting.

White space ("buys X, not Y")
-----------------------------
For a product group Y, among buying customers (period revenue > 0):

- *buyers* of Y have positive period revenue in Y; the base rate p(Y) is their share;
- a group X is *related* to Y when Y is clearly more common among X's buyers than
  among all buyers: lift(X→Y) = P(Y | X) / p(Y) > ``min_lift`` (default 1.1); the
  ``max_related`` (default 3) groups with the highest lift count;
- *candidates* for Y buy at least one related group and not Y;
- a candidate's *score* is the average of four adoption rates of Y among customers
  like it: in its segment (pyramid layer), its region, its spend quintile (period
  revenue outside Y), and, over the groups X it buys, P(Y | X). Each rate is
  smoothed toward p(Y) with 10 pseudo-customers (an m-estimate), so a small region
  cannot claim 100 %. Because a rate over customers sharing a trait equals
  p(Y) · P(trait | Y) / P(trait), the score measures how over-represented the
  candidate's traits are among Y's buyers: how closely it resembles them. The
  *index* is score / p(Y) × 100 (100 = like the average customer);
- a candidate's *expected revenue* is the average Y revenue of Y's buyers in its
  segment (the whole group's average when the segment has fewer than 5 buyers); the
  group's *opportunity* is the sum over its candidates (customers × average revenue
  of the group among similar buyers).

Example
-------
>>> mix = pd.DataFrame({"customer_id": ["1", "1", "2", "3", "3"], "product_group": ["A", "B", "A", "A", "B"],
...                     "revenue": [10.0, 5.0, 8.0, 4.0, 2.0]})
>>> sorted(bought_matrix(mix).columns)
['A', 'B']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.segments import BUYING_LAYERS, LAYERS, id_order, is_in, positions_in

if TYPE_CHECKING:
    import ibis

    from toolkit.engine import Period

#: Pseudo-customers that pull a small cell's adoption rate toward the base rate.
SMOOTHING = 10.0
#: Segments with fewer buyers of a group use the group's overall average revenue.
MIN_SIMILAR_BUYERS = 5
#: Columns of a white-space list (:func:`white_space`), in order.
WHITESPACE_COLUMNS = ("product_group", "rank", "customer_id", "segment", "region", "revenue", "groups_bought",
                      "related_bought", "score", "index", "expected_revenue")


def _require(frame: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the frame "
                        f"(it has {', '.join(map(str, frame.columns))}).")


# ---------------------------------------------------------------------------------------------
# The step over transaction lines


def product_mix_expr(lines: ibis.Table, period: Period, *, has_margin: bool) -> ibis.Table:
    """Ibis expression: net revenue (and margin) per customer and product group in the period.

    Lines without a product group are left out (count them with
    :func:`missing_group_expr`).

    Parameters
    ----------
    lines : ibis.Table
        Usable transaction lines with canonical columns.
    period : Period
    has_margin : bool

    Returns
    -------
    ibis.Table
        ``customer_id``, ``product_group``, ``revenue`` (euro, returns netted),
        ``margin`` (euro; null without margin), ``orders`` (distinct orders with a
        positive line of the group); only pairs with a non-zero revenue.
    """
    import ibis

    t = lines.filter(lines.date > ibis.date(period.start), lines.date <= ibis.date(period.end),
                     lines.product_group.notnull())
    measures = {"revenue": t.amount.sum().cast("float64"), "orders": t.order_key.nunique(where=t.amount > 0)}
    if has_margin:
        measures["margin"] = t.margin.sum().cast("float64")
    agg = t.group_by(["customer_id", "product_group"]).aggregate(**measures)
    if not has_margin:  # a null literal has no .sum(): add the empty column after aggregating
        agg = agg.mutate(margin=ibis.null().cast("float64"))
    agg = agg.select("customer_id", "product_group", "revenue", "margin", "orders")
    return agg.filter(agg.revenue != 0)


def missing_group_expr(lines: ibis.Table, period: Period) -> ibis.Table:
    """Ibis expression: lines and revenue in the period without a product group (one row: ``lines, revenue``)."""
    import ibis

    t = lines.filter(lines.date > ibis.date(period.start), lines.date <= ibis.date(period.end),
                     lines.product_group.isnull())
    return t.aggregate(lines=t.count(), revenue=t.amount.sum().cast("float64").fill_null(0))


def tidy_mix(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes and order for a product mix frame (ids and groups as text, sorted)."""
    out = frame[["customer_id", "product_group", "revenue", "margin", "orders"]].copy()
    out["customer_id"] = out["customer_id"].astype("string")
    out["product_group"] = out["product_group"].astype("string")
    out["revenue"] = out["revenue"].astype(float)
    out["margin"] = out["margin"].astype(float)
    out["orders"] = out["orders"].astype("int64")
    return out.sort_values(["customer_id", "product_group"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Customer level


def bought_matrix(mix: pd.DataFrame, customers: Sequence[str] | pd.Series | None = None) -> pd.DataFrame:
    """Revenue per customer (rows) and product group (columns, sorted), 0 where none.

    Parameters
    ----------
    mix : DataFrame
        ``customer_id``, ``product_group``, ``revenue``.
    customers : sequence or Series of str, optional
        Row order (customers missing from ``mix`` get zeros); default the mix's customers
        in sorted order.

    Returns
    -------
    DataFrame
        Index ``customer_id``, one float column per group (euro). A customer *buys* a
        group where the value is above 0.

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "2"], "product_group": ["B", "A"], "revenue": [5.0, 3.0]})
    >>> bought_matrix(mix, ["2", "1", "9"]).values.tolist()
    [[3.0, 0.0], [0.0, 5.0], [0.0, 0.0]]
    """
    _require(mix, ["customer_id", "product_group", "revenue"], "bought_matrix")
    ids = pd.Index(mix["customer_id"].astype("string").unique() if customers is None
                   else pd.Series(customers, dtype="string"), name="customer_id")
    if customers is None:
        ids = ids.sort_values()
    groups = sorted(mix["product_group"].astype(str).unique())
    rows = positions_in(mix["customer_id"].astype("string"), ids)
    cols = positions_in(mix["product_group"].astype(str), pd.Index(groups))
    keep = rows >= 0
    # bincount adds in line order, as np.add.at did, at a fraction of its cost.
    cell = rows[keep] * len(groups) + cols[keep]
    values = np.bincount(cell, weights=mix["revenue"].to_numpy(dtype=float)[keep],
                         minlength=len(ids) * len(groups)).reshape(len(ids), len(groups))
    return pd.DataFrame(values, index=ids, columns=pd.Index(groups, name="product_group"))


def customer_products(mix: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per customer: the product group with the most revenue and the number of groups bought (period).

    Returns
    -------
    DataFrame
        ``customer_id`` (in the customer table's order), ``top_product_group`` (string,
        ties by group name, <NA> without a positive group), ``product_groups`` (int,
        groups with positive revenue).

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2"], "product_group": ["B", "A", "A"],
    ...                     "revenue": [5.0, 5.0, -3.0]})
    >>> customer_products(mix, pd.DataFrame({"customer_id": ["1", "2"]})).values.tolist()
    [['1', 'A', 2], ['2', <NA>, 0]]
    """
    _require(customers, ["customer_id"], "customer_products")
    ids = customers["customer_id"].astype("string")
    matrix = bought_matrix(mix, ids) if len(mix) else pd.DataFrame(index=pd.Index(ids))
    values = matrix.to_numpy()
    n = (values > 0).sum(axis=1) if values.size else np.zeros(len(ids), dtype=int)
    top = pd.array([pd.NA] * len(ids), dtype="string")
    if values.size:
        best = values.argmax(axis=1)  # first maximum = first group in name order
        has = values.max(axis=1) > 0
        top = pd.array(np.where(has, np.asarray(matrix.columns, dtype=object)[best], None), dtype="string")
    return pd.DataFrame({"customer_id": ids.to_numpy(), "top_product_group": top, "product_groups": n.astype("int64")})


# ---------------------------------------------------------------------------------------------
# Mix per segment and the blueprint


def group_summary(mix: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per product group: revenue, margin and buyers in the period.

    Parameters
    ----------
    mix : DataFrame
        ``customer_id, product_group, revenue`` (and ``margin``).
    customers : DataFrame
        ``customer_id``, ``revenue``: buying customers are those with revenue > 0.

    Returns
    -------
    DataFrame
        One row per group, largest revenue first: ``product_group``, ``revenue``,
        ``revenue_share`` (of all groups' revenue, 0-1), ``margin``, ``margin_rate``
        (margin / revenue; NaN without margin), ``buyers`` (buying customers with positive
        revenue in the group), ``buyer_share`` (of buying customers), ``revenue_per_buyer``.

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2"], "product_group": ["A", "B", "A"],
    ...                     "revenue": [6.0, 2.0, 2.0], "margin": [3.0, 1.0, 1.0]})
    >>> s = group_summary(mix, pd.DataFrame({"customer_id": ["1", "2", "3"], "revenue": [8.0, 2.0, 0.0]}))
    >>> s[["product_group", "revenue_share", "buyers", "buyer_share"]].values.tolist()
    [['A', 0.8, 2, 1.0], ['B', 0.2, 1, 0.5]]
    """
    _require(mix, ["customer_id", "product_group", "revenue"], "group_summary")
    _require(customers, ["customer_id", "revenue"], "group_summary (customers)")
    buying = customers.loc[customers["revenue"] > 0, "customer_id"].astype(str)
    m = mix.assign(_buyer=(mix["revenue"] > 0) & is_in(mix["customer_id"].astype(str), buying),
                   margin=mix["margin"] if "margin" in mix else np.nan)
    g = m.groupby("product_group", sort=True)
    out = pd.DataFrame({"revenue": g["revenue"].sum(), "margin": g["margin"].sum(min_count=1),
                        "buyers": g["_buyer"].sum().astype("int64")})
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["margin_rate"] = out["margin"] / out["revenue"].where(out["revenue"] != 0)
    n_buying = int(buying.nunique())
    out["buyer_share"] = out["buyers"] / n_buying if n_buying else np.nan
    out["revenue_per_buyer"] = out["revenue"] / out["buyers"].where(out["buyers"] > 0)
    out = out.rename_axis("product_group").reset_index()
    out = out.sort_values(["revenue", "product_group"], ascending=[False, True], kind="stable")
    return out[["product_group", "revenue", "revenue_share", "margin", "margin_rate", "buyers", "buyer_share",
                "revenue_per_buyer"]].reset_index(drop=True)


def mix_by_segment(mix: pd.DataFrame, customers: pd.DataFrame, *, segment: str = "pyramid_layer",
                   segments: Sequence[str] | None = None) -> pd.DataFrame:
    """Product-group mix per segment: the share of the segment's customers buying each group, and revenue shares.

    Parameters
    ----------
    mix : DataFrame
        ``customer_id, product_group, revenue``.
    customers : DataFrame
        ``customer_id``, ``revenue`` and the ``segment`` column. Only buying customers
        (revenue > 0) count.
    segment : str, default "pyramid_layer"
    segments : sequence of str, optional
        Segment values in display order; default the buying layers for
        ``pyramid_layer``, else the values by size.

    Returns
    -------
    DataFrame
        One row per segment and group (segments in order, groups sorted): ``segment``,
        ``product_group``, ``customers`` (buying customers in the segment), ``buyers``,
        ``buyer_share`` (0-1), ``revenue`` (euro), ``revenue_share`` (of the segment's
        revenue over all groups, 0-1).

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2"], "product_group": ["A", "B", "A"],
    ...                     "revenue": [6.0, 2.0, 2.0]})
    >>> c = pd.DataFrame({"customer_id": ["1", "2"], "revenue": [8.0, 2.0], "pyramid_layer": ["top", "small"]})
    >>> m = mix_by_segment(mix, c)
    >>> m[m["segment"] == "top"][["product_group", "buyer_share", "revenue_share"]].values.tolist()
    [['A', 1.0, 0.75], ['B', 1.0, 0.25]]
    """
    _require(customers, ["customer_id", "revenue", segment], f"mix_by_segment (segment '{segment}')")
    buying = customers[customers["revenue"] > 0]
    seg = buying.set_index(buying["customer_id"].astype(str))[segment].astype("string")
    if segments is None:
        present = set(seg.dropna())
        segments = ([s for s in LAYERS if s in present] if segment == "pyramid_layer"
                    else seg.value_counts().sort_index().sort_values(ascending=False, kind="stable").index.tolist())
    m = mix[is_in(mix["customer_id"].astype(str), seg.index)]
    m = m.assign(segment=m["customer_id"].astype(str).map(seg).to_numpy(), _buyer=m["revenue"] > 0)
    groups = sorted(mix["product_group"].astype(str).unique())
    index = pd.MultiIndex.from_product([list(segments), groups], names=["segment", "product_group"])
    g = m.groupby(["segment", "product_group"])
    out = pd.DataFrame({"buyers": g["_buyer"].sum(), "revenue": g["revenue"].sum()}).reindex(index, fill_value=0)
    out = out.reset_index()
    sizes = seg.value_counts()
    out["customers"] = out["segment"].map(sizes).fillna(0).astype("int64")
    out["buyers"] = out["buyers"].astype("int64")
    out["buyer_share"] = out["buyers"] / out["customers"].where(out["customers"] > 0)
    seg_rev = out.groupby("segment")["revenue"].transform("sum")
    out["revenue_share"] = out["revenue"] / seg_rev.where(seg_rev != 0)
    return out[["segment", "product_group", "customers", "buyers", "buyer_share", "revenue", "revenue_share"]]


def blueprint(mix: pd.DataFrame, customers: pd.DataFrame, *, layers: Sequence[str] = ("top", "large"),
              threshold: float = 0.8) -> pd.DataFrame:
    """The assortment blueprint of the top layers: which groups (nearly) all top customers buy.

    Parameters
    ----------
    mix : DataFrame
        ``customer_id, product_group, revenue``.
    customers : DataFrame
        ``customer_id``, ``revenue``, ``pyramid_layer``.
    layers : sequence of str, default ("top", "large")
        The top layers.
    threshold : float, default 0.8
        Share of top customers (0-1) from which a group is part of the blueprint.

    Returns
    -------
    DataFrame
        One row per group, most bought by top customers first: ``product_group``,
        ``top_share`` (share of top-layer customers buying it, 0-1), ``others_share``
        (share of the other buying customers), ``gap`` (top − others, in share points),
        ``revenue_per_top_customer`` (euro, over the top customers buying it),
        ``in_blueprint`` (top_share >= threshold).

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2", "3"], "product_group": ["A", "B", "A", "B"],
    ...                     "revenue": [6.0, 2.0, 5.0, 1.0]})
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3"], "revenue": [8.0, 5.0, 1.0],
    ...                   "pyramid_layer": ["top", "top", "small"]})
    >>> blueprint(mix, c, threshold=0.9)[["product_group", "top_share", "others_share", "in_blueprint"]].values.tolist()
    [['A', 1.0, 0.0, True], ['B', 0.5, 1.0, False]]
    """
    _require(customers, ["customer_id", "revenue", "pyramid_layer"], "blueprint")
    buying = customers[customers["revenue"] > 0]
    buying_ids = buying["customer_id"].astype(str)
    in_top = is_in(buying["pyramid_layer"].astype(str), list(layers))
    top_ids = buying_ids[in_top].drop_duplicates()
    other_ids = buying_ids[~is_in(buying_ids, top_ids)].drop_duplicates()
    m = mix[mix["revenue"] > 0]
    ids = m["customer_id"].astype(str)
    top = m[is_in(ids, top_ids)].groupby("product_group")
    others = m[is_in(ids, other_ids)].groupby("product_group")
    groups = sorted(mix["product_group"].astype(str).unique())
    out = pd.DataFrame({"product_group": groups})
    top_n = top["customer_id"].nunique().reindex(groups, fill_value=0)
    out["top_share"] = (top_n / len(top_ids)).to_numpy() if len(top_ids) else np.nan
    out["others_share"] = ((others["customer_id"].nunique().reindex(groups, fill_value=0) / len(other_ids)).to_numpy()
                           if len(other_ids) else np.nan)
    out["gap"] = out["top_share"] - out["others_share"]
    out["revenue_per_top_customer"] = (top["revenue"].sum().reindex(groups) / top_n.where(top_n > 0)).to_numpy()
    out["in_blueprint"] = (out["top_share"] >= threshold).to_numpy()
    out = out.sort_values(["top_share", "product_group"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# White space


def group_affinity(matrix: pd.DataFrame) -> pd.DataFrame:
    """How much more common group Y is among buyers of X than among all customers (lift).

    Parameters
    ----------
    matrix : DataFrame
        :func:`bought_matrix` over the customers to consider.

    Returns
    -------
    DataFrame
        Long: ``from_group`` (X), ``to_group`` (Y, X ≠ Y), ``both`` (customers buying
        both), ``confidence`` (P(Y | X), 0-1), ``lift`` (confidence / share of customers
        buying Y); NaN where nobody buys X.

    Examples
    --------
    >>> m = pd.DataFrame({"A": [1.0, 1.0, 0.0, 0.0], "B": [1.0, 0.0, 0.0, 1.0]})
    >>> group_affinity(m)[["from_group", "to_group", "confidence", "lift"]].values.tolist()
    [['A', 'B', 0.5, 1.0], ['B', 'A', 0.5, 1.0]]
    """
    b = (matrix.to_numpy() > 0).astype(np.int64)
    groups = list(matrix.columns)
    both = b.T @ b
    n_x = np.diag(both).astype(float)
    base = n_x / len(b) if len(b) else np.full(len(groups), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        conf = both / n_x[:, None]
        lift = conf / base[None, :]
    rows = [(groups[i], groups[j], int(both[i, j]), conf[i, j], lift[i, j])
            for i in range(len(groups)) for j in range(len(groups)) if i != j]
    return pd.DataFrame(rows, columns=["from_group", "to_group", "both", "confidence", "lift"])


def _cell_codes(cells: np.ndarray) -> np.ndarray:
    """Each customer's cell as a code 0..k-1 (-1 when missing); factorised once, used for every group."""
    return pd.factorize(pd.Series(cells), use_na_sentinel=True)[0]


def _smoothed_rate(y: np.ndarray, codes: np.ndarray, base: float) -> np.ndarray:
    """Per customer: share of buyers of Y among the customers of its cell, smoothed toward ``base``.

    ``codes`` are the cells from :func:`_cell_codes`.
    """
    k = int(codes.max()) + 1 if len(codes) else 0
    hits = np.bincount(codes[codes >= 0], weights=y[codes >= 0], minlength=k)
    n = np.bincount(codes[codes >= 0], minlength=k).astype(float)
    rate = (hits + SMOOTHING * base) / (n + SMOOTHING)
    return np.where(codes >= 0, rate[np.maximum(codes, 0)], base)


class WhiteSpace(NamedTuple):
    """The result of :func:`white_space`: candidate lists, a summary per group, the best group per customer."""

    lists: pd.DataFrame
    summary: pd.DataFrame
    best: pd.DataFrame


def white_space(mix: pd.DataFrame, customers: pd.DataFrame, *, segment: str = "pyramid_layer",
                region: str | None = "region", min_lift: float = 1.1, max_related: int = 3,
                list_size: int | None = None) -> WhiteSpace:
    """White space per product group: who buys related groups but not this one, ranked by resemblance.

    The rules are in the module docstring (:mod:`toolkit.products`).

    Parameters
    ----------
    mix : DataFrame
        ``customer_id, product_group, revenue`` (period).
    customers : DataFrame
        ``customer_id``, ``revenue`` (period, euro) and the ``segment`` column; ``region``
        when given and present. Only buying customers (revenue > 0) count.
    segment : str, default "pyramid_layer"
    region : str or None, default "region"
        Column with the customer's region; ignored when missing or empty.
    min_lift : float, default 1.1
    max_related : int, default 3
    list_size : int or None
        Candidates to list per group (best first); None for all.

    Returns
    -------
    WhiteSpace
        ``lists``: :data:`WHITESPACE_COLUMNS`, per group the candidates by rank
        (``score`` 0-1, ``index`` 100 = average customer, ``expected_revenue`` euro,
        ``groups_bought`` and ``related_bought`` as text "A, B"); ties by customer id.
        ``summary``: one row per group (largest opportunity first): ``product_group``,
        ``buyers``, ``base_rate`` (0-1), ``related_groups`` (text), ``candidates``,
        ``avg_revenue`` (of the group per buyer, euro), ``opportunity`` (euro, sum of the
        candidates' expected revenue), ``mean_index`` (of the candidates).
        ``best``: per customer of ``customers`` (its order): ``customer_id``,
        ``next_best_group`` (the group where it is a candidate with the highest index,
        over all candidates, not only the listed ones; ties by group name; <NA> when
        none) and ``next_best_index``.

    Raises
    ------
    DataError
        When a needed column is missing.

    Examples
    --------
    Customers 1 and 2 buy A and B, 3 only A, 4 only C: B is more common among A's
    buyers (2 of 3) than overall (2 of 4), so A is related to B and customer 3 is B's
    candidate, worth B's average revenue per buyer ((4 + 6) / 2 = 5; its segment has
    no B buyers).

    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2", "2", "3", "4"],
    ...                     "product_group": ["A", "B", "A", "B", "A", "C"],
    ...                     "revenue": [10.0, 4.0, 8.0, 6.0, 5.0, 3.0]})
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3", "4"], "revenue": [14.0, 14.0, 5.0, 3.0],
    ...                   "pyramid_layer": ["top", "top", "small", "small"]})
    >>> ws = white_space(mix, c, min_lift=1.0)
    >>> ws.lists[["product_group", "customer_id", "related_bought"]].values.tolist()
    [['B', '3', 'A']]
    >>> ws.summary[["product_group", "candidates", "opportunity"]].values.tolist()
    [['B', 1, 5.0], ['A', 0, 0.0], ['C', 0, 0.0]]
    >>> ws.best["next_best_group"].tolist()
    [<NA>, <NA>, 'B', <NA>]
    """
    _require(mix, ["customer_id", "product_group", "revenue"], "white_space")
    _require(customers, ["customer_id", "revenue", segment], "white_space (customers)")
    buying = customers[customers["revenue"] > 0].reset_index(drop=True)
    order = id_order(buying["customer_id"])
    buying = buying.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    ids = buying["customer_id"].astype("string")
    matrix = bought_matrix(mix, ids)
    groups = list(matrix.columns)
    rev = matrix.to_numpy()
    b = rev > 0
    n = len(buying)
    seg = buying[segment].astype("string").to_numpy(dtype=object)
    reg = (buying[region].astype("string").to_numpy(dtype=object)
           if region and region in buying and buying[region].notna().any() else None)
    total_rev = buying["revenue"].to_numpy(dtype=float)
    seg_codes = _cell_codes(seg)
    reg_codes = _cell_codes(reg) if reg is not None else None
    affinity = group_affinity(matrix)
    lists, summary = [], []
    names = np.asarray(groups, dtype=object)
    best_index = np.full(n, -np.inf)
    best_group = np.full(n, None, dtype=object)
    for j, group in enumerate(groups):
        y = b[:, j].astype(float)
        buyers = int(y.sum())
        base = buyers / n if n else np.nan
        rel = (affinity[(affinity["to_group"] == group) & (affinity["lift"] > min_lift)]
               .sort_values(["lift", "from_group"], ascending=[False, True], kind="stable")
               .head(max_related)["from_group"].sort_values().tolist())
        rel_idx = [groups.index(g) for g in rel]
        cand = ~b[:, j] & (b[:, rel_idx].any(axis=1) if rel_idx else np.zeros(n, dtype=bool))
        avg_rev = rev[b[:, j], j].mean() if buyers else np.nan
        row = {"product_group": group, "buyers": buyers, "base_rate": base, "related_groups": ", ".join(rel),
               "candidates": int(cand.sum()), "avg_revenue": avg_rev, "opportunity": 0.0, "mean_index": np.nan}
        if cand.any() and buyers:
            rates = [_smoothed_rate(y, seg_codes, base)]
            if reg_codes is not None:
                rates.append(_smoothed_rate(y, reg_codes, base))
            other = total_rev - rev[:, j]
            quint = np.searchsorted(np.quantile(other, [0.2, 0.4, 0.6, 0.8]), other, side="right")
            rates.append(_smoothed_rate(y, _cell_codes(quint), base))
            # P(Y | X) averaged over the other groups X each customer buys.
            conf = np.zeros(len(groups))
            for g, c in zip(affinity.loc[affinity["to_group"] == group, "from_group"],
                            affinity.loc[affinity["to_group"] == group, "confidence"], strict=True):
                conf[groups.index(g)] = 0.0 if np.isnan(c) else c
            others = b.copy()
            others[:, j] = False
            k = others.sum(axis=1)
            rates.append(np.where(k > 0, (others @ conf) / np.maximum(k, 1), base))
            score = np.mean(rates, axis=0)
            # Average revenue in the group per segment, looked up by segment code (no text map per group).
            in_seg = b[:, j] & (seg_codes >= 0)
            seg_avg = pd.Series(rev[in_seg, j]).groupby(seg_codes[in_seg]).agg(["mean", "size"])
            seg_mean = np.full(max(1, int(seg_codes.max()) + 1), np.nan)
            seg_mean[seg_avg.index.to_numpy()] = seg_avg["mean"].where(seg_avg["size"] >= MIN_SIMILAR_BUYERS)
            expected = np.where(seg_codes >= 0, seg_mean[np.maximum(seg_codes, 0)], np.nan)
            expected = np.where(np.isnan(expected), avg_rev, expected)
            idx = np.flatnonzero(cand)
            ranked = idx[np.argsort(-score[idx], kind="stable")]  # rows are in id order: ties by id
            index = score / base * 100
            better = cand & (index > best_index)  # groups run in name order: ties keep the first name
            best_index[better], best_group[better] = index[better], group
            row["opportunity"] = float(expected[idx].sum())
            row["mean_index"] = float(score[idx].mean() / base * 100)
            shown = ranked if list_size is None else ranked[:list_size]
            bought_text = [", ".join(names[b[i]]) for i in shown]
            rel_set = set(rel)
            lists.append(pd.DataFrame({
                "product_group": group, "rank": np.arange(1, len(shown) + 1), "customer_id": ids.to_numpy()[shown],
                "segment": seg[shown], "region": reg[shown] if reg is not None else pd.NA,
                "revenue": total_rev[shown], "groups_bought": bought_text,
                "related_bought": [", ".join(g for g in txt.split(", ") if g in rel_set) for txt in bought_text],
                "score": score[shown], "index": index[shown], "expected_revenue": expected[shown]}))
        summary.append(row)
    out = (pd.concat(lists, ignore_index=True) if lists
           else pd.DataFrame({c: pd.Series([], dtype=object) for c in WHITESPACE_COLUMNS}))
    for col in ("customer_id", "segment", "region", "product_group", "groups_bought", "related_bought"):
        out[col] = out[col].astype("string")
    summ = pd.DataFrame(summary, columns=["product_group", "buyers", "base_rate", "related_groups", "candidates",
                                          "avg_revenue", "opportunity", "mean_index"])
    summ = summ.sort_values(["opportunity", "product_group"], ascending=[False, True], kind="stable")
    all_ids = customers["customer_id"].astype("string").reset_index(drop=True)
    at = positions_in(all_ids, ids)  # -1: not a buying customer
    found = at >= 0
    best_group_all = np.full(len(all_ids), None, dtype=object)
    best_group_all[found] = best_group[at[found]]
    best_index_all = np.full(len(all_ids), np.nan)
    best_index_all[found] = np.where(np.isfinite(best_index), best_index, np.nan)[at[found]]
    best = pd.DataFrame({"customer_id": all_ids, "next_best_group": pd.array(best_group_all, dtype="string"),
                         "next_best_index": best_index_all})
    return WhiteSpace(out[list(WHITESPACE_COLUMNS)], summ.reset_index(drop=True), best)


def whitespace_file_name(group: str) -> str:
    """The export file name of a group's white-space list: ``whitespace_<group>.csv`` (a safe, lower-case name).

    Examples
    --------
    >>> whitespace_file_name("Tuin & Terras / Buiten")
    'whitespace_tuin-terras-buiten.csv'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-") or "group"
    return f"whitespace_{slug}.csv"


def write_whitespace_lists(frames: dict[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write one CSV per product group from the run's white-space frame (``products_whitespace``).

    Each file ``whitespace_<group>.csv`` (see :func:`whitespace_file_name`; a second group
    with the same safe name gets ``-2``) holds that group's candidates best first:
    ``rank, customer_id, segment, region, revenue, groups_bought, related_bought, score,
    index, expected_revenue`` (UTF-8, comma-separated, money to the cent, score to 4
    decimals, index to 1). No personal data: ids and computed values only.

    Parameters
    ----------
    frames : dict of str to DataFrame
        ``RunResults.frames``; nothing is written without ``products_whitespace``.
    folder : path-like
        Created when missing.

    Returns
    -------
    list of Path
        The files written, in group order.

    Examples
    --------
    >>> import tempfile
    >>> lists = pd.DataFrame({"product_group": ["Planten"], "rank": [1], "customer_id": ["7"], "segment": ["top"],
    ...     "region": ["Utrecht"], "revenue": [100.0], "groups_bought": ["Gereedschap"],
    ...     "related_bought": ["Gereedschap"], "score": [0.5], "index": [150.0], "expected_revenue": [40.0]})
    >>> [p.name for p in write_whitespace_lists({"products_whitespace": lists}, tempfile.mkdtemp())]
    ['whitespace_planten.csv']
    """
    lists = frames.get("products_whitespace")
    if lists is None or lists.empty:
        return []
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for group in sorted(lists["product_group"].astype(str).unique()):
        name = whitespace_file_name(group)
        stem, k = name[:-4], 2
        while name in used:
            name, k = f"{stem}-{k}.csv", k + 1
        used.add(name)
        part = lists[lists["product_group"].astype(str) == group].sort_values("rank", kind="stable")
        table = part.drop(columns=["product_group"]).round({"revenue": 2, "expected_revenue": 2, "score": 4,
                                                             "index": 1})
        table.to_csv(out / name, index=False, encoding="utf-8", lineterminator="\n")
        written.append(out / name)
    return written


__all__ = [
    "BUYING_LAYERS",
    "WHITESPACE_COLUMNS",
    "WhiteSpace",
    "blueprint",
    "bought_matrix",
    "customer_products",
    "group_affinity",
    "group_summary",
    "missing_group_expr",
    "mix_by_segment",
    "product_mix_expr",
    "tidy_mix",
    "white_space",
    "whitespace_file_name",
    "write_whitespace_lists",
]
