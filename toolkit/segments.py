"""Customer pyramid (Curry), ABC classes, Pareto curve and the method's key figures.

Pure functions on customer-level frames (the output of
:func:`toolkit.engine.customer_summary` merged by :func:`customer_table`): no I/O,
no plotting, inputs never mutated.

References
----------
Curry, J. & Curry, A. (2000). *The Customer Marketing Method: How to Implement and
Profit from Customer Relationship Management*. Free Press.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from toolkit.engine import Period
from toolkit.errors import DataError
from toolkit.params import DEFAULT_ABC_THRESHOLDS, DEFAULT_PYRAMID_SHARES, PERSONAL_FIELDS

#: Buying-customer layers, top first.
BUYING_LAYERS: tuple[str, ...] = ("top", "large", "medium_large", "medium_small", "small")
#: Every layer in report order.
LAYERS: tuple[str, ...] = (*BUYING_LAYERS, "inactive", "prospect")
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")

#: The first columns of ``customers.csv``, in order.
CUSTOMER_COLUMNS = ("customer_id", "pyramid_layer", "abc_class", "revenue", "margin", "orders",
                    "first_purchase", "last_purchase")


def _require(frame: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the frame "
                        f"(it has {', '.join(map(str, frame.columns))}).")


def is_in(values: pd.Series | pd.Index, members: object) -> np.ndarray:
    """Whether each of ``values`` is one of ``members`` (texts; missing values never are).

    The same as ``values.isin(members)`` on text, but pandas builds a Python object per
    member first (3.6 s for a product chapter at 350k customers); this stays in Arrow.

    Parameters
    ----------
    values : Series or Index of str
    members : Series, Index, list or set of str

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> is_in(pd.Series(["1", "2", None, "3"], dtype="string"), {"3", "1"}).tolist()
    [True, False, False, True]
    """
    import pyarrow.compute as pc

    found = pc.is_in(_arrow_text(values), value_set=pc.drop_null(_arrow_text(members)))
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def positions_in(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    """For each of ``values``, its position in ``keys`` (texts), or -1 when it is not there.

    ``keys`` should be distinct (the first match counts); a missing value matches nothing,
    a missing key is passed over. A hash lookup in Arrow: pandas' reindex on text labels
    took 0.4-1 s per column at 3.5M customers.

    Examples
    --------
    >>> positions_in(pd.Series(["b", "x", "a", None]), pd.Series(["a", None, "b"])).tolist()
    [2, -1, 0, -1]
    """
    # Plain numeric ids (the usual case) on int64: a third of the time of a hash on the texts.
    key_numbers = _whole_numbers(keys)
    value_numbers = _whole_numbers(values) if key_numbers is not None else None
    if value_numbers is not None:
        index = pd.Index(key_numbers)
        if index.is_unique:
            return index.get_indexer(value_numbers).astype(np.int64)
    return _text_positions(values, keys)


def unique_positions_in(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray | None:
    """:func:`positions_in`, or None when a key occurs more than once (a missing key counts as a key).

    One hash answers both questions: counting distinct texts first and then matching took
    twice as long at 3.5M customers.

    Examples
    --------
    >>> unique_positions_in(pd.Series(["b", "x"]), pd.Series(["a", "b"])).tolist()
    [1, -1]
    >>> unique_positions_in(pd.Series(["b"]), pd.Series(["7", "b", "7"])) is None
    True
    """
    import pyarrow.compute as pc

    key_numbers = _whole_numbers(keys)
    if key_numbers is not None:
        index = pd.Index(key_numbers)
        if not index.is_unique:
            return None
        value_numbers = _whole_numbers(values)
        if value_numbers is not None:
            return index.get_indexer(value_numbers).astype(np.int64)
    elif pc.count_distinct(_arrow_text(keys), mode="all").as_py() != len(keys):
        return None
    return _text_positions(values, keys)


def _text_positions(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    import pyarrow.compute as pc

    key_text = _arrow_text(keys)
    found = pc.fill_null(pc.index_in(_arrow_text(values), value_set=pc.drop_null(key_text)), -1)
    found = found.to_numpy().astype(np.int64, copy=False)
    if key_text.null_count:
        # Positions among the keys that are there, back to positions in ``keys`` itself.
        present = np.append(np.flatnonzero(pc.is_valid(key_text).to_numpy(zero_copy_only=False)), -1)
        found = present[found]  # -1 (not found) picks the -1 appended
    return found


def _whole_numbers(ids: pd.Series | pd.Index) -> np.ndarray | None:
    """Ids as int64 when every one is there and a plain number (:func:`plain_numbers`), else None."""
    if not len(ids) or pd.isna(ids).any():
        return None
    numbers, plain = plain_numbers(ids)
    return numbers if plain else None


def _arrow_text(x: object) -> object:
    """``x`` (Series, Index, list or set of str) as one Arrow string array."""
    import pyarrow as pa

    if isinstance(x, set | frozenset):
        x = list(x)
    arr = pa.array(pd.array(x, dtype="string[pyarrow]"))
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def plain_numbers(ids: pd.Series) -> tuple[np.ndarray, bool]:
    """Ids as int64 where they are plain numbers ("1", "205": no sign, no leading zero, at most 18 digits).

    Two such ids are equal as text exactly when they are equal as numbers, and numpy
    matches int64 many times faster than text.

    Returns
    -------
    numbers : ndarray of int64
        -1 for a missing id or one that is not a plain number.
    plain : bool
        Whether every id that is present is a plain number.

    Examples
    --------
    >>> numbers, plain = plain_numbers(pd.Series(["7", None, "012", "10"]))
    >>> numbers.tolist(), plain
    ([7, -1, -1, 10], False)
    """
    import pyarrow.compute as pc

    raw = _arrow_text(ids)
    arr = pc.fill_null(raw, "") if raw.null_count else raw  # "" is not plain: a missing id gets -1
    length = pc.binary_length(arr)
    plain = pc.and_(pc.and_(pc.ascii_is_decimal(arr), pc.less_equal(length, 18)),
                    pc.or_(pc.equal(length, 1), pc.invert(pc.starts_with(arr, "0"))))
    if pc.all(plain).as_py() is not False:  # None: no ids at all
        return pc.cast(arr, "int64").to_numpy(), True
    numbers = pc.cast(pc.if_else(plain, arr, "-1"), "int64").to_numpy()
    return numbers, pc.all(pc.or_(plain, pc.is_null(raw))).as_py() is not False


def distinct_pairs(first: np.ndarray, second: np.ndarray, n_first: int, n_second: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (first, second) code pairs, codes below ``n_first`` and ``n_second``, sorted.

    Examples
    --------
    >>> [a.tolist() for a in distinct_pairs(np.array([1, 0, 1]), np.array([2, 0, 2]), 2, 3)]
    [[0, 1], [0, 2]]
    """
    keys = first * max(n_second, 1) + second
    span = n_first * n_second
    if span <= 1 << 26:  # a bitmap of at most 64 MB: ten times faster than hashing the keys
        seen = np.zeros(span, dtype=bool)
        seen[keys] = True
        keys = np.flatnonzero(seen)
    else:
        keys = np.unique(keys)
    return keys // max(n_second, 1), keys % max(n_second, 1)


