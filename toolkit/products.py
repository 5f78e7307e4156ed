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
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from toolkit.columns import held, texts
from toolkit.errors import DataError
from toolkit.segments import (
    BUYING_LAYERS,
    LAYERS,
    _arrow_text,
    distinct_pairs,
    id_order,
    is_in,
    plain_numbers,
    positions_in,
    unique_positions_in,
)

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


class _IdMatch(NamedTuple):
    """Ids matched to the customer table's ids (:func:`_match_ids`)."""

    rows: np.ndarray
    """Per id: the position of the equal key (-1: none; the first one when keys repeat), as :func:`positions_in`."""
    distinct: bool
    """Whether every key is present and distinct: a position then names the one customer with that id."""
    numbers: np.ndarray | None
    """The keys as int64 when they are distinct plain numbers (:func:`plain_numbers`), else None."""


def _match_ids(values: pd.Series, keys: pd.Series | pd.Index) -> _IdMatch:
    """Where each of ``values`` is in ``keys``: :func:`positions_in`, plus what the keys allow after it.

    Plain numeric keys in a dense range are looked up in a table, without hashing. With
    present, distinct keys a subset of them (the buying customers) can be matched from
    these positions instead of matching the ids again (0.4 s a time at 3.5M customers).
    """
    numbers, plain = plain_numbers(keys) if len(keys) and len(values) else (None, False)
    if plain and (numbers >= 0).all():
        code, n_ids, found = _number_codes(numbers, plain_numbers(values)[0])
        if n_ids == len(keys):  # distinct: the codes are a permutation of the positions
            position = np.empty(n_ids, dtype=np.int64)
            position[code] = np.arange(n_ids)
            return _IdMatch(_look_up(position, found), True, numbers)
    rows = unique_positions_in(values, keys)  # one hash for the match and for distinct keys
    if rows is None:
        return _IdMatch(positions_in(values, keys), False, None)
    return _IdMatch(rows, not pd.isna(keys).any(), None)


