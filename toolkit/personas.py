"""Who the customers are, per segment: sizes, money, behaviour and traits, each with an index.

Pure functions on the customer table (no plotting). The one step over transaction
lines, :func:`channel_revenue_expr` (revenue bought online and offline per customer),
is an Ibis expression; :mod:`toolkit.analyses.personas` runs it once per run.

An *index* compares a segment with the whole base: 100 is "as in the base", 142
means 1.42 times as common (for a trait) or as high (for a number). A trait is
*distinctive* for a segment when its index is at least 120 (``distinctive_index``)
and at least 10 % of the segment has it (``min_share``), so a rare trait with a big
index does not crowd out what really characterises the segment.

Example
-------
>>> c = pd.DataFrame({"segment": ["a", "a", "b", "b"], "gender": ["V", "V", "M", "V"]})
>>> t = segment_traits(c, segment="segment", dimensions=["gender"], min_known=1)
>>> t[(t["segment"] == "a")][["value", "share", "index"]].values.tolist()
[['female', 1.0, 133.33333333333331]]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.errors import DataError
from toolkit.segments import LAYERS, distinct_pairs, positions_in

if TYPE_CHECKING:
    import ibis

    from toolkit.engine import Period

#: Trait dimensions :func:`segment_traits` knows, in report order.
DIMENSIONS = ("age_band", "gender", "customer_type", "channel", "region", "buying_channel", "product_group")

#: Gender codes as written in Dutch and English exports, to a neutral key.
GENDER_CODES = {"m": "male", "man": "male", "male": "male", "mr": "male", "dhr": "male", "heer": "male",
                "v": "female", "f": "female", "vrouw": "female", "female": "female", "w": "female", "mevr": "female",
                "mrs": "female", "ms": "female", "x": "other", "o": "other", "anders": "other", "other": "other",
                "divers": "other", "non-binary": "other"}

#: Oldest plausible age; older (or negative) ages from a birth date are treated as unknown.
MAX_AGE = 110

#: Metrics of :func:`segment_metrics` that get an index against the base.
INDEXED_METRICS = ("revenue_per_buyer", "aov", "orders_per_year", "tenure_years", "online_share", "age_mean")


def _require(frame: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the frame "
                        f"(it has {', '.join(map(str, frame.columns))}).")


# ---------------------------------------------------------------------------------------------
# Customer-level columns


def ages(birth_dates: pd.Series, *, reference_date: dt.date) -> pd.Series:
    """Age in whole years at the reference date; NaN when unknown or implausible (below 0 or above 110).

    Examples
    --------
    >>> ages(pd.Series(pd.to_datetime(["1980-06-15", "1980-12-31", "1890-01-01", None])),
    ...      reference_date=dt.date(2025, 12, 30)).tolist()
    [45.0, 44.0, nan, nan]
    """
    born = pd.to_datetime(birth_dates, errors="coerce")
    ref = pd.Timestamp(reference_date)
    years = ref.year - born.dt.year - ((born.dt.month > ref.month) | ((born.dt.month == ref.month)
                                                                       & (born.dt.day > ref.day))).astype(int)
    years = years.astype(float)
    return years.where((years >= 0) & (years <= MAX_AGE))


def implausible_birth_dates(birth_dates: pd.Series, *, reference_date: dt.date) -> int:
    """Birth dates that give an age below 0 or above :data:`MAX_AGE` at the reference date.

    Examples
    --------
    >>> implausible_birth_dates(pd.Series(pd.to_datetime(["1890-01-01", "2030-01-01", "1980-01-01", None])),
    ...                         reference_date=dt.date(2025, 12, 31))
    2
    """
    born = pd.to_datetime(birth_dates, errors="coerce")
    return int((born.notna() & ages(born, reference_date=reference_date).isna()).sum())


def age_band_labels(bounds: Sequence[int]) -> list[str]:
    """Labels of the age bands for lower bounds ``bounds``: ``<25``, ``25-34``, …, ``65+`` (plain ASCII for CSV).

    Examples
    --------
    >>> age_band_labels([25, 35, 65])
    ['<25', '25-34', '35-64', '65+']
    """
    if not bounds:
        return ["all"]
    middle = [f"{bounds[i]}-{bounds[i + 1] - 1}" for i in range(len(bounds) - 1)]
    return [f"<{bounds[0]}", *middle, f"{bounds[-1]}+"]


def age_bands(birth_dates: pd.Series, *, reference_date: dt.date,
              bounds: Sequence[int] = (25, 35, 45, 55, 65)) -> pd.Series:
    """Age band at the reference date as an ordered categorical (missing when the age is unknown).

    Parameters
    ----------
    birth_dates : Series
        Dates (or text pandas can parse).
    reference_date : date
    bounds : sequence of int, default (25, 35, 45, 55, 65)
        Lower bounds of the bands after the first.

    Returns
    -------
    Series
        Categorical with the categories of :func:`age_band_labels`, same index.

    Examples
    --------
    >>> age_bands(pd.Series(pd.to_datetime(["2001-01-01", "1960-01-01", None])),
    ...           reference_date=dt.date(2025, 12, 31)).tolist()
    ['<25', '65+', nan]
    """
    labels = age_band_labels(bounds)
    age = ages(birth_dates, reference_date=reference_date)
    idx = np.searchsorted(np.asarray(bounds, dtype=float), age.to_numpy(), side="right")
    codes = np.where(age.notna().to_numpy(), idx, -1)
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels, ordered=True), index=birth_dates.index)


def gender_keys(values: pd.Series) -> pd.Series:
    """Gender codes as ``male``, ``female`` or ``other`` (:data:`GENDER_CODES`); unknown codes kept as written.

    Examples
    --------
    >>> gender_keys(pd.Series(["M", "v", "Vrouw", "X", None, "?"])).tolist()
    ['male', 'female', 'female', 'other', <NA>, '?']
    """
    text = values.astype("string").str.strip()
    key = text.str.lower().str.rstrip(".").map(GENDER_CODES)
    return key.fillna(text).replace("", pd.NA).astype("string")


def channel_revenue_expr(lines: ibis.Table, period: Period, *, online_channels: Sequence[str]) -> ibis.Table:
    """Ibis expression: revenue of positive lines in the period bought online and offline, per customer.

    A line is online when its ``sales_channel`` (trimmed, lower case) is one of
    ``online_channels``; every other line, also one without a channel, is offline.
    Returns are left out, so the shares describe where customers buy.

    Returns
    -------
    ibis.Table
        ``customer_id``, ``revenue_online``, ``revenue_offline`` (euro).
    """
    import ibis

    t = lines.filter(lines.date > ibis.date(period.start), lines.date <= ibis.date(period.end), lines.amount > 0)
    online = t.sales_channel.strip().lower().isin([c.strip().lower() for c in online_channels]).fill_null(False)
    return t.group_by("customer_id").aggregate(
        revenue_online=t.amount.sum(where=online).cast("float64").fill_null(0),
        revenue_offline=t.amount.sum(where=~online).cast("float64").fill_null(0))


def online_shares(channels: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Per customer the share of its (gross) period revenue bought online, 0-1; NaN without purchases.

    Examples
    --------
    >>> ch = pd.DataFrame({"customer_id": ["1", "2"], "revenue_online": [30.0, 0.0], "revenue_offline": [10.0, 5.0]})
    >>> online_shares(ch, pd.DataFrame({"customer_id": ["2", "1", "3"]}))["online_share"].tolist()
    [0.0, 0.75, nan]
    """
    _require(channels, ["customer_id", "revenue_online", "revenue_offline"], "online_shares")
    by_id = channels.set_index(channels["customer_id"].astype("string"))
    total = by_id["revenue_online"] + by_id["revenue_offline"]
    share = (by_id["revenue_online"] / total.where(total > 0)).astype(float)
    ids = customers["customer_id"].astype("string").reset_index(drop=True)
    return pd.DataFrame({"customer_id": ids, "online_share": ids.map(share).astype(float)})