def id_order(ids: pd.Series) -> np.ndarray:
    """Position of each customer id in natural order: numeric when every id is digits, else text.

    Ids like ``"9"`` and ``"10"`` then sort as 9 < 10, as a client expects; ids equal
    as numbers (``"9"``, ``"009"``) stay distinct, ordered by their text. Computed with
    Arrow kernels, so millions of ids take well under a second.

    Returns
    -------
    ndarray of int64
        ``order[i]`` is the 0-based rank of ``ids.iloc[i]``.

    Examples
    --------
    >>> id_order(pd.Series(["10", "9", "009", "100"])).tolist()
    [2, 1, 0, 3]
    >>> id_order(pd.Series(["b", "A", "a"])).tolist()
    [2, 0, 1]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # Straight from the Arrow buffers (a round trip through Python strings took ~1 s for 3.5M ids).
    arr = pa.array(ids.astype("string"))
    if arr.type != pa.large_string() and arr.nbytes > (1 << 30):
        arr = arr.cast(pa.large_string())  # 32-bit offsets stop at 2 GB of text
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    n = len(arr)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    lengths = pc.binary_length(arr)
    longest = pc.max(lengths).as_py()
    if longest <= 30 and pc.all(pc.ascii_is_decimal(arr)).as_py():  # every id is digits (never empty)
        if longest <= 18 and not pc.any(pc.starts_with(arr, "0")).as_py():
            # No leading zeros (the usual case): distinct ids are distinct int64 numbers, one key.
            value = pc.cast(arr, pa.int64()).to_numpy()
            lo, hi = int(value.min()), int(value.max())
            if hi - lo < 2 * n:
                present = np.zeros(hi - lo + 1, dtype=np.int8)
                present[value - lo] = 1
                if int(present.sum()) == n:
                    # Numbered without big gaps, as customer numbers usually are, and no id twice:
                    # an id's rank is how many numbers below it are present, a counting pass, not
                    # a sort (3.5M ids: 0.2 s instead of 0.65 s for the two-key lexsort once used).
                    ranks = np.cumsum(present, dtype=np.int32 if n < 2**31 else np.int64)
                    return ranks[value - lo].astype(np.int64) - 1
            idx = np.argsort(value, kind="stable")
        else:
            stripped = pc.ascii_ltrim(arr, characters="0")
            digits = pc.binary_length(stripped)
            if pc.max(digits).as_py() <= 18:
                # Fits int64: sort by the number, equal numbers by text ('009' < '09' < '9', so longest
                # first, but '00' < '000'); numpy sorts integers ~4x faster than Arrow sorts strings.
                value = pc.cast(pc.if_else(pc.equal(digits, 0), "0", stripped), pa.int64()).to_numpy()
                length = lengths.to_numpy()
                idx = np.lexsort((np.where(value == 0, length, -length), value))
            else:
                # For digit strings, (length without leading zeros, that text) orders them as numbers.
                keys = pa.table({"n": digits, "s": stripped, "o": arr})
                idx = pc.sort_indices(keys, sort_keys=[("n", "ascending"), ("s", "ascending"),
                                                       ("o", "ascending")])
    else:
        idx = pc.sort_indices(arr)
    order = np.empty(n, dtype=np.int64)
    order[np.asarray(idx)] = np.arange(n, dtype=np.int64)
    return order


def _inverse_ranks(order: np.ndarray) -> np.ndarray:
    """Positions sorted by ``order`` (small non-negative integers): a bucket pass when they are distinct.

    ``order`` is usually (a subset of) :func:`id_order` ranks, which are distinct, so
    the sort is a counting pass (3.5M ids: 0.03 s instead of 0.3 s for ``argsort``).
    """
    n = len(order)
    if n == 0 or order.min() < 0:
        return np.argsort(order, kind="stable")
    present = np.zeros(int(order.max()) + 1, dtype=np.int64)
    present[order] = 1
    dense = np.cumsum(present) - 1
    if dense[-1] + 1 != n:  # repeated values: fall back to a stable sort
        return np.argsort(order, kind="stable")
    out = np.empty(n, dtype=np.int64)
    out[dense[order]] = np.arange(n, dtype=np.int64)
    return out


def _ranked_positions(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Row positions sorted by ``values`` descending, ties by id ``order`` ascending."""
    by_id = _inverse_ranks(order)
    # A stable sort of the values, applied to rows already in id order, keeps id order among ties.
    return by_id[np.argsort(-values[by_id], kind="stable")]