def _look_up(table: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``table[at]``, and -1 where ``at`` is -1 (nothing found)."""
    out = np.full(len(at), -1, dtype=table.dtype)
    hit = at >= 0
    out[hit] = table[at[hit]]
    return out


def _group_positions(mix: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each mix row's position in the sorted product groups (as text), and those groups."""
    groups = sorted(mix["product_group"].astype(str).unique())
    return positions_in(mix["product_group"].astype(str), pd.Index(groups)), groups


def _revenue_cells(rows: np.ndarray, cols: np.ndarray, revenue: np.ndarray, n_rows: int, n_groups: int, *,
                   by_group: bool = False) -> np.ndarray:
    """Revenue per row (-1: left out) and group: ``(n_rows, n_groups)``, or ``(n_groups, n_rows)`` ``by_group``.

    ``bincount`` adds each cell's lines in line order, as ``np.add.at`` did, at a fraction
    of its cost; the layout does not change the sums.
    """
    keep = rows >= 0
    cell = cols[keep] * n_rows + rows[keep] if by_group else rows[keep] * n_groups + cols[keep]
    values = np.bincount(cell, weights=revenue[keep], minlength=n_rows * n_groups)
    return values.reshape((n_groups, n_rows) if by_group else (n_rows, n_groups))


class _Matching:
    """The mix's customer ids matched to the customer table, and its groups coded: done once, when first needed.

    Shared by :func:`customer_products` and :func:`white_space`
    (:func:`products_and_white_space`), which each matched the same ids by text before.
    """

    def __init__(self, mix: pd.DataFrame, customers: pd.DataFrame) -> None:
        self._mix, self._customers = mix, customers

    @cached_property
    def ids(self) -> _IdMatch:
        """The mix rows' customer ids in the table's (:func:`_match_ids`)."""
        return _match_ids(self._mix["customer_id"].astype("string"), self._customers["customer_id"].astype("string"))

    @cached_property
    def groups(self) -> tuple[np.ndarray, list[str]]:
        """:func:`_group_positions` of the mix."""
        return _group_positions(self._mix)


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
    cols, groups = _group_positions(mix)
    rows = _match_ids(mix["customer_id"].astype("string"), ids).rows
    values = _revenue_cells(rows, cols, mix["revenue"].to_numpy(dtype=float), len(ids), len(groups))
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
    return _customer_products(mix, customers, _Matching(mix, customers))


def _customer_products(mix: pd.DataFrame, customers: pd.DataFrame, matching: _Matching) -> pd.DataFrame:
    """:func:`customer_products`, with the ids matched by ``matching``."""
    _require(customers, ["customer_id"], "customer_products")
    ids = customers["customer_id"].astype("string")
    n = np.zeros(len(ids), dtype=np.int64)
    top = np.full(len(ids), -1, dtype=np.int64)  # position of the top group in ``groups``
    groups: list[str] = []
    if len(mix):
        _require(mix, ["customer_id", "product_group", "revenue"], "bought_matrix")  # the message it gave
        rows = matching.ids.rows
        cols, groups = matching.groups
        # Only the customers in the mix get a row (a third of the table at 10M lines; the rest buy nothing).
        in_mix = np.zeros(len(ids), dtype=bool)
        in_mix[rows[rows >= 0]] = True
        if (cols[rows >= 0] < 0).any():
            in_mix[:] = True  # a line without a known group spills into a neighbouring cell: keep every row, as before
        present = np.flatnonzero(in_mix)
        values = _revenue_cells(_look_up(np.cumsum(in_mix) - 1, rows), cols, mix["revenue"].to_numpy(dtype=float),
                                len(present), len(groups))
        if values.size:
            n[present] = (values > 0).sum(axis=1)
            best = values.argmax(axis=1)  # first maximum = first group in name order
            # The value there is the row's maximum (NaN when it has one, as max says): no second pass for max.
            top[present] = np.where(np.take_along_axis(values, best[:, None], axis=1)[:, 0] > 0, best, -1)
    return pd.DataFrame({"customer_id": held(ids), "top_product_group": texts(top, groups, "string"),
                         "product_groups": n})


# ---------------------------------------------------------------------------------------------
# Shared building blocks: customers and groups as integer codes
#
# At millions of customers, grouping, merging and isin on text columns dominated the chapter;
# the ids and groups are therefore turned into integer codes once per function and everything
# after that is numpy over the codes.


def _text(values: pd.Series) -> pd.Series:
    """``values`` as text: as is when already a string dtype, else ``astype(str)`` (as the frames were used)."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype(str)


def text_in(values: pd.Series, members: Sequence[str]) -> np.ndarray:
    """Whether each of ``values``, as text, is one of ``members``: ``values.astype(str).isin(members)``.

    A categorical column (the pyramid layer) is matched on its few categories, not
    converted to millions of strings first (0.4 s per call at 3.5M customers).

    Examples
    --------
    >>> text_in(pd.Series(pd.Categorical(["top", None, "small"])), ["top", "large"]).tolist()
    [True, False, False]
    """
    members = list(members)
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = is_in(pd.Index(values.cat.categories).astype(str), members)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, hit[np.maximum(codes, 0)], False)  # -1: missing, never a member
    return is_in(_text(values), members)


def _number_codes(numbers: np.ndarray, lookups: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Codes 0..k-1 of the distinct ``numbers`` (>= 0; -1 stays -1), and the code of each of ``lookups`` (-1: none)."""
    present = numbers >= 0
    if not present.any():
        return np.full(len(numbers), -1, dtype=np.int64), 0, np.full(len(lookups), -1, dtype=np.int64)
    lo, hi = int(numbers[present].min()), int(numbers[present].max())
    span = hi - lo + 1
    if span <= 4 * len(numbers) + (1 << 20):
        # Ids numbered in a dense range (the usual case): a lookup table, no hashing at all.
        seen = np.zeros(span, dtype=bool)
        seen[numbers[present] - lo] = True
        slot_code = np.cumsum(seen, dtype=np.int64) - 1  # rank among the distinct ids
        code = np.where(present, slot_code[np.clip(numbers - lo, 0, span - 1)], -1)
        at = np.clip(lookups - lo, 0, span - 1)
        found = (lookups >= lo) & (lookups <= hi) & seen[at]
        return code, int(slot_code[-1]) + 1, np.where(found, slot_code[at], -1)
    code = np.full(len(numbers), -1, dtype=np.int64)
    code[present], uniques = pd.factorize(numbers[present])
    return code, len(uniques), pd.Index(uniques).get_indexer(lookups).astype(np.int64, copy=False)


class MixCodes(NamedTuple):
    """A product mix and its customer table as integer codes (:func:`mix_codes`), shared between the functions."""

    rows: np.ndarray
    """Positions of the buying customers (revenue > 0) in the customer table."""
    code: np.ndarray
    """Per buying customer: the code 0..ids-1 of its id (-1 without an id)."""
    ids: int
    """Distinct ids of buying customers (missing ids not counted)."""
    mix_code: np.ndarray
    """Per mix row: the code of its customer's id (-1 when it is not a buying customer)."""
    group_code: np.ndarray
    """Per mix row: the position of its product group in ``groups`` (-1 when missing)."""
    groups: pd.Index
    """The product groups present, sorted (the column's dtype), as ``groupby(sort=True)`` has them."""


def mix_codes(mix: pd.DataFrame, customers: pd.DataFrame) -> MixCodes:
    """Match the mix rows to the buying customers by id, and code the product groups, once.

    Ids are compared as text, as ``isin`` would; plain numeric ids (the usual case) are
    compared as int64 instead, which gives the same matches many times faster than
    hashing millions of strings. Pass the result as ``codes`` to :func:`group_summary`,
    :func:`mix_by_segment` and :func:`blueprint` on the same two frames to do this work
    once for all three.

    Examples
    --------
    Customer 8 buys nothing in the period, so its mix row matches no buying customer:

    >>> mix = pd.DataFrame({"customer_id": ["7", "7", "9", "8"], "product_group": ["B", "A", "A", "A"],
    ...                     "revenue": [1.0, 2.0, 3.0, -1.0]})
    >>> codes = mix_codes(mix, pd.DataFrame({"customer_id": ["9", "7", "8"], "revenue": [1.0, 5.0, 0.0]}))
    >>> codes.rows.tolist(), codes.ids, codes.group_code.tolist(), codes.groups.tolist()
    ([0, 1], 2, [1, 0, 0, 0], ['A', 'B'])
    >>> codes.mix_code.tolist() == [codes.code[1], codes.code[1], codes.code[0], -1]
    True
    """
    import pyarrow.compute as pc

    _require(mix, ["customer_id", "product_group"], "mix_codes")
    _require(customers, ["customer_id", "revenue"], "mix_codes (customers)")
    group_code, groups = pd.factorize(mix["product_group"], sort=True)
    # Without rows factorize gives object; groupby kept the column's dtype.
    groups = pd.Index(groups) if len(groups) else pd.Index(groups, dtype=mix["product_group"].dtype)
    rows = np.flatnonzero(customers["revenue"].to_numpy(dtype=float, na_value=np.nan) > 0)
    buying = _text(customers["customer_id"].iloc[rows])
    mix_ids = _text(mix["customer_id"])
    numbers, plain = plain_numbers(buying) if len(buying) and len(mix_ids) else (None, False)
    if plain:
        # Mix ids that are not plain numbers get -1: they equal no buying customer's id.
        code, n_ids, mix_code = _number_codes(numbers, plain_numbers(mix_ids)[0])
        return MixCodes(rows, code, n_ids, mix_code, group_code, groups)
    enc = pc.dictionary_encode(_arrow_text(buying))
    code = pc.fill_null(enc.indices, -1).to_numpy().astype(np.int64, copy=False)
    mix_code = pc.fill_null(pc.index_in(_arrow_text(mix_ids), value_set=enc.dictionary), -1)
    return MixCodes(rows, code, len(enc.dictionary), mix_code.to_numpy().astype(np.int64, copy=False),
                    group_code, groups)


def _check_codes(codes: MixCodes | None, mix: pd.DataFrame, customers: pd.DataFrame) -> MixCodes:
    """``codes`` when given (for these frames: at least the lengths must fit), else :func:`mix_codes`."""
    if codes is None:
        return mix_codes(mix, customers)
    if len(codes.mix_code) != len(mix) or (len(codes.rows) and codes.rows[-1] >= len(customers)):
        raise DataError("codes: not made by mix_codes() for this mix and customer table.")
    return codes


def _sorted_groups(codes: MixCodes) -> tuple[np.ndarray, list[str]]:
    """Each mix row's position in ``sorted(groups.astype(str).unique())`` (-1 when missing), and that list.

    As before, a missing group next to named ones cannot be sorted (TypeError).
    """
    names = [str(u) for u in codes.groups.astype(str)]
    order = sorted(set(names) | ({np.nan} if (codes.group_code < 0).any() else set()))
    at = {g: i for i, g in enumerate(order)}
    remap = np.array([at[n] for n in names], dtype=np.int64)
    if not len(remap):
        return np.full(len(codes.group_code), -1, dtype=np.int64), order
    return np.where(codes.group_code >= 0, remap[np.maximum(codes.group_code, 0)], -1), order


def _group_sums(values: np.ndarray, codes: np.ndarray, size: int, *, min_count: int = 0) -> np.ndarray:
    """Sum of ``values`` per code 0..size-1 (code -1 left out), exactly as pandas' groupby sums.

    pandas adds with Kahan compensation, so ``np.bincount`` can differ in the last bit; a
    groupby over categorical codes adds the same rows in the same order, without hashing.
    """
    keys = pd.Categorical.from_codes(codes, categories=pd.RangeIndex(size))
    return pd.Series(values).groupby(keys, observed=False, sort=True).sum(min_count=min_count).to_numpy()


# ---------------------------------------------------------------------------------------------
# Mix per segment and the blueprint


def group_summary(mix: pd.DataFrame, customers: pd.DataFrame, *, codes: MixCodes | None = None) -> pd.DataFrame:
    """Per product group: revenue, margin and buyers in the period.

    Parameters
    ----------
    mix : DataFrame
        ``customer_id, product_group, revenue`` (and ``margin``).
    customers : DataFrame
        ``customer_id``, ``revenue``: buying customers are those with revenue > 0.
    codes : MixCodes, optional
        :func:`mix_codes` of these two frames, when already made.

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
    codes = _check_codes(codes, mix, customers)
    group, k = codes.group_code, len(codes.groups)  # missing groups (-1) are left out, as groupby did
    revenue = mix["revenue"].to_numpy()
    margin = mix["margin"].to_numpy() if "margin" in mix else np.full(len(mix), np.nan)
    buyer = (revenue > 0) & (codes.mix_code >= 0) & (group >= 0)
    out = pd.DataFrame({"revenue": _group_sums(revenue, group, k), "margin": _group_sums(margin, group, k, min_count=1),
                        "buyers": np.bincount(group[buyer], minlength=k).astype("int64")},
                       index=codes.groups.rename("product_group"))
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["margin_rate"] = out["margin"] / out["revenue"].where(out["revenue"] != 0)
    n_buying = codes.ids
    out["buyer_share"] = out["buyers"] / n_buying if n_buying else np.nan
    out["revenue_per_buyer"] = out["revenue"] / out["buyers"].where(out["buyers"] > 0)
    out = out.rename_axis("product_group").reset_index()
    out = out.sort_values(["revenue", "product_group"], ascending=[False, True], kind="stable")
    return out[["product_group", "revenue", "revenue_share", "margin", "margin_rate", "buyers", "buyer_share",
                "revenue_per_buyer"]].reset_index(drop=True)


def _segment_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each value's code in its distinct texts (``astype("string")``; -1 when missing), and those texts."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Factorise the few categories, not millions of strings (categories may coincide as text).
        cat_codes = values.cat.codes.to_numpy()
        name_codes, names = pd.factorize(pd.Index(values.cat.categories).astype("string"))
        if not len(name_codes):
            return np.full(len(values), -1, dtype=np.int64), pd.Index(names)
        return np.where(cat_codes >= 0, name_codes[np.maximum(cat_codes, 0)], -1), pd.Index(names)
    codes, names = pd.factorize(values.astype("string"))
    return codes, pd.Index(names)


def _no_mix_cells(mix: pd.DataFrame, customers: pd.DataFrame, segment: str, index: pd.MultiIndex) -> pd.DataFrame:
    """:func:`mix_by_segment` without segments or groups: no rows, with the dtypes pandas gave them.

    Reindexing onto no cells kept the grouped frame's own empty index, whose dtypes depend
    on the rows grouped, so this rare case keeps the original pandas steps.
    """
    buying = customers[customers["revenue"] > 0]
    seg = buying.set_index(buying["customer_id"].astype(str))[segment].astype("string")
    m = mix[is_in(mix["customer_id"].astype(str), seg.index)]
    m = m.assign(segment=m["customer_id"].astype(str).map(seg).to_numpy(), _buyer=m["revenue"] > 0)
    g = m.groupby(["segment", "product_group"])
    out = pd.DataFrame({"buyers": g["_buyer"].sum(), "revenue": g["revenue"].sum()}).reindex(index, fill_value=0)
    return _with_shares(out, seg.value_counts())


def _with_shares(cells: pd.DataFrame, sizes: pd.Series) -> pd.DataFrame:
    """:func:`mix_by_segment`'s columns from its cells (``buyers``, ``revenue`` per segment and group)."""
    out = cells.reset_index()
    out["customers"] = out["segment"].map(sizes).fillna(0).astype("int64")
    out["buyers"] = out["buyers"].astype("int64")
    out["buyer_share"] = out["buyers"] / out["customers"].where(out["customers"] > 0)
    seg_rev = out.groupby("segment")["revenue"].transform("sum")
    out["revenue_share"] = out["revenue"] / seg_rev.where(seg_rev != 0)
    return out[["segment", "product_group", "customers", "buyers", "buyer_share", "revenue", "revenue_share"]]


def mix_by_segment(mix: pd.DataFrame, customers: pd.DataFrame, *, segment: str = "pyramid_layer",
                   segments: Sequence[str] | None = None, codes: MixCodes | None = None) -> pd.DataFrame:
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
    codes : MixCodes, optional
        :func:`mix_codes` of ``mix`` and ``customers``, when already made.

    Returns
    -------
    DataFrame
        One row per segment and group (segments in order, groups sorted): ``segment``,
        ``product_group``, ``customers`` (buying customers in the segment), ``buyers``,
        ``buyer_share`` (0-1), ``revenue`` (euro), ``revenue_share`` (of the segment's
        revenue over all groups, 0-1).

    Raises
    ------
    pandas.errors.InvalidIndexError
        When a buying customer's id occurs twice (its segment is ambiguous).

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
    codes = _check_codes(codes, mix, customers)
    seg_code, names = _segment_codes(customers[segment].iloc[codes.rows])
    counts = np.bincount(seg_code[seg_code >= 0], minlength=len(names))
    sizes = pd.Series(counts, index=names)[counts > 0]  # value_counts of the buying customers' segments
    if segments is None:
        present = set(sizes.index)
        segments = ([s for s in LAYERS if s in present] if segment == "pyramid_layer"
                    else sizes.sort_index().sort_values(ascending=False, kind="stable").index.tolist())
    missing_id = codes.code < 0
    if codes.ids < int((~missing_id).sum()) or int(missing_id.sum()) > 1:
        # Looking segments up by id needs unique ids; this is the error pandas' map gave.
        raise pd.errors.InvalidIndexError("Reindexing only valid with uniquely valued Index objects")
    groups_code, groups = _sorted_groups(codes)
    n_groups = len(groups)
    seg_of_id = np.full(codes.ids, -1, dtype=np.int64)
    seg_of_id[codes.code[~missing_id]] = seg_code[~missing_id]
    row_seg = np.where(codes.mix_code >= 0, seg_of_id[np.maximum(codes.mix_code, 0)] if codes.ids else -1, -1)
    cell = np.where((row_seg >= 0) & (groups_code >= 0), row_seg * n_groups + groups_code, -1)
    revenue = mix["revenue"].to_numpy()
    n_cells = len(names) * n_groups
    buyers = np.bincount(cell[(cell >= 0) & (revenue > 0)], minlength=n_cells).reshape(len(names), n_groups)
    sums = _group_sums(revenue, cell, n_cells).reshape(len(names), n_groups)
    # Segments asked for but without buying customers (or rows) get zeros, as the reindex did.
    at = {name: i for i, name in enumerate(names)}
    pick = np.array([at.get(s, -1) for s in segments], dtype=np.int64)
    has = (pick >= 0)[:, None]
    index = pd.MultiIndex.from_product([list(segments), groups], names=["segment", "product_group"])
    if not len(index):
        return _no_mix_cells(mix, customers, segment, index)
    seen = np.bincount(cell[cell >= 0], minlength=n_cells).reshape(len(names), n_groups) > 0
    if sorted((names[i], groups[j]) for i, j in zip(*np.nonzero(seen), strict=True)) == list(index):
        # The grouped cells were already these cells in this order: reindex then kept the grouped
        # frame's index, with the groups in the mix's dtype.
        index = pd.MultiIndex.from_arrays([index.get_level_values(0), pd.Index(
            index.get_level_values(1), dtype=mix["product_group"].dtype)], names=index.names)
    out = pd.DataFrame({"buyers": np.where(has, buyers[np.maximum(pick, 0)], 0).ravel() if len(names) else 0,
                        "revenue": np.where(has, sums[np.maximum(pick, 0)], 0.0).ravel() if len(names) else 0.0},
                       index=index)
    return _with_shares(out, sizes)


def blueprint(mix: pd.DataFrame, customers: pd.DataFrame, *, layers: Sequence[str] = ("top", "large"),
              threshold: float = 0.8, codes: MixCodes | None = None) -> pd.DataFrame:
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
    codes : MixCodes, optional
        :func:`mix_codes` of ``mix`` and ``customers``, when already made.

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
    codes = _check_codes(codes, mix, customers)
    in_top = text_in(customers["pyramid_layer"].iloc[codes.rows], layers)
    has_id = codes.code >= 0
    top_id = np.zeros(codes.ids, dtype=bool)  # per distinct id: in a top layer (on any of its rows)
    top_id[codes.code[in_top & has_id]] = True
    # Distinct ids per list; a missing id counted once in both, as drop_duplicates kept one NaN.
    n_top = int(top_id.sum()) + int((in_top & ~has_id).any())
    n_other = int((~top_id).sum()) + int((~has_id).any())
    groups_code, groups = _sorted_groups(codes)
    n_groups = len(groups)
    revenue = mix["revenue"].to_numpy()
    used = (revenue > 0) & (codes.mix_code >= 0) & (groups_code >= 0)
    # Buyers per group: distinct (customer, group) pairs, split by the customer's list.
    pair_id, pair_group = distinct_pairs(codes.mix_code[used], groups_code[used], codes.ids, n_groups)
    pair_top = top_id[pair_id]
    top_n = np.bincount(pair_group[pair_top], minlength=n_groups)
    others_n = np.bincount(pair_group[~pair_top], minlength=n_groups)
    top_row = used.copy()
    top_row[used] = top_id[codes.mix_code[used]]
    top_revenue = _group_sums(revenue, np.where(top_row, groups_code, -1), n_groups)
    out = pd.DataFrame({"product_group": groups})
    out["top_share"] = top_n / n_top if n_top else np.nan
    out["others_share"] = others_n / n_other if n_other else np.nan
    out["gap"] = out["top_share"] - out["others_share"]
    out["revenue_per_top_customer"] = top_revenue / np.where(top_n > 0, top_n, np.nan)
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
    return _affinity((matrix.to_numpy() > 0).astype(float), list(matrix.columns))


def _affinity(bought: np.ndarray, groups: list[str]) -> pd.DataFrame:
    """:func:`group_affinity` of a customers × groups matrix of 0.0 / 1.0 (bought)."""
    # Sums of 0/1 products are whole numbers, exact in float64, and BLAS multiplies floats ~10x faster than int64.
    both = (bought.T @ bought).astype(np.int64)
    n_x = np.diag(both).astype(float)
    base = n_x / len(bought) if len(bought) else np.full(len(groups), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        conf = both / n_x[:, None]
        lift = conf / base[None, :]
    rows = [(groups[i], groups[j], int(both[i, j]), conf[i, j], lift[i, j])
            for i in range(len(groups)) for j in range(len(groups)) if i != j]
    return pd.DataFrame(rows, columns=["from_group", "to_group", "both", "confidence", "lift"])


class _Cells(NamedTuple):
    """Customers in cells (segment, region, spend class): each one's cell 0..k-1 (-1: missing) and the cells' sizes."""

    codes: np.ndarray
    sizes: np.ndarray


def _cells(codes: np.ndarray) -> _Cells:
    """:class:`_Cells` of these codes (counted once, used for every group)."""
    k = int(codes.max()) + 1 if len(codes) else 0
    return _Cells(codes, np.bincount(codes[codes >= 0], minlength=k).astype(float))


def _smoothed_rate(y: np.ndarray, cells: _Cells, base: float, at: np.ndarray) -> np.ndarray:
    """At the customers ``at``: share of buyers of Y (``y``) among the customers of their cell, smoothed to ``base``.

    A customer without a cell gets ``base``. The counts are whole numbers, so counting
    gives the same rates as summing ``y`` as floats did.
    """
    hit_cells = cells.codes[y]
    hits = np.bincount(hit_cells[hit_cells >= 0], minlength=len(cells.sizes)).astype(float)
    rate = (hits + SMOOTHING * base) / (cells.sizes + SMOOTHING)
    return np.where(cells.codes[at] >= 0, rate[np.maximum(cells.codes[at], 0)], base)


def _spend_class(spend: np.ndarray) -> np.ndarray:
    """Each customer's spend quintile 0-4: ``np.searchsorted(quintile limits, spend, side="right")``.

    Examples
    --------
    >>> _spend_class(np.array([5.0, 1.0, 4.0, 2.0, 3.0])).tolist()
    [4, 0, 3, 1, 2]
    """
    limits = np.quantile(spend, [0.2, 0.4, 0.6, 0.8])
    if np.isnan(limits).any() or np.isnan(spend).any() or (np.diff(limits) < 0).any():
        return np.searchsorted(limits, spend, side="right")  # with numpy's place for NaN
    # Sorted limits: the class is the number of limits at or below the value (a third of searchsorted's time).
    return ((spend >= limits[0]).astype(np.int8) + (spend >= limits[1]) + (spend >= limits[2])
            + (spend >= limits[3]))


def _first_sorted(values: np.ndarray, size: int | None) -> np.ndarray:
    """``np.argsort(values, kind="stable")[:size]``, sorting only the values that can be among the first ``size``.

    Examples
    --------
    >>> _first_sorted(np.array([3.0, 1.0, 2.0, 1.0, 5.0]), 3).tolist()
    [1, 3, 2]
    """
    if size is None or not 0 < size < len(values) or np.isnan(values).any():
        return np.argsort(values, kind="stable")[:size]
    # Every value up to the size-th smallest, in position order: a stable sort of those keeps the ties' order.
    pick = np.flatnonzero(values <= np.partition(values, size - 1)[size - 1])
    return pick[np.argsort(values[pick], kind="stable")][:size]


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
    return _white_space(mix, customers, _Matching(mix, customers), segment=segment, region=region,
                        min_lift=min_lift, max_related=max_related, list_size=list_size)


def products_and_white_space(mix: pd.DataFrame, customers: pd.DataFrame, *, segment: str = "pyramid_layer",
                             region: str | None = "region", min_lift: float = 1.1, max_related: int = 3,
                             list_size: int | None = None) -> tuple[pd.DataFrame, WhiteSpace]:
    """:func:`customer_products` and :func:`white_space` of the same frames, matching the ids once for both.

    The same results as the two calls (parameters as :func:`white_space`); the mix's
    customer ids are matched to the customer table once instead of once in each.

    Examples
    --------
    >>> mix = pd.DataFrame({"customer_id": ["1", "1", "2"], "product_group": ["B", "A", "A"],
    ...                     "revenue": [5.0, 1.0, 3.0]})
    >>> c = pd.DataFrame({"customer_id": ["2", "1"], "revenue": [3.0, 6.0], "pyramid_layer": ["small", "top"]})
    >>> products, ws = products_and_white_space(mix, c, min_lift=0.5)
    >>> products["top_product_group"].tolist(), ws.best["next_best_group"].tolist()
    (['A', 'B'], ['B', <NA>])
    """
    matching = _Matching(mix, customers)
    return (_customer_products(mix, customers, matching),
            _white_space(mix, customers, matching, segment=segment, region=region, min_lift=min_lift,
                         max_related=max_related, list_size=list_size))


def _white_space(mix: pd.DataFrame, customers: pd.DataFrame, matching: _Matching, *, segment: str,
                 region: str | None, min_lift: float, max_related: int, list_size: int | None) -> WhiteSpace:
    """:func:`white_space`, with the ids matched by ``matching``.

    The buying customers are the columns of (groups × customers) arrays, in id order. A
    group's per-customer work is done for its candidates only (a tenth to a fifth of the
    buying customers), with the same arithmetic as on all of them.
    """
    _require(mix, ["customer_id", "product_group", "revenue"], "white_space")
    _require(customers, ["customer_id", "revenue", segment], "white_space (customers)")
    is_buying = customers["revenue"] > 0
    # Only the columns used: a run's table has ~45, and every row selection copied them all.
    used = ["customer_id", "revenue", segment, *([region] if region and region in customers else [])]
    buying = customers[list(dict.fromkeys(used))][is_buying].reset_index(drop=True)
    match = matching.ids
    table_rows = np.flatnonzero(is_buying.to_numpy(dtype=bool)) if match.distinct else None
    if match.numbers is not None:
        # Distinct plain numbers: their numeric order is the id order (id_order's, without the texts).
        by_id = np.argsort(match.numbers[table_rows])
    else:
        order = id_order(buying["customer_id"])
        by_id = np.empty_like(order)
        by_id[order] = np.arange(len(order))  # np.argsort(order): order is a permutation
    buying = buying.iloc[by_id].reset_index(drop=True)
    ids = buying["customer_id"].astype("string")
    all_ids = customers["customer_id"].astype("string").reset_index(drop=True)
    if match.distinct:
        # One customer per id: the rows found in the whole table give the rows among the buying ones.
        at = np.full(len(customers), -1, dtype=np.int64)  # per customer: its row here (-1: not buying)
        at[table_rows[by_id]] = np.arange(len(by_id))
        mix_rows = _look_up(at, match.rows)
    else:
        mix_rows = positions_in(mix["customer_id"].astype("string"), pd.Index(ids, name="customer_id"))
        at = positions_in(all_ids, ids)
    cols, groups = matching.groups
    n = len(buying)
    rev = _revenue_cells(mix_rows, cols, mix["revenue"].to_numpy(dtype=float), n, len(groups), by_group=True)
    b = rev > 0  # (groups, customers)
    # As 0/1 (customers × groups): the layout the P(Y | X) product below had. BLAS' sums depend on the
    # shape, so the product still runs over every customer, for the same last bits.
    bought = np.ascontiguousarray(b.T).astype(float)
    n_bought = b.sum(axis=0)
    seg = _cells(_segment_codes(buying[segment])[0])  # the same cells as factorising the texts
    n_seg = max(1, len(seg.sizes))
    has_region = bool(region) and region in buying and buying[region].notna().any()
    reg = _cells(_segment_codes(buying[region])[0]) if has_region else None
    total_rev = buying["revenue"].to_numpy(dtype=float)
    affinity = _affinity(bought, groups)
    lists, summary = [], []
    names = np.asarray(groups, dtype=object)
    best_index = np.full(n, -np.inf)
    best_group = np.full(n, -1, dtype=np.int64)  # position in ``groups``
    for j, group in enumerate(groups):
        y = b[j]
        buyers = int(np.count_nonzero(y))
        base = buyers / n if n else np.nan
        rel = (affinity[(affinity["to_group"] == group) & (affinity["lift"] > min_lift)]
               .sort_values(["lift", "from_group"], ascending=[False, True], kind="stable")
               .head(max_related)["from_group"].sort_values().tolist())
        rel_idx = [groups.index(g) for g in rel]
        cand = ~y & (b[rel_idx].any(axis=0) if rel_idx else np.zeros(n, dtype=bool))
        avg_rev = rev[j][y].mean() if buyers else np.nan
        row = {"product_group": group, "buyers": buyers, "base_rate": base, "related_groups": ", ".join(rel),
               "candidates": int(cand.sum()), "avg_revenue": avg_rev, "opportunity": 0.0, "mean_index": np.nan}
        if cand.any() and buyers:
            idx = np.flatnonzero(cand)  # from here on, arrays are per candidate
            rates = [_smoothed_rate(y, seg, base, idx)]
            if reg is not None:
                rates.append(_smoothed_rate(y, reg, base, idx))
            rates.append(_smoothed_rate(y, _cells(_spend_class(total_rev - rev[j])), base, idx))
            # P(Y | X) averaged over the other groups X each customer buys (a candidate does not buy Y).
            conf = np.zeros(len(groups))
            for g, c in zip(affinity.loc[affinity["to_group"] == group, "from_group"],
                            affinity.loc[affinity["to_group"] == group, "confidence"], strict=True):
                conf[groups.index(g)] = 0.0 if np.isnan(c) else c
            k = n_bought[idx]
            rates.append(np.where(k > 0, (bought @ conf)[idx] / np.maximum(k, 1), base))
            score = np.mean(rates, axis=0)
            # Average revenue in the group per segment: grouped by the segment codes as categories (no hashing).
            in_seg = y & (seg.codes >= 0)
            seg_of = seg.codes[in_seg]
            by_seg = pd.Categorical.from_codes(seg_of, categories=pd.RangeIndex(n_seg))
            seg_mean = pd.Series(rev[j][in_seg]).groupby(by_seg, observed=False).mean().to_numpy()
            seg_mean = np.where(np.bincount(seg_of, minlength=n_seg) >= MIN_SIMILAR_BUYERS, seg_mean, np.nan)
            expected = np.where(seg.codes[idx] >= 0, seg_mean[np.maximum(seg.codes[idx], 0)], np.nan)
            expected = np.where(np.isnan(expected), avg_rev, expected)
            index = score / base * 100
            better = index > best_index[idx]  # groups run in name order: ties keep the first name
            best_index[idx[better]], best_group[idx[better]] = index[better], j
            row["opportunity"] = float(expected.sum())
            row["mean_index"] = float(score.mean() / base * 100)
            shown = _first_sorted(-score, list_size)  # best first; rows are in id order: ties by id
            rows_shown = idx[shown]
            bought_text = [", ".join(names[bought_row]) for bought_row in b[:, rows_shown].T]
            rel_set = set(rel)
            # Few distinct sets of groups bought: each one's related part worked out once.
            related = {t: ", ".join(g for g in t.split(", ") if g in rel_set) for t in set(bought_text)}
            lists.append(pd.DataFrame({
                "product_group": group, "rank": np.arange(1, len(shown) + 1),
                "customer_id": ids.array.take(rows_shown).to_numpy(),
                "segment": buying[segment].iloc[rows_shown].astype("string").to_numpy(dtype=object),
                "region": (buying[region].iloc[rows_shown].astype("string").to_numpy(dtype=object) if has_region
                           else pd.NA),
                "revenue": total_rev[rows_shown], "groups_bought": bought_text,
                "related_bought": [related[t] for t in bought_text],
                "score": score[shown], "index": index[shown], "expected_revenue": expected[shown]}))
        summary.append(row)
    out = (pd.concat(lists, ignore_index=True) if lists
           else pd.DataFrame({c: pd.Series([], dtype=object) for c in WHITESPACE_COLUMNS}))
    for col in ("customer_id", "segment", "region", "product_group", "groups_bought", "related_bought"):
        out[col] = out[col].astype("string")
    summ = pd.DataFrame(summary, columns=["product_group", "buyers", "base_rate", "related_groups", "candidates",
                                          "avg_revenue", "opportunity", "mean_index"])
    summ = summ.sort_values(["opportunity", "product_group"], ascending=[False, True], kind="stable")
    best_index_all = np.full(len(all_ids), np.nan)
    found = at >= 0
    best_index_all[found] = np.where(np.isfinite(best_index), best_index, np.nan)[at[found]]
    best = pd.DataFrame({"customer_id": all_ids, "next_best_group": texts(_look_up(best_group, at), groups, "string"),
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
    "MixCodes",
    "WhiteSpace",
    "blueprint",
    "bought_matrix",
    "customer_products",
    "group_affinity",
    "group_summary",
    "missing_group_expr",
    "mix_by_segment",
    "mix_codes",
    "product_mix_expr",
    "products_and_white_space",
    "text_in",
    "tidy_mix",
    "white_space",
    "whitespace_file_name",
    "write_whitespace_lists",
]