def buying_channel(online_share: pd.Series) -> pd.Series:
    """``online`` (only online), ``offline`` (only offline) or ``both``, from the online share.

    Examples
    --------
    >>> buying_channel(pd.Series([1.0, 0.0, 0.4, np.nan])).tolist()
    ['online', 'offline', 'both', <NA>]
    """
    s = online_share.astype(float)
    out = np.where(s >= 1, "online", np.where(s <= 0, "offline", "both"))
    return pd.Series(out, index=s.index, dtype="string").where(s.notna())


# ---------------------------------------------------------------------------------------------
# Segment profiles


def segment_order(values: pd.Series) -> list[str]:
    """Segment values in report order: pyramid layers top first, other values largest first (then by name).

    Examples
    --------
    >>> segment_order(pd.Series(["small", "top", "small"])), segment_order(pd.Series(["b", "a", "b"]))
    (['top', 'small'], ['b', 'a'])
    """
    present = values.dropna().astype(str)
    counts = present.value_counts()
    return _ordered(counts.index.tolist(), counts.to_numpy())


def _ordered(names: Sequence[str], counts: np.ndarray) -> list[str]:
    """:func:`segment_order` of distinct segment ``names`` with ``counts`` customers each (all > 0)."""
    distinct = set(names)
    if distinct and distinct <= set(LAYERS):
        return [s for s in LAYERS if s in distinct]
    n = dict(zip(names, counts.tolist(), strict=True))
    return sorted(names, key=lambda v: (-n[v], v))