def _ranked_values(values: np.ndarray) -> np.ndarray:
    """``values`` in ranking order: descending, missing values last.

    Only the values, so ties need no id order: tied customers have equal values, so any
    order of them gives equal arrays and equal sums (sorting the customers by id as well
    took 0.2-0.45 s per call at 3.5M customers).

    Examples
    --------
    >>> _ranked_values(np.array([2.0, np.nan, 5.0, 2.0])).tolist()
    [5.0, 2.0, 2.0, nan]
    """
    return -np.sort(-values)


def layer_bounds(n: int, shares: Mapping[str, float] | None = None) -> dict[str, int]:
    """Last rank (1-based, inclusive) of each buying layer for ``n`` buying customers.

    The boundary of a layer is ``ceil(n * c)`` for its cumulative share ``c``,
    computed with exact fractions so 5 % of 100 is 5, never 6.

    Examples
    --------
    >>> layer_bounds(10)
    {'top': 1, 'large': 1, 'medium_large': 2, 'medium_small': 5, 'small': 10}
    """
    shares = shares or DEFAULT_PYRAMID_SHARES
    bounds, cum = {}, Fraction(0)
    for layer in BUYING_LAYERS:
        cum += Fraction(str(shares[layer]))
        bounds[layer] = n if cum >= 100 else math.ceil(n * cum / 100)
    return bounds


