"""RFM scores and named segments, and the value/frequency matrix.

Pure functions on customer-level frames (the customer table of a run): no I/O, no
plotting, inputs never mutated. Recency, frequency and monetary come from the columns
the engine already computed per customer over the analysis period, so scoring
millions of customers takes a fraction of a second.

Two conventions
---------------
This module scores customers the way marketers segment them: over the *analysis
period*, frequency is the number of orders, monetary the net revenue, recency the days
since the last purchase. The CLV models (BG/NBD, Gamma-Gamma; the ``lifetimes`` and
``pymc-marketing`` libraries, :mod:`toolkit.clv`) use another convention over the
*whole history*: frequency = number of *repeat* purchase periods (days), recency = last
minus first purchase, ``T`` = age at the end of the observation, monetary = mean value of
the repeat purchases. The RFM chapter of the report shows both side by side.

Scores
------
Each dimension is scored 1..k (k = 3, 4 or 5; k = best: most recent, most frequent,
highest spend) among the *buying* customers (positive net revenue in the period):

    score = 1 + floor(k x (share of buying customers with a strictly worse value))

So customers with equal values always get the same score (ties are never split by row
order), the worst value always scores 1, and with distinct values the classes hold
equal numbers of customers (quintiles for k = 5). When many customers share a value
(most bought once) some scores stay empty: :func:`rfm_checks` reports that instead of
hiding it.

References
----------
Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using iso-value curves
for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.columns import as_categories
from toolkit.params import RfmSegment
from toolkit.segments import BUYING_LAYERS, _require

#: Columns :func:`rfm_scores` adds to the customer table, in order.
RFM_COLUMNS = ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_segment")

#: Segment of customers without a positive net revenue in the period, and of prospects.
INACTIVE_SEGMENT, PROSPECT_SEGMENT, UNMATCHED_SEGMENT = "inactive", "prospect", "other"

def class_scores(values: Sequence[float] | np.ndarray, *, classes: int = 5, higher_is_better: bool = True
                 ) -> np.ndarray:
    """Score values 1..``classes`` by the share of values strictly worse than each one.

    ``score = 1 + floor(classes x (number of strictly worse values) / n)``: equal values
    get equal scores, the worst value scores 1, and distinct values fill the classes
    equally (quintiles for 5 classes).

    Parameters
    ----------
    values : array-like of float
        No missing values.
    classes : int, default 5
    higher_is_better : bool, default True
        False for recency in days (fewer days is better).

    Returns
    -------
    ndarray of int64
        One score per value, in input order.

    Examples
    --------
    >>> class_scores([10, 20, 30, 40, 50]).tolist()
    [1, 2, 3, 4, 5]
    >>> class_scores([1, 1, 1, 2, 5], classes=5).tolist()  # three tie at the bottom: 0, 0, 0, 3, 4 worse
    [1, 1, 1, 4, 5]
    >>> class_scores([3, 30, 300], classes=3, higher_is_better=False).tolist()
    [3, 2, 1]
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return np.empty(0, dtype=np.int64)
    if np.isnan(v).any():
        raise ValueError("class_scores: values must not be missing")
    key = v if higher_is_better else -v
    # One sort: in sorted order, the number of strictly worse values is the position of the value's first copy.
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    first = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    worse = np.empty(len(v), dtype=np.int64)
    worse[order] = np.repeat(first, np.diff(np.r_[first, len(v)]))
    return 1 + (classes * worse) // len(v)


def assign_segments(r: np.ndarray, f: np.ndarray, m: np.ndarray, segments: Sequence[RfmSegment]) -> np.ndarray:
    """Name per customer from a segment table: the first row whose R, F and M ranges all hold.

    Customers no row covers get ``"other"`` (:data:`UNMATCHED_SEGMENT`).

    Examples
    --------
    >>> from toolkit.params import RfmSegment
    >>> table = [RfmSegment(name="best", r=(4, 5), f=(4, 5)), RfmSegment(name="rest")]
    >>> assign_segments(np.array([5, 1]), np.array([4, 5]), np.array([1, 1]), table).tolist()
    ['best', 'rest']
    """
    out = np.full(len(r), UNMATCHED_SEGMENT, dtype=object)
    free = np.ones(len(r), dtype=bool)
    for seg in segments:
        hit = free.copy()
        for score, bounds in ((r, seg.r), (f, seg.f), (m, seg.m)):
            if bounds is not None:
                hit &= (score >= bounds[0]) & (score <= bounds[1])
        out[hit] = seg.name
        free &= ~hit
    return out