def _text_codes(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``values`` as text (``astype("string")``) in codes: one int per row (-1 = missing) and the distinct texts.

    The texts are sorted; every text occurs (unused categories are dropped), each once. Only the distinct
    values are converted to text: converting millions of rows took seconds per column.

    Examples
    --------
    >>> codes, texts = _text_codes(pd.Series(["b", None, "a", "b"], dtype="category"))
    >>> codes.tolist(), texts.tolist()
    ([1, -1, 0, 1], ['a', 'b'])
    >>> codes, texts = _text_codes(pd.Series(["x", " x", None, 2]))
    >>> codes.tolist(), texts.tolist()
    ([2, 0, -1, 1], [' x', '2', 'x'])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        texts = pd.Series(values.cat.categories).astype("string")
    elif isinstance(values.dtype, pd.StringDtype) or (
            values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")):
        codes, uniques = pd.factorize(values)
        texts = pd.Series(uniques).astype("string")
    else:
        # Numbers, dates, mixed objects: their text as pandas writes it (1 and 1.0 differ).
        codes, uniques = pd.factorize(values.astype("string"))
        texts = pd.Series(uniques, dtype="string")
    return _recode(codes.astype(np.int64, copy=False), texts)


def _recode(codes: np.ndarray, texts: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes into ``texts`` as codes into its distinct, used, non-missing texts in sorted order (-1 = missing).

    ``texts`` may hold missing and repeated texts (say after trimming): those rows then
    become missing, or share a code. Codes in sorted order are a pandas group-by's group
    numbers, so a group-by on them takes the same path (and gives the same float sums).
    """
    new, uniques = pd.factorize(texts.astype("string"), sort=True)
    new = new.astype(np.int64)
    used = np.bincount(codes[codes >= 0], minlength=len(texts)) > 0
    keep = np.zeros(len(uniques), dtype=bool)
    keep[new[used & (new >= 0)]] = True
    # Index -1 picks the last element, so missing stays missing through both lookups.
    renumber = np.append(np.where(keep, np.cumsum(keep) - 1, -1), -1)
    mapping = renumber[new]
    if np.array_equal(mapping, np.arange(len(texts))):
        return codes, texts.reset_index(drop=True)  # the common case: nothing to renumber
    return np.append(mapping, -1)[codes], pd.Series(uniques[keep], dtype="string")


def segment_metrics(customers: pd.DataFrame, *, segment: str, period_months: int = 12,
                    channels: pd.DataFrame | None = None, reference_date: dt.date | None = None,
                    min_known: int = 20) -> pd.DataFrame:
    """Size, money and behaviour per segment, with an index against the whole base.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``revenue`` (period, euro), ``orders`` and the ``segment``
        column; optional ``margin``, ``tenure_years``, ``birth_date``.
    segment : str
    period_months : int, default 12
        Length of the period (for orders per year).
    channels : DataFrame, optional
        :func:`channel_revenue_expr` output, for the online share.
    reference_date : date, optional
        For the mean age (needs ``birth_date``).
    min_known : int, default 20
        Fewer customers with a known value make ``tenure_years``, ``online_share`` and
        ``age_mean`` missing: an average of a handful says nothing about a segment.

    Returns
    -------
    DataFrame
        One row per segment (:func:`segment_order`) and a last row for the whole base
        (``segment`` <NA>, ``total`` True): ``customers``, ``customer_share`` (0-1),
        ``buyers`` (revenue > 0), ``revenue``, ``revenue_share``, ``margin``,
        ``margin_share`` (NaN without margin), ``revenue_per_buyer`` (euro), ``aov``
        (average order value, euro), ``orders_per_year`` (per buyer), ``tenure_years``
        (mean), ``online_share`` (share of the buyers' gross revenue bought online, 0-1),
        ``age_mean`` (years), and ``<metric>_index`` for each of
        :data:`INDEXED_METRICS` (100 = the base).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3"], "pyramid_layer": ["top", "small", "small"],
    ...                   "revenue": [300.0, 60.0, 40.0], "orders": [3, 2, 2]})
    >>> m = segment_metrics(c, segment="pyramid_layer", min_known=1)
    >>> m[["segment", "revenue_share", "aov", "aov_index"]].values.tolist()
    [['top', 0.75, 100.0, 175.0], ['small', 0.25, 25.0, 43.75], [<NA>, 1.0, 57.142857142857146, 100.0]]
    """
    _require(customers, ["customer_id", "revenue", "orders", segment], "segment_metrics")
    years = period_months / 12
    c = customers
    rev = c["revenue"].astype(float).fillna(0.0)
    buyer = rev > 0
    # Integer codes for the segment: grouping 3.5M texts took seconds, and the sums come out the same.
    seg_codes, seg_names = _text_codes(c[segment])
    frame = pd.DataFrame({
        "segment": seg_codes, "customers": 1, "buyers": buyer.astype(int), "revenue": rev,
        "margin": c["margin"].astype(float) if "margin" in c else np.nan,
        "orders": np.where(buyer, c["orders"].astype(float), 0.0),
        "tenure_sum": c["tenure_years"].astype(float).fillna(0.0) if "tenure_years" in c else 0.0,
        "tenure_n": c["tenure_years"].notna().astype(int) if "tenure_years" in c else 0,
        "online": 0.0, "gross": 0.0, "online_n": 0, "age_sum": 0.0, "age_n": 0})
    if channels is not None:
        ch = channels.set_index(channels["customer_id"].astype("string"))
        ids = c["customer_id"].astype("string")
        # Buyers only: an inactive customer's purchases in the period were all returned.
        online = ids.map(ch["revenue_online"]).fillna(0.0).to_numpy(dtype=float)
        offline = ids.map(ch["revenue_offline"]).fillna(0.0).to_numpy(dtype=float)
        frame["online"] = np.where(buyer, online, 0.0)
        frame["gross"] = np.where(buyer, online + offline, 0.0)
        frame["online_n"] = (buyer & (online + offline > 0)).astype(int).to_numpy()
    if "birth_date" in c and reference_date is not None:
        age = ages(c["birth_date"], reference_date=reference_date)
        frame["age_sum"] = age.fillna(0.0).to_numpy()
        frame["age_n"] = age.notna().astype(int).to_numpy()
    order = _ordered(seg_names.tolist(), np.bincount(seg_codes[seg_codes >= 0], minlength=len(seg_names)))
    sums = frame[seg_codes >= 0].groupby("segment").sum(min_count=1)
    sums.index = pd.Index(seg_names.to_numpy(dtype=object)[sums.index.to_numpy()], dtype="string", name="segment")
    sums = sums.reindex(order)
    total = frame.drop(columns=["segment"]).sum(min_count=1).to_frame().T
    out = pd.concat([sums.reset_index(), total.assign(segment=pd.NA)], ignore_index=True)
    out["total"] = [False] * len(order) + [True]
    has_margin = "margin" in c and c["margin"].notna().any()
    n_all, rev_all = out["customers"].iloc[-1], out["revenue"].iloc[-1]
    out["customer_share"] = out["customers"] / n_all if n_all else np.nan
    out["revenue_share"] = out["revenue"] / rev_all if rev_all else np.nan
    margin_all = out["margin"].iloc[-1]
    out["margin_share"] = out["margin"] / margin_all if has_margin and margin_all > 0 else np.nan
    if not has_margin:
        out["margin"] = np.nan
    out["revenue_per_buyer"] = out["revenue"] / out["buyers"].where(out["buyers"] > 0)
    out["aov"] = out["revenue"] / out["orders"].where(out["orders"] > 0)
    out["orders_per_year"] = out["orders"] / out["buyers"].where(out["buyers"] > 0) / years
    out["tenure_years"] = out["tenure_sum"] / out["tenure_n"].where(out["tenure_n"] >= max(min_known, 1))
    out["online_share"] = out["online"] / out["gross"].where((out["gross"] > 0) & (out["online_n"] >= min_known))
    out["age_mean"] = out["age_sum"] / out["age_n"].where(out["age_n"] >= max(min_known, 1))
    for m in INDEXED_METRICS:
        base = out[m].iloc[-1]
        out[f"{m}_index"] = out[m] / base * 100 if pd.notna(base) and base != 0 else np.nan
    out["segment"] = out["segment"].astype("string")
    for col in ("customers", "buyers"):
        out[col] = out[col].astype("int64")
    cols = ["segment", "total", "customers", "customer_share", "buyers", "revenue", "revenue_share", "margin",
            "margin_share", *INDEXED_METRICS, *(f"{m}_index" for m in INDEXED_METRICS)]
    return out[cols]


def _dimension_codes(customers: pd.DataFrame, dimension: str) -> tuple[np.ndarray, pd.Series] | None:
    """A customer's value for a (single-valued) trait dimension in codes (:func:`_text_codes`; -1 = unknown).

    None when the data does not have the dimension. Texts are trimmed and an empty text
    is unknown; gender goes through :func:`gender_keys`, the buying channel through
    :func:`buying_channel` (both on the distinct values only).
    """
    if dimension == "gender" and "gender" in customers:
        codes, texts = _text_codes(customers["gender"])
        return _recode(codes, gender_keys(texts))
    if dimension == "buying_channel" and "online_share" in customers:
        s = customers["online_share"].astype(float).to_numpy()
        codes = np.where(np.isnan(s), -1, np.where(s >= 1, 2, np.where(s <= 0, 1, 0)))
        return codes.astype(np.int64), pd.Series(["both", "offline", "online"], dtype="string")
    if dimension in customers and dimension not in ("gender", "buying_channel"):
        if not customers[dimension].notna().any():
            return None  # an empty column (no mapping) in a fraction of the time
        codes, texts = _text_codes(customers[dimension])
        codes, texts = _recode(codes, texts.str.strip().replace("", pd.NA))
        return (codes, texts) if (codes >= 0).any() else None
    return None


def _pair_counts(seg: np.ndarray, value: np.ndarray, n_seg: int, n_value: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers per (segment, value) code pair that occurs: segment codes, value codes, counts."""
    if n_seg * n_value <= max(4 * len(seg), 1 << 16):
        grid = np.bincount(seg * n_value + value, minlength=n_seg * n_value)
        keys = np.flatnonzero(grid)
        counts = grid[keys]
    else:  # many distinct values: sort the keys instead of a mostly empty grid
        keys, counts = np.unique(seg * n_value + value, return_counts=True)
    return keys // n_value, keys % n_value, counts.astype(np.int64)


def _trait_rows(seg: np.ndarray, value: np.ndarray, names: pd.Series, texts: pd.Series, *, known: np.ndarray,
                base_known: int, typed: tuple[bool, bool], min_known: int, dimension: str) -> pd.DataFrame:
    """The rows of one dimension of :func:`segment_traits` from the known (segment, value) codes.

    ``seg`` and ``value`` hold one entry per customer (per buyer and group for product
    groups) with both known; ``known`` counts per segment code; ``typed`` says whether
    any segment and any value was there at all (else the columns are ``object``, as a
    pandas group-by on an all-missing column gives them).
    """
    # Codes are in sorted order, so the pairs come out as a group-by on (segment, value) orders them.
    s, v, n = _pair_counts(seg, value, len(names), len(texts))
    base = np.bincount(value, minlength=len(texts))
    s_names, v_texts = names.to_numpy(dtype=object), texts.to_numpy(dtype=object)
    counts = pd.DataFrame({"segment": pd.Series(s_names[s], dtype="str" if typed[0] else object),
                           "value": pd.Series(v_texts[v], dtype="str" if typed[1] else object),
                           "customers": n, "known": known[s].astype(np.int64),
                           "_base": base[v] / base_known})
    counts = counts[counts["known"] >= min_known]
    counts["share"] = counts["customers"] / counts["known"]
    counts["base_share"] = counts.pop("_base").astype(float)
    counts["index"] = counts["share"] / counts["base_share"] * 100
    counts["dimension"] = dimension
    return counts


def segment_traits(customers: pd.DataFrame, *, segment: str, dimensions: Sequence[str] = DIMENSIONS,
                   mix: pd.DataFrame | None = None, min_known: int = 20) -> pd.DataFrame:
    """The share of each segment with each trait, against the whole base (index).

    Single-valued dimensions come from the customer table (``age_band``, ``gender``
    via :func:`gender_keys`, ``customer_type``, ``channel`` = acquisition channel,
    ``region``, ``buying_channel`` via :func:`buying_channel` of ``online_share``);
    ``product_group`` comes from ``mix`` (a customer can buy several groups). Buying
    channel and product groups count buyers only (period revenue > 0). Shares are of
    the customers whose value is known; a segment with fewer than ``min_known`` such
    customers gets no rows for that dimension (a share of a handful says nothing), and
    dimensions the data does not have are left out.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id`` (for the mix), the ``segment`` column and the dimension columns.
    segment : str
    dimensions : sequence of str, default :data:`DIMENSIONS`
    mix : DataFrame, optional
        ``customer_id, product_group, revenue`` (see :mod:`toolkit.products`).
    min_known : int, default 20

    Returns
    -------
    DataFrame
        ``segment``, ``dimension``, ``value``, ``customers`` (in the segment with the
        trait), ``known`` (in the segment with a known value), ``share`` (0-1),
        ``base_share`` (the whole base), ``index`` (share / base share × 100); sorted by
        segment order, dimension order, then share descending and value.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3", "4"], "segment": ["a", "a", "b", "b"],
    ...                   "revenue": [1.0, 1.0, 1.0, 0.0]})
    >>> mix = pd.DataFrame({"customer_id": ["1", "2", "3"], "product_group": ["P", "P", "Q"], "revenue": [1.0] * 3})
    >>> t = segment_traits(c, segment="segment", mix=mix, min_known=1)
    >>> t[["segment", "value", "share", "base_share", "index"]].values.tolist()
    [['a', 'P', 1.0, 0.6666666666666666, 150.0], ['b', 'Q', 1.0, 0.3333333333333333, 300.0]]
    """
    _require(customers, [segment], "segment_traits")
    # Everything in integer codes, counted with bincount: the group-bys and string
    # conversions on 3.5M rows took 8-9 s; only the distinct values become text.
    seg, names = _text_codes(customers[segment])
    order = _ordered(names.tolist(), np.bincount(seg[seg >= 0], minlength=len(names)))
    revenue = customers["revenue"].astype(float).to_numpy() if "revenue" in customers else None
    parts = []
    for dim in dimensions:
        if dim == "product_group":
            if mix is None or "customer_id" not in customers or revenue is None:
                continue
            buyers = revenue > 0
            buyer_seg = seg[buyers]
            # A mix row counts when its customer is a buyer: the (first) buyer with that id.
            pos = positions_in(mix["customer_id"].astype("string"), customers["customer_id"].astype("string")[buyers])
            rows = (mix["revenue"] > 0).to_numpy() & (pos >= 0)
            pos = pos[rows]
            values, texts = _text_codes(mix["product_group"])
            values, row_seg = values[rows], buyer_seg[pos]
            typed = (bool((row_seg >= 0).any()), bool((values >= 0).any()))
            both = (row_seg >= 0) & (values >= 0)
            # One entry per customer and group bought (a mix may hold a group twice only by mistake).
            pos, values = distinct_pairs(pos[both], values[both], len(buyer_seg), len(texts))
            pair_seg = buyer_seg[pos]
            known = np.bincount(buyer_seg[buyer_seg >= 0], minlength=len(names))
            base_known = int(buyers.sum())
        else:
            found = _dimension_codes(customers, dim)
            if found is None:
                continue
            values, texts = found
            if dim == "buying_channel" and revenue is not None:
                values = np.where(revenue > 0, values, -1)
            ok = values >= 0
            both = ok & (seg >= 0)
            pair_seg, values = seg[both], values[both]
            typed = (bool(both.any()), True)
            known = np.bincount(pair_seg, minlength=len(names))
            base_known = int(ok.sum())
        if not base_known:
            continue
        parts.append(_trait_rows(pair_seg, values, names, texts, known=known, base_known=base_known, typed=typed,
                                 min_known=min_known, dimension=dim))
    if not parts:
        return pd.DataFrame(columns=["segment", "dimension", "value", "customers", "known", "share", "base_share",
                                     "index"])
    out = pd.concat(parts, ignore_index=True)
    out["_s"] = out["segment"].map({s: i for i, s in enumerate(order)})
    out["_d"] = out["dimension"].map({d: i for i, d in enumerate(DIMENSIONS)}).fillna(len(DIMENSIONS))
    out = out.sort_values(["_s", "_d", "share", "value"], ascending=[True, True, False, True], kind="stable")
    out["customers"] = out["customers"].astype("int64")
    return out[["segment", "dimension", "value", "customers", "known", "share", "base_share", "index"]].reset_index(
        drop=True)


def distinctive_traits(traits: pd.DataFrame, *, min_index: float = 120, min_share: float = 0.10,
                       top: int = 4) -> pd.DataFrame:
    """Per segment, the traits that set it apart: index >= ``min_index`` and share >= ``min_share``.

    At most one trait per dimension and ``top`` per segment, highest index first.

    Parameters
    ----------
    traits : DataFrame
        :func:`segment_traits` output.
    min_index : float, default 120
    min_share : float, default 0.10
        Share of the segment (0-1).
    top : int, default 4

    Returns
    -------
    DataFrame
        The rows of ``traits`` that qualify, by segment (in ``traits`` order) then index.

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["a", "a", "a"], "dimension": ["gender", "gender", "age_band"],
    ...     "value": ["female", "male", "65+"], "share": [0.7, 0.3, 0.05], "index": [140.0, 60.0, 300.0]})
    >>> distinctive_traits(t)["value"].tolist()
    ['female']
    """
    if traits.empty:
        return traits.copy()
    ok = traits[(traits["index"] >= min_index) & (traits["share"] >= min_share)]
    ok = ok.sort_values("index", ascending=False, kind="stable").drop_duplicates(["segment", "dimension"])
    seg_order = {s: i for i, s in enumerate(dict.fromkeys(traits["segment"]))}
    ok = ok.assign(_s=ok["segment"].map(seg_order)).sort_values(["_s", "index"], ascending=[True, False],
                                                                   kind="stable")
    return ok.groupby("segment", sort=False).head(top).drop(columns=["_s"]).reset_index(drop=True)


def missing_inputs(params_columns: Mapping[str, str | None], *, has_product_group: bool,
                   has_sales_channel: bool) -> list[str]:
    """The params keys that, when mapped, add traits to the personas (for the 'what to map' line).

    Examples
    --------
    >>> missing_inputs({"birth_date": None, "gender": "geslacht", "customer_type": "type", "channel": "herkomst"},
    ...                has_product_group=True, has_sales_channel=False)
    ['customers.columns.birth_date', 'transactions.columns.sales_channel']
    """
    keys = [f"customers.columns.{k}" for k in ("birth_date", "gender", "customer_type", "channel")
            if not params_columns.get(k)]
    if not has_product_group:
        keys.append("transactions.columns.product_group")
    if not has_sales_channel:
        keys.append("transactions.columns.sales_channel")
    return keys