def pyramid_layers(customers: pd.DataFrame, *, basis: str = "revenue",
                   shares: Mapping[str, float] | None = None, id_col: str = "customer_id",
                   order: np.ndarray | None = None) -> pd.DataFrame:
    """Assign each customer a pyramid layer.

    Buying customers (positive net ``revenue`` in the period) are ranked by ``basis``
    descending, ties by customer id; the first ``ceil(N * 1 %)`` are ``top``, up to
    ``ceil(N * 5 %)`` ``large``, ``ceil(N * 20 %)`` ``medium_large``, ``ceil(N * 50 %)``
    ``medium_small``, the rest ``small`` (shares configurable). Customers with
    transactions but no positive net revenue in the period are ``inactive``;
    customers without any transaction (no ``first_purchase``) are ``prospect``.

    Parameters
    ----------
    customers : DataFrame
        Columns ``customer_id, revenue, first_purchase`` and the ``basis`` column.
    basis : {"revenue", "margin"}
    shares : mapping, optional
        Percent of buying customers per layer (default 1/4/15/30/50).
    order : ndarray, optional
        :func:`id_order` of the ids, when the caller already has it.

    Returns
    -------
    DataFrame
        Same row order as the input: ``customer_id``, ``pyramid_layer`` (categorical
        in :data:`LAYERS` order), ``basis_rank`` (1 = best buying customer; NA otherwise).

    Examples
    --------
    >>> import datetime as dt
    >>> c = pd.DataFrame({"customer_id": ["a", "b", "c"], "revenue": [5.0, 0.0, 9.0],
    ...                   "first_purchase": [dt.date(2025, 1, 1), dt.date(2020, 1, 1), dt.date(2025, 3, 1)]})
    >>> pyramid_layers(c)["pyramid_layer"].tolist()  # N = 2: bounds 1, 1, 1, 1, 2
    ['small', 'inactive', 'top']
    """
    _require(customers, [id_col, "revenue", "first_purchase", basis], "pyramid_layers")
    order = id_order(customers[id_col]) if order is None else order
    buying = (customers["revenue"].astype(float) > 0).to_numpy()
    rows = np.flatnonzero(buying)
    ranked = rows[_ranked_positions(customers[basis].astype(float).to_numpy()[rows], order[rows])]
    n = len(ranked)
    rank = np.zeros(len(customers), dtype=np.int64)
    rank[ranked] = np.arange(1, n + 1)
    codes = np.where(customers["first_purchase"].isna().to_numpy(), LAYERS.index("prospect"),
                     LAYERS.index("inactive"))
    lo = 0
    for i, (_name, hi) in enumerate(layer_bounds(n, shares).items()):
        codes[ranked[lo:hi]] = i
        lo = max(lo, hi)
    return pd.DataFrame({id_col: customers[id_col].array,
                         "pyramid_layer": pd.Categorical.from_codes(codes, categories=LAYERS, ordered=True),
                         "basis_rank": pd.arrays.IntegerArray(rank, mask=rank == 0)},
                        index=customers.index)


def abc_classes(customers: pd.DataFrame, *, value: str = "revenue",
                thresholds: Sequence[float] = DEFAULT_ABC_THRESHOLDS, id_col: str = "customer_id",
                order: np.ndarray | None = None, ranked: np.ndarray | None = None) -> pd.DataFrame:
    """ABC class per customer with a positive ``value``.

    Customers are sorted by ``value`` descending (ties by id); a customer is A while
    the cumulative share of the customers *before* it is below ``thresholds[0]`` %,
    B while below ``thresholds[1]`` %, else C. So the first customer is always A.

    Parameters
    ----------
    order : ndarray, optional
        :func:`id_order` of the ids, when the caller already has it.
    ranked : ndarray, optional
        Row positions of the customers with a positive ``value``, best first, when the
        caller already has them: with a revenue pyramid :func:`pyramid_layers` ranks the
        same customers the same way (:func:`rows_by_rank` of its ``basis_rank``), and the
        sort is the costly part at millions of customers.

    Returns
    -------
    DataFrame
        Same row order: ``customer_id``, ``abc_class`` (A/B/C, missing when value <= 0),
        ``cum_share_before`` (0-1, missing when value <= 0).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": list("abcd"), "revenue": [70.0, 20.0, 6.0, 4.0]})
    >>> abc_classes(c)["abc_class"].tolist()  # shares before: 0, .70, .90, .96
    ['A', 'A', 'B', 'C']
    """
    _require(customers, [id_col, value], "abc_classes")
    values = customers[value].astype(float).to_numpy()
    if ranked is None:
        order = id_order(customers[id_col]) if order is None else order
        rows = np.flatnonzero(values > 0)
        ranked = rows[_ranked_positions(values[rows], order[rows])]
    codes = np.full(len(customers), -1, dtype=np.int8)
    codes[ranked], before = ranked_abc_codes(values[ranked], thresholds)
    cum = np.full(len(customers), np.nan)
    cum[ranked] = before
    return pd.DataFrame({id_col: customers[id_col].array,
                         "abc_class": pd.Categorical.from_codes(codes, categories=ABC_CLASSES, ordered=True),
                         "cum_share_before": cum}, index=customers.index)