def rfm_scores(customers: pd.DataFrame, *, reference_date: dt.date, scores: int = 5,
               segments: Sequence[RfmSegment] | None = None, id_col: str = "customer_id") -> pd.DataFrame:
    """Recency, frequency, monetary, their scores and the named segment per customer.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with ``customer_id``, ``revenue`` (net, period, euro),
        ``orders`` (period) and ``last_purchase`` (datetime; missing for prospects).
    reference_date : date
    scores : {3, 4, 5}, default 5
    segments : sequence of RfmSegment, optional
        The segment table (first match wins); default: the default table for ``scores``.
    id_col : str, default "customer_id"

    Returns
    -------
    DataFrame
        Same rows and order: ``customer_id``; ``recency_days`` (days from the last
        purchase to the reference date; Int64, empty for prospects); ``frequency``
        (orders in the period, Int64); ``monetary`` (net revenue in the period, euro);
        ``r_score``, ``f_score``, ``m_score`` (Int64 1..scores, 5 = best; empty unless
        the customer bought in the period); ``rfm_segment`` (segment name; ``inactive``
        for customers without positive net revenue in the period, ``prospect`` for
        customers who never bought).

    Raises
    ------
    DataError
        When a needed column is missing.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b", "c"], "revenue": [500.0, 40.0, 0.0],
    ...                   "orders": [6, 1, 0], "last_purchase": pd.to_datetime(["2025-12-20", "2025-03-01",
    ...                   "2024-05-01"])})
    >>> out = rfm_scores(c, reference_date=dt.date(2025, 12, 31), scores=3)
    >>> out[["recency_days", "r_score", "f_score", "m_score", "rfm_segment"]].values.tolist()
    [[11, 2, 2, 2, 'loyal'], [305, 1, 1, 1, 'lost'], [609, <NA>, <NA>, <NA>, 'inactive']]
    """
    _require(customers, [id_col, "revenue", "orders", "last_purchase"], "rfm_scores")
    from toolkit.params import RfmParams

    table = list(segments) if segments is not None else RfmParams(scores=scores).segment_table()
    last = pd.to_datetime(customers["last_purchase"])
    recency = (pd.Timestamp(reference_date) - last).dt.days
    revenue = customers["revenue"].astype(float).to_numpy()
    orders = customers["orders"].astype("int64").to_numpy()
    buying = revenue > 0
    n = len(customers)
    score = {k: np.zeros(n, dtype=np.int64) for k in "rfm"}
    rec = recency.to_numpy(dtype=float, na_value=np.nan)
    score["r"][buying] = class_scores(rec[buying], classes=scores, higher_is_better=False)
    score["f"][buying] = class_scores(orders[buying], classes=scores)
    score["m"][buying] = class_scores(revenue[buying], classes=scores)
    never = last.isna().to_numpy()
    segment = np.where(never, PROSPECT_SEGMENT, INACTIVE_SEGMENT).astype(object)
    segment[buying] = assign_segments(score["r"][buying], score["f"][buying], score["m"][buying], table)
    out = pd.DataFrame({id_col: customers[id_col].to_numpy(),
                        "recency_days": pd.array(rec, dtype="Int64"),
                        "frequency": pd.arrays.IntegerArray(orders, mask=never),
                        "monetary": np.where(never, np.nan, revenue)}, index=customers.index)
    for k in "rfm":
        out[f"{k}_score"] = pd.arrays.IntegerArray(score[k], mask=~buying)
    out["rfm_segment"] = pd.array(segment, dtype="string")
    return out