def ranked_abc_codes(values: np.ndarray, thresholds: Sequence[float] = DEFAULT_ABC_THRESHOLDS
                     ) -> tuple[np.ndarray, np.ndarray]:
    """ABC class codes (0 = A, 1 = B, 2 = C) of positive values already in ranking order.

    The rule of :func:`abc_classes`, for callers that have the ranked values only.

    Returns
    -------
    (ndarray of int8, ndarray of float)
        The class code and the share of the total before each value (0-1).

    Examples
    --------
    >>> codes, before = ranked_abc_codes(np.array([70.0, 20.0, 6.0, 4.0]))
    >>> codes.tolist(), before.round(2).tolist()
    ([0, 0, 1, 2], [0.0, 0.7, 0.9, 0.96])
    """
    a, b = (t / 100 for t in thresholds)
    total = values.sum()
    before = (np.cumsum(values) - values) / total if total > 0 else np.zeros(len(values))
    codes = np.where(before < a - 1e-12, 0, np.where(before < b - 1e-12, 1, 2)).astype(np.int8)
    return codes, before


def layers_and_classes(customers: pd.DataFrame, *, basis: str = "revenue",
                       shares: Mapping[str, float] | None = None,
                       abc_thresholds: Sequence[float] = DEFAULT_ABC_THRESHOLDS,
                       order: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`pyramid_layers` on ``basis`` and :func:`abc_classes` on revenue, sorting as little as possible.

    The ids are put in order once (the costly part for millions of text ids), and a revenue
    pyramid hands its ranking to the ABC classes, which rank the same customers the same way.

    Returns
    -------
    (DataFrame, DataFrame)
        As :func:`pyramid_layers` and :func:`abc_classes` return them.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": list("abcd"), "revenue": [70.0, 20.0, 6.0, 4.0],
    ...                   "first_purchase": [1.0] * 4})
    >>> layers, abc = layers_and_classes(c)
    >>> layers["basis_rank"].tolist(), abc["abc_class"].tolist()
    ([1, 2, 3, 4], ['A', 'A', 'B', 'C'])
    """
    order = id_order(customers["customer_id"]) if order is None else order
    layers = pyramid_layers(customers, basis=basis, shares=shares, order=order)
    ranked = rows_by_rank(layers["basis_rank"].fillna(0).to_numpy(dtype=np.int64)) if basis == "revenue" else None
    return layers, abc_classes(customers, thresholds=abc_thresholds, order=order, ranked=ranked)


def customer_table(summary: pd.DataFrame, master: pd.DataFrame | None = None, *, period: Period,
                   basis: str = "revenue", shares: Mapping[str, float] | None = None,
                   abc_thresholds: Sequence[float] = DEFAULT_ABC_THRESHOLDS) -> pd.DataFrame:
    """One row per customer (buying, inactive and prospect) with layer and ABC class.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`toolkit.engine.customer_summary`.
    master : DataFrame, optional
        Customer master with ``customer_id`` and optional ``postcode, created,
        channel, customer_type, city, birth_date, gender`` columns. Ids not in the
        summary become prospects. Personal fields (name, e-mail, phone, street) are
        never carried over.
    period : Period
    basis, shares, abc_thresholds
        As in :func:`pyramid_layers` and :func:`abc_classes`.

    Returns
    -------
    DataFrame
        Sorted by layer then basis rank then id: :data:`CUSTOMER_COLUMNS`, then
        ``basis_rank, tenure_years`` (years since the earliest of creation and first
        purchase), ``is_new`` (first purchase inside the period), ``revenue_previous,
        margin_previous, returns, lines, revenue_to_date, margin_to_date``, then the
        master's non-personal columns.

    Examples
    --------
    >>> import datetime as dt
    >>> from toolkit.engine import analysis_period
    >>> s = pd.DataFrame({"customer_id": ["1"], "revenue": [10.0], "margin": [2.0], "orders": [1],
    ...     "first_purchase": [dt.date(2025, 5, 1)], "last_purchase": [dt.date(2025, 5, 1)]})
    >>> m = pd.DataFrame({"customer_id": ["1", "2"]})
    >>> t = customer_table(s, m, period=analysis_period(dt.date(2025, 12, 31)))
    >>> t[["customer_id", "pyramid_layer"]].values.tolist()
    [['1', 'top'], ['2', 'prospect']]
    """
    _require(summary, ["customer_id", "revenue", "orders", "first_purchase", "last_purchase"], "customer_table")
    table = summary.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    if master is not None and len(master):
        _require(master, ["customer_id"], "customer_table (master)")
        keep = [c for c in master.columns if c not in PERSONAL_FIELDS and not str(c).startswith("_")]
        m = master[keep].drop_duplicates("customer_id")
        table = table.merge(m, on="customer_id", how="outer", sort=False)
    table["customer_id"] = table["customer_id"].astype("string")
    for col, fill in (("revenue", 0.0), ("orders", 0), ("lines", 0), ("returns", 0.0), ("revenue_previous", 0.0),
                      ("revenue_to_date", 0.0)):
        if col in table:
            table[col] = table[col].fillna(fill)
    # Counts stay integers (a customer only in the master would make them float: "24.00" lines).
    table["orders"] = table["orders"].astype("int64")
    if "lines" in table:
        table["lines"] = table["lines"].astype("int64")
    if "margin" not in table:
        table["margin"] = np.nan
    has_margin = table["margin"].notna().any()
    if has_margin:
        for col in ("margin", "margin_previous", "margin_to_date"):
            if col in table:
                table[col] = table[col].fillna(0.0)
    if basis == "margin" and not has_margin:
        raise DataError("customer_table: pyramid basis 'margin' needs margin values; map a margin column "
                        "or use basis 'revenue'.")
    table = table.reset_index(drop=True)
    order = id_order(table["customer_id"])  # once: also orders the table below
    layers, abc = layers_and_classes(table, basis=basis, shares=shares, abc_thresholds=abc_thresholds, order=order)
    table["pyramid_layer"] = layers["pyramid_layer"]
    table["basis_rank"] = layers["basis_rank"]
    table["abc_class"] = abc["abc_class"]
    for col in ("first_purchase", "last_purchase"):
        table[col] = pd.to_datetime(table[col])
    ref = pd.Timestamp(period.end)
    start = table["first_purchase"]
    if "created" in table:
        created = pd.to_datetime(table["created"])
        # The relationship starts at the earliest of creation and first purchase; a creation date
        # after the reference date is not known yet at that date.
        start = pd.concat([start, created.where(created <= ref)], axis=1).min(axis=1)
    table["tenure_years"] = ((ref - start).dt.days / 365.25).round(2)
    table["is_new"] = (table["first_purchase"] > pd.Timestamp(period.start)).fillna(False).astype(bool)
    table = table.iloc[_table_order(table["pyramid_layer"].cat.codes.to_numpy(),
                                    table["basis_rank"].fillna(0).to_numpy(dtype=np.int64), order)]
    table = table.reset_index(drop=True)
    extra = [c for c in ("basis_rank", "tenure_years", "is_new", "revenue_previous", "margin_previous", "returns",
                         "lines", "revenue_to_date", "margin_to_date") if c in table]
    rest = [c for c in table.columns if c not in CUSTOMER_COLUMNS and c not in extra]
    return table[[*CUSTOMER_COLUMNS, *extra, *rest]]


def rows_by_rank(rank: np.ndarray) -> np.ndarray:
    """Row positions of the ranked customers, best first, from ranks 1..n (0 for the unranked).

    Examples
    --------
    >>> rows_by_rank(np.array([2, 0, 1, 3])).tolist()
    [2, 0, 3]
    """
    ranked = np.flatnonzero(rank > 0)
    out = np.empty(len(ranked), dtype=np.int64)
    out[rank[ranked] - 1] = ranked
    return out


def _table_order(codes: np.ndarray, rank: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Row positions by layer, then basis rank, then id; ``rank`` is 1..n for buyers and 0 otherwise.

    Buying layers follow the rank, so buyers are placed by rank directly and the other
    layers by id: bucket passes, not a three-key sort of millions of rows.
    """
    parts = [rows_by_rank(rank)]
    for code in (LAYERS.index("inactive"), LAYERS.index("prospect")):
        rows = np.flatnonzero((codes == code) & (rank == 0))
        parts.append(rows[_inverse_ranks(order[rows])])
    return np.concatenate(parts)


def relayer(customers: pd.DataFrame, *, basis: str, shares: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The customer table with layers and ``basis_rank`` reassigned on another basis, re-sorted.

    Used for ``pyramid_basis: profit``, whose ``profit`` column exists only after the
    profitability analysis has run. Buying customers stay those with positive revenue.

    Raises
    ------
    DataError
        When the basis column is missing.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2"], "revenue": [10.0, 5.0], "profit": [-1.0, 3.0],
    ...                   "first_purchase": pd.to_datetime(["2025-01-01", "2025-02-01"]),
    ...                   "pyramid_layer": ["top", "small"], "basis_rank": [1, 2]})
    >>> relayer(c, basis="profit")[["customer_id", "pyramid_layer"]].values.tolist()
    [['2', 'top'], ['1', 'small']]
    """
    _require(customers, ["customer_id", "revenue", "first_purchase", basis], "relayer")
    order = id_order(customers["customer_id"])
    layers = pyramid_layers(customers, basis=basis, shares=shares, order=order)
    out = customers.assign(pyramid_layer=layers["pyramid_layer"], basis_rank=layers["basis_rank"])
    rank = out["basis_rank"].fillna(np.iinfo(np.int64).max).to_numpy(dtype=np.int64)
    return out.iloc[np.lexsort((order, rank, out["pyramid_layer"].cat.codes.to_numpy()))].reset_index(drop=True)


def pyramid_summary(customers: pd.DataFrame, *, layer_col: str = "pyramid_layer") -> pd.DataFrame:
    """Per-layer totals: the layer table of the customer pyramid.

    Returns
    -------
    DataFrame
        One row per layer in :data:`LAYERS` order (empty layers included):
        ``layer``, ``customers``, ``customer_share`` (share of buying customers, 0-1;
        NaN for inactive and prospects), ``revenue`` (euro), ``revenue_share`` (of the
        period's total net revenue, 0-1; shares over all rows sum to 1), ``margin``,
        ``margin_share`` (of total margin; NaN when there is no margin or it is not
        positive), ``revenue_per_customer`` (euro; NaN for an empty layer).

    Examples
    --------
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small", "small"], "revenue": [80.0, 15.0, 5.0],
    ...                   "margin": [20.0, 4.0, 1.0]})
    >>> t = pyramid_summary(c).set_index("layer")
    >>> int(t.loc["small", "customers"]), float(t.loc["small", "revenue_share"])
    (2, 0.2)
    """
    _require(customers, [layer_col, "revenue"], "pyramid_summary")
    margin = customers["margin"] if "margin" in customers else pd.Series(np.nan, index=customers.index)
    frame = pd.DataFrame({"layer": pd.Categorical(customers[layer_col], categories=LAYERS, ordered=True),
                          "revenue": customers["revenue"].astype(float), "margin": margin.astype(float)})
    g = frame.groupby("layer", observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(),
                        "margin": g["margin"].sum(min_count=1)}).reindex(list(LAYERS))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    buying = out.loc[list(BUYING_LAYERS), "customers"].sum()
    out["customer_share"] = np.where(out.index.isin(BUYING_LAYERS), out["customers"] / buying if buying else np.nan,
                                     np.nan)
    total_rev = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total_rev if total_rev else np.nan
    total_margin = out["margin"].sum(min_count=1)
    out["margin_share"] = out["margin"] / total_margin if pd.notna(total_margin) and total_margin > 0 else np.nan
    out["revenue_per_customer"] = out["revenue"] / out["customers"].replace(0, np.nan)
    out = out.rename_axis("layer").reset_index()
    out["layer"] = pd.Categorical(out["layer"], categories=LAYERS, ordered=True)
    return out[["layer", "customers", "customer_share", "revenue", "revenue_share", "margin", "margin_share",
                "revenue_per_customer"]]


def abc_summary(customers: pd.DataFrame, *, class_col: str = "abc_class") -> pd.DataFrame:
    """Per ABC class: customers and revenue with their shares.

    Returns
    -------
    DataFrame
        Rows A, B, C: ``abc_class, customers, customer_share, revenue, revenue_share``
        (shares of customers with a class, 0-1).
    """
    _require(customers, [class_col, "revenue"], "abc_summary")
    # Only the two columns it reads: selecting rows of the whole customer table copies every column.
    classed = customers.loc[customers[class_col].notna(), [class_col, "revenue"]]
    g = classed.groupby(pd.Categorical(classed[class_col], categories=ABC_CLASSES), observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum()}).reindex(list(ABC_CLASSES))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else np.nan
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    return out.rename_axis("abc_class").reset_index()[
        ["abc_class", "customers", "customer_share", "revenue", "revenue_share"]]


def pareto_curve(customers: pd.DataFrame, *, value: str = "revenue", id_col: str | None = None,
                 max_points: int | None = 2000) -> pd.DataFrame:
    """Cumulative share of ``value`` against the cumulative share of customers (best first).

    Only customers with a positive ``value`` count. The curve starts at (0, 0).

    Parameters
    ----------
    id_col : str, optional
        Not needed: customers with equal values give the same curve in any order, so ids
        are not sorted. Kept for callers that name it; when given, the column must exist.
    max_points : int or None, default 2000
        Thin the curve to about this many evenly spaced points (the exact 20 %
        point and the end stay); None keeps every customer.

    Returns
    -------
    DataFrame
        ``customer_share`` and ``value_share`` (both 0-1, non-decreasing, ending at 1).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": list("abcd"), "revenue": [70.0, 20.0, 6.0, 4.0]})
    >>> pareto_curve(c)["value_share"].round(2).tolist()
    [0.0, 0.7, 0.9, 0.96, 1.0]
    """
    _require(customers, [value] if id_col is None else [id_col, value], "pareto_curve")
    all_vals = customers[value].astype(float).to_numpy()
    positive = all_vals > 0
    vals = _ranked_values(all_vals[positive])
    n = len(vals)
    if n == 0:
        return pd.DataFrame({"customer_share": [0.0], "value_share": [0.0]})
    cum = np.concatenate([[0.0], np.cumsum(vals) / vals.sum()])
    x = np.arange(n + 1) / n
    if max_points and n + 1 > max_points:
        idx = np.unique(np.concatenate([np.linspace(0, n, max_points).round().astype(int),
                                        [math.ceil(0.2 * n), n]]))
        x, cum = x[idx], cum[idx]
    return pd.DataFrame({"customer_share": x, "value_share": cum})


def key_figures(customers: pd.DataFrame) -> pd.DataFrame:
    """The key figures of the customer-pyramid method, as a tidy frame.

    Figures (``key``):

    - ``buying_customers``, ``inactive_customers``, ``prospects`` (counts);
    - ``revenue``, ``margin`` (period totals, euro; margin NaN when not mapped);
    - ``top20_customers`` (= ceil(20 % of buying customers)), ``top20_revenue_share``
      (their share of revenue, ranked by revenue), ``top20_margin_share`` (the top
      20 % by margin, share of total margin; above 1 when other customers lose money);
    - ``new_customers``, ``revenue_new``, ``revenue_existing``, ``revenue_new_share``
      (buying customers whose first purchase lies in the period vs before it);
    - ``previous_buying_customers``, ``lost_customers`` (bought in the previous period,
      not in this one), ``revenue_lost`` (their previous-period revenue),
      ``retention_rate`` (share of previous buyers still buying);
    - ``revenue_per_customer`` (average over buying customers).

    Returns
    -------
    DataFrame
        ``key`` and ``value`` (float).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b"], "revenue": [90.0, 10.0],
    ...     "revenue_previous": [50.0, 0.0], "is_new": [False, True],
    ...     "pyramid_layer": ["top", "small"], "margin": [9.0, 1.0]})
    >>> key_figures(c).set_index("key").loc["top20_revenue_share", "value"]
    np.float64(0.9)
    """
    _require(customers, ["customer_id", "revenue", "revenue_previous", "is_new", "pyramid_layer"], "key_figures")
    rev = customers["revenue"].astype(float)
    buying = rev > 0
    nb = int(buying.sum())
    k = math.ceil(0.2 * nb)
    buy = buying.to_numpy()
    by_rev = _ranked_values(rev.to_numpy()[buy])
    total_rev = rev.sum()
    has_margin = "margin" in customers and customers["margin"].notna().any()
    margin = customers["margin"].astype(float) if has_margin else None
    figures: dict[str, float] = {
        "buying_customers": nb,
        "inactive_customers": int((customers["pyramid_layer"] == "inactive").sum()),
        "prospects": int((customers["pyramid_layer"] == "prospect").sum()),
        "revenue": total_rev,
        "margin": margin.sum() if has_margin else np.nan,
        "top20_customers": k,
        "top20_revenue_share": by_rev[:k].sum() / total_rev if total_rev else np.nan,
    }
    if has_margin and margin.sum() > 0:
        by_margin = _ranked_values(margin.to_numpy()[buy])
        figures["top20_margin_share"] = by_margin[:k].sum() / margin.sum()
    else:
        figures["top20_margin_share"] = np.nan
    new = buying & customers["is_new"].astype(bool)
    figures["new_customers"] = int(new.sum())
    figures["revenue_new"] = rev[new].sum()
    figures["revenue_existing"] = rev[buying & ~new].sum()
    figures["revenue_new_share"] = figures["revenue_new"] / total_rev if total_rev else np.nan
    prev_buying = customers["revenue_previous"].astype(float) > 0
    lost = prev_buying & ~buying
    figures["previous_buying_customers"] = int(prev_buying.sum())
    figures["lost_customers"] = int(lost.sum())
    figures["revenue_lost"] = customers.loc[lost, "revenue_previous"].astype(float).sum()
    figures["retention_rate"] = (prev_buying & buying).sum() / prev_buying.sum() if prev_buying.any() else np.nan
    figures["revenue_per_customer"] = rev[buying].sum() / nb if nb else np.nan
    return pd.DataFrame({"key": list(figures), "value": [float(v) for v in figures.values()]})