def rfm_checks(rfm: pd.DataFrame, *, scores: int = 5, few: int = 50) -> list[dict[str, object]]:
    """Odd-but-usable findings about a scoring, as report notes (``code`` plus values).

    Codes: ``rfm_few_customers`` (fewer than ``few`` scored customers: classes hold a
    handful each), ``rfm_collapsed_recency`` / ``_frequency`` / ``_monetary`` (ties left
    some scores empty; ``scores`` lists the ones in use), ``rfm_unmatched`` (customers no
    row of the segment table covers).

    Examples
    --------
    >>> r = pd.DataFrame({"r_score": [1, 5], "f_score": [1, 4], "m_score": [1, 5],
    ...                   "rfm_segment": ["lost", "champions"]})
    >>> [n["code"] for n in rfm_checks(r, scores=5, few=2)]
    ['rfm_collapsed_recency', 'rfm_collapsed_frequency', 'rfm_collapsed_monetary']
    """
    _require(rfm, ["r_score", "f_score", "m_score", "rfm_segment"], "rfm_checks")
    scored = rfm[rfm["r_score"].notna()]
    notes: list[dict[str, object]] = []
    if len(scored) == 0:
        return notes
    if len(scored) < few:
        notes.append({"code": "rfm_few_customers", "n": len(scored)})
    for dim, col in (("recency", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        used = sorted(int(s) for s in scored[col].unique())
        if len(used) < scores:
            notes.append({"code": f"rfm_collapsed_{dim}", "scores": ", ".join(map(str, used)), "k": scores})
    unmatched = int((scored["rfm_segment"] == UNMATCHED_SEGMENT).sum())
    if unmatched:
        notes.append({"code": "rfm_unmatched", "n": unmatched})
    return notes


def rfm_segment_summary(customers: pd.DataFrame, *, segments: Sequence[str]) -> pd.DataFrame:
    """Per named segment: customers, revenue and the typical recency, frequency and spend.

    Parameters
    ----------
    customers : DataFrame
        With the :data:`RFM_COLUMNS` (from :func:`rfm_scores`) and ``revenue``.
    segments : sequence of str
        Segment names in table order; every one gets a row (0 when empty), then
        ``other`` when some customer has it.

    Returns
    -------
    DataFrame
        ``segment, customers, customer_share`` (of scored customers, 0-1), ``revenue``
        (euro), ``revenue_share`` (of their revenue, 0-1), ``recency_days`` (median, days),
        ``frequency`` (mean orders), ``monetary`` (mean net revenue, euro).

    Examples
    --------
    >>> c = pd.DataFrame({"rfm_segment": ["new", "new", "lost"], "revenue": [30.0, 10.0, 60.0],
    ...     "r_score": [5, 5, 1], "recency_days": [3, 5, 300], "frequency": [1, 1, 1], "monetary": [30.0, 10.0, 60.0]})
    >>> rfm_segment_summary(c, segments=["new", "lost", "loyal"])[["segment", "customers", "revenue_share"]
    ...     ].values.tolist()
    [['new', 2, 0.4], ['lost', 1, 0.6], ['loyal', 0, 0.0]]
    """
    _require(customers, ["rfm_segment", "revenue", "r_score", "recency_days", "frequency", "monetary"],
             "rfm_segment_summary")
    scored = customers[customers["r_score"].notna()]
    names = list(segments) + ([UNMATCHED_SEGMENT] if (scored["rfm_segment"] == UNMATCHED_SEGMENT).any() else [])
    frame = pd.DataFrame({"segment": as_categories(scored["rfm_segment"], names),
                          "revenue": scored["revenue"].astype(float),
                          "recency_days": scored["recency_days"].astype(float),
                          "frequency": scored["frequency"].astype(float),
                          "monetary": scored["monetary"].astype(float)})
    g = frame.groupby("segment", observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(),
                        "recency_days": g["recency_days"].median(), "frequency": g["frequency"].mean(),
                        "monetary": g["monetary"].mean()}).reindex(names)
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else np.nan
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out = out.rename_axis("segment").reset_index()
    out["segment"] = out["segment"].astype(str)
    return out[["segment", "customers", "customer_share", "revenue", "revenue_share", "recency_days", "frequency",
                "monetary"]]


def rfm_score_ranges(customers: pd.DataFrame, *, scores: int = 5) -> pd.DataFrame:
    """What each score stands for: the range of values and the number of customers per score.

    Returns
    -------
    DataFrame
        One row per score ``k..1`` (best first): ``score``, then per dimension
        ``r_min, r_max`` (recency days), ``f_min, f_max`` (orders), ``m_min, m_max``
        (euro), and ``r_customers, f_customers, m_customers``; NaN/0 for empty scores.

    Examples
    --------
    >>> c = pd.DataFrame({"recency_days": [5, 50], "frequency": [3, 1], "monetary": [90.0, 10.0],
    ...                   "r_score": [2, 1], "f_score": [2, 1], "m_score": [2, 1]})
    >>> rfm_score_ranges(c, scores=2)[["score", "r_min", "r_max"]].values.tolist()
    [[2.0, 5.0, 5.0], [1.0, 50.0, 50.0]]
    """
    _require(customers, ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"],
             "rfm_score_ranges")
    out = pd.DataFrame({"score": list(range(scores, 0, -1))})
    for k, value in (("r", "recency_days"), ("f", "frequency"), ("m", "monetary")):
        scored = customers[customers[f"{k}_score"].notna()]
        g = scored[value].astype(float).groupby(scored[f"{k}_score"].astype("int64"))
        stats = pd.DataFrame({f"{k}_min": g.min(), f"{k}_max": g.max(), f"{k}_customers": g.size()})
        out = out.join(stats, on="score")
        out[f"{k}_customers"] = out[f"{k}_customers"].fillna(0).astype("int64")
    return out


def frequency_class_labels(bounds: Sequence[int]) -> list[str]:
    """Labels of order-count classes from their lower bounds.

    Examples
    --------
    >>> frequency_class_labels([1, 2, 3, 5, 10])
    ['1', '2', '3–4', '5–9', '10+']
    """
    labels = []
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        labels.append(f"{lo}+" if hi is None else str(lo) if hi == lo else f"{lo}–{hi}")
    return labels


def value_frequency_matrix(customers: pd.DataFrame, *, frequency_classes: Sequence[int] = (1, 2, 3, 5, 10),
                           layer_col: str = "pyramid_layer", frequency_col: str = "orders") -> pd.DataFrame:
    """Customers and revenue by value class (pyramid layer) x frequency class (orders in the period).

    Only buying customers (positive net revenue) count.

    Parameters
    ----------
    customers : DataFrame
        With ``layer_col``, ``frequency_col`` and ``revenue``.
    frequency_classes : sequence of int, default (1, 2, 3, 5, 10)
        Lower bounds of the order-count classes (the last class is open).

    Returns
    -------
    DataFrame
        One row per (layer, class), buying layers top first, every combination present:
        ``layer``, ``frequency_class`` (label, see :func:`frequency_class_labels`),
        ``customers``, ``revenue`` (euro), ``customer_share`` and ``revenue_share`` (of all
        buying customers and their revenue, 0-1; the shares over all rows sum to 1).

    Examples
    --------
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small", "small"], "orders": [12, 1, 2],
    ...                   "revenue": [900.0, 40.0, 60.0]})
    >>> m = value_frequency_matrix(c, frequency_classes=[1, 2, 10])
    >>> m[m["customers"] > 0][["layer", "frequency_class", "revenue_share"]].values.tolist()
    [['top', '10+', 0.9], ['small', '1', 0.04], ['small', '2–9', 0.06]]
    """
    _require(customers, [layer_col, frequency_col, "revenue"], "value_frequency_matrix")
    labels = frequency_class_labels(frequency_classes)
    buying = customers[customers["revenue"].astype(float) > 0]
    cls = np.searchsorted(np.asarray(frequency_classes), buying[frequency_col].astype("int64").to_numpy(),
                          side="right") - 1
    frame = pd.DataFrame({"layer": as_categories(buying[layer_col], BUYING_LAYERS),
                          "frequency_class": pd.Categorical.from_codes(np.maximum(cls, 0), categories=labels),
                          "revenue": buying["revenue"].astype(float).to_numpy()})
    g = frame.groupby(["layer", "frequency_class"], observed=False)["revenue"]
    out = pd.DataFrame({"customers": g.size(), "revenue": g.sum()}).reset_index()
    out["layer"] = out["layer"].astype(str)
    out["frequency_class"] = out["frequency_class"].astype(str)
    n, total = out["customers"].sum(), out["revenue"].sum()
    out["customer_share"] = out["customers"] / n if n else np.nan
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    return out


def ints_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with nullable integer columns as Python ints and None (object dtype).

    The run merges analysis columns into the customer table through NumPy, which turns a
    nullable integer column with gaps into floats (``3.0``); as objects they stay whole
    numbers in ``customers.csv``.

    Examples
    --------
    >>> f = pd.DataFrame({"s": pd.array([3, None], dtype="Int64")})
    >>> ints_as_objects(f)["s"].to_numpy().tolist()
    [3, None]
    """
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype):
            # NumPy makes Python ints of an int64 array in C (a Python loop took 0.5 s per 3.5M values).
            values = out[col].to_numpy(dtype=np.int64, na_value=0).astype(object)
            values[out[col].isna().to_numpy()] = None
            out[col] = pd.Series(values, index=out.index, dtype=object)
    return out
