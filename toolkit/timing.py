"""Purchase timing: seasonality by month and weekday, inter-purchase time, overdue customers.

Like :mod:`toolkit.lifecycle`, everything that reads transaction lines is an Ibis
expression on the canonical ``lines`` table; per-month, per-weekday and per-customer
results come back as pandas frames. A *purchase occasion* is a calendar day with a line
that is not negative (see :mod:`toolkit.lifecycle`); an *order* is a distinct order id
(or purchase day without order ids) with at least one positive line.

Seasonality uses the largest whole number of years of data that ends on the reference
date, so every month occurs equally often; weekdays are compared per occurrence (revenue
per Monday, per Tuesday, …).

Example
-------
>>> import datetime as dt
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"], "amount": [10.0, 10.0, 10.0],
...                    "date": pd.to_datetime(["2025-01-01", "2025-03-02", "2025-05-01"])})
>>> purchase_intervals(tx, reference_date=dt.date(2025, 12, 31))[["usual_interval_days", "overdue"]].values.tolist()
[[60.0, True]]
"""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.engine import Period, shared
from toolkit.errors import DataError
from toolkit.lifecycle import (
    as_tables,
    data_first_date,
    lines_table,
    months_before,
    purchase_sequence,
    reported_periods,
)
from toolkit.segments import pyramid_layers

#: Bin edges (days) of the inter-purchase time distribution: 2 weeks, 1, 2, 3, 4, 6, 9, 12, 18, 24 months.
INTERVAL_BINS: tuple[float, ...] = (0, 14, 30, 61, 91, 122, 183, 274, 365, 548, 730, np.inf)

#: Columns of :func:`purchase_intervals`.
INTERVAL_COLUMNS = ("customer_id", "purchase_days", "usual_interval_days", "days_since_last", "next_purchase_due",
                    "overdue")


def seasonal_window(reference_date: dt.date, data_first: dt.date) -> tuple[dt.date, int]:
    """First day and number of whole years of the seasonality window (all data when under a year).

    Examples
    --------
    >>> seasonal_window(dt.date(2025, 12, 31), dt.date(2022, 3, 1))
    (datetime.date(2023, 1, 1), 3)
    """
    years = reported_periods(reference_date, data_first=data_first, months=12)
    if years == 0:
        return data_first, 0
    return months_before(reference_date, 12 * years) + dt.timedelta(days=1), years


def _window_lines(transactions: pd.DataFrame | ibis.Table, reference_date: dt.date,
                  data_first: dt.date | None) -> tuple[ibis.Table, dt.date, int]:
    lines, _ = as_tables(transactions)
    data_first = data_first or data_first_date(lines)
    first, years = seasonal_window(reference_date, data_first)
    window = lines.filter((lines.date >= ibis.date(first)) & (lines.date <= ibis.date(reference_date)))
    return window, first, years


def _orders(lines: ibis.Table) -> ibis.Table:
    """Distinct orders with a positive line: ``customer_id, order_key, date``."""
    pos = lines.filter(lines.amount > 0)
    return shared(pos.select("customer_id", "order_key", "date").distinct())


def seasonality_by_month(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                         data_first: dt.date | None = None) -> pd.DataFrame:
    """Net revenue and orders per calendar month over the seasonal window.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Usable transaction lines (see :func:`toolkit.lifecycle.lines_table`).
    reference_date : date
    data_first : date, optional
        First day of the data; default the first line's date.

    Returns
    -------
    DataFrame
        Twelve rows, ``month`` 1-12: ``revenue`` (euro), ``orders``, ``revenue_share``
        (of the window's revenue, 0-1), ``revenue_index`` and ``orders_index`` (the
        month against the average month, 1 = average), ``years`` (whole years in the
        window; 0 when the data cover less than a year and every month is not equally
        represented), ``window_start`` (first day of the window).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [30.0, 10.0],
    ...                    "date": pd.to_datetime(["2025-04-01", "2025-12-01"])})
    >>> m = seasonality_by_month(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2025, 1, 1))
    >>> m.loc[m["month"].isin([4, 12]), ["month", "revenue", "revenue_index"]].values.tolist()
    [[4.0, 30.0, 9.0], [12.0, 10.0, 3.0]]
    """
    window, first, years = _window_lines(transactions, reference_date, data_first)
    month = window.date.month()
    revenue = window.group_by(month=month).aggregate(revenue=window.amount.sum().cast("float64")).to_pandas()
    orders = _orders(window)
    counts = orders.group_by(month=orders.date.month()).aggregate(orders=orders.count()).to_pandas()
    out = pd.DataFrame({"month": range(1, 13)}).merge(revenue, on="month", how="left").merge(
        counts, on="month", how="left")
    out["revenue"] = out["revenue"].astype("float64").fillna(0.0)
    out["orders"] = out["orders"].fillna(0).astype("int64")
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["revenue_index"] = out["revenue"] / out["revenue"].mean() if total else np.nan
    out["orders_index"] = out["orders"] / out["orders"].mean() if out["orders"].sum() else np.nan
    out["years"] = years
    out["window_start"] = first
    return out


def seasonality_by_weekday(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                           data_first: dt.date | None = None) -> pd.DataFrame:
    """Net revenue and orders per weekday over the seasonal window, per occurrence of the weekday.

    Returns
    -------
    DataFrame
        Seven rows, ``weekday`` 0 (Monday) to 6 (Sunday): ``days`` (occurrences of the
        weekday in the window), ``revenue`` (euro), ``orders``, ``revenue_per_day``,
        ``orders_per_day``, ``revenue_index`` and ``orders_index`` (per-day figure against
        the average day, 1 = average), ``revenue_share`` (0-1).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b"], "amount": [30.0, 10.0],
    ...                    "date": pd.to_datetime(["2025-12-06", "2025-12-08"])})  # a Saturday, a Monday
    >>> w = seasonality_by_weekday(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2025, 1, 1))
    >>> w.loc[[0, 5], ["weekday", "days", "revenue", "orders"]].values.tolist()
    [[0.0, 52.0, 10.0, 1.0], [5.0, 52.0, 30.0, 1.0]]
    """
    window, first, _years = _window_lines(transactions, reference_date, data_first)
    weekday = window.date.day_of_week.index()
    revenue = window.group_by(weekday=weekday).aggregate(revenue=window.amount.sum().cast("float64")).to_pandas()
    orders = _orders(window)
    counts = orders.group_by(weekday=orders.date.day_of_week.index()).aggregate(orders=orders.count()).to_pandas()
    calendar = pd.date_range(first, reference_date, freq="D")
    days = pd.Series(calendar.day_of_week).value_counts().reindex(range(7), fill_value=0)
    out = pd.DataFrame({"weekday": range(7), "days": days.to_numpy()})
    out = out.merge(revenue, on="weekday", how="left").merge(counts, on="weekday", how="left")
    out["revenue"] = out["revenue"].astype("float64").fillna(0.0)
    out["orders"] = out["orders"].fillna(0).astype("int64")
    n_days = out["days"].replace(0, np.nan)
    out["revenue_per_day"] = out["revenue"] / n_days
    out["orders_per_day"] = out["orders"] / n_days
    overall_rev = out["revenue"].sum() / out["days"].sum()
    overall_orders = out["orders"].sum() / out["days"].sum()
    out["revenue_index"] = out["revenue_per_day"] / overall_rev if overall_rev else np.nan
    out["orders_index"] = out["orders_per_day"] / overall_orders if overall_orders else np.nan
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    return out


def best_moment(transactions: pd.DataFrame | ibis.Table, segments: pd.DataFrame, *, reference_date: dt.date,
                segment: str = "segment", data_first: dt.date | None = None) -> pd.DataFrame:
    """Per segment of customers: the month and weekday in which its orders peak.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
    segments : DataFrame
        ``customer_id`` and the ``segment`` column (one row per customer); customers
        not in it are left out.
    reference_date, data_first
        As in :func:`seasonality_by_month` (the same seasonal window).
    segment : str, default "segment"

    Returns
    -------
    DataFrame
        One row per segment in order of first appearance in ``segments``: ``segment``,
        ``customers`` (with an order in the window), ``orders``, ``peak_month`` (1-12),
        ``peak_month_index`` (orders in that month against the segment's average month),
        ``peak_weekday`` (0 = Monday), ``peak_weekday_index`` (orders per occurrence of
        that weekday against the segment's average day). Ties go to the earliest
        month or weekday; peaks are NaN for a segment without orders.

    Raises
    ------
    DataError
        When ``segments`` lacks ``customer_id`` or the segment column.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [5.0, 5.0, 8.0],
    ...                    "date": pd.to_datetime(["2025-05-03", "2025-05-10", "2025-11-04"])})
    >>> seg = pd.DataFrame({"customer_id": ["a", "b"], "segment": ["top", "small"]})
    >>> best_moment(tx, seg, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2025, 1, 1)
    ...             )[["segment", "peak_month", "peak_weekday"]].values.tolist()
    [['top', 5, 5], ['small', 11, 1]]
    """
    missing = [c for c in ("customer_id", segment) if c not in segments.columns]
    if missing:
        raise DataError(f"best_moment: column(s) {', '.join(missing)} not in the segments frame "
                        f"(it has {', '.join(map(str, segments.columns))}).")
    window, first, _years = _window_lines(transactions, reference_date, data_first)
    # Straight from Arrow: Python strings for millions of customers took seconds.
    seg = ibis.memtable(pa.table({"cid": pa.array(segments["customer_id"].astype("string")),
                                  "segment": pa.array(segments[segment].astype("string"))}))
    orders = _orders(window)
    j = orders.join(seg, orders.customer_id == seg.cid)
    # One pass for months and weekdays together (at most segments x 12 x 7 rows), summed per side below.
    cells = j.group_by(["segment", j.date.month().name("month"), j.date.day_of_week.index().name("weekday")]
                       ).aggregate(orders=j.count()).to_pandas()
    by_month = cells.groupby(["segment", "month"], as_index=False)["orders"].sum()
    by_day = cells.groupby(["segment", "weekday"], as_index=False)["orders"].sum()
    customers = j.group_by("segment").aggregate(customers=j.customer_id.nunique()).to_pandas()
    calendar = pd.Series(pd.date_range(first, reference_date, freq="D").day_of_week).value_counts()
    rows = []
    for name in pd.unique(segments[segment].astype("string").dropna()):
        m = by_month[by_month["segment"] == name].set_index("month")["orders"].reindex(range(1, 13), fill_value=0)
        d = by_day[by_day["segment"] == name].set_index("weekday")["orders"].reindex(range(7), fill_value=0)
        per_day = d / calendar.reindex(range(7)).replace(0, np.nan)
        total = int(m.sum())
        n = customers.loc[customers["segment"] == name, "customers"]
        rows.append({"segment": name, "customers": int(n.iloc[0]) if len(n) else 0, "orders": total,
                     "peak_month": int(m.idxmax()) if total else np.nan,
                     "peak_month_index": float(m.max() / m.mean()) if total else np.nan,
                     "peak_weekday": int(per_day.idxmax()) if total else np.nan,
                     "peak_weekday_index": float(per_day.max() / (d.sum() / calendar.sum())) if total else np.nan})
    return pd.DataFrame(rows, columns=["segment", "customers", "orders", "peak_month", "peak_month_index",
                                       "peak_weekday", "peak_weekday_index"])


def layers_in_period(transactions: pd.DataFrame | ibis.Table, *, period: Period, basis: str = "revenue",
                     shares: dict[str, float] | None = None) -> pd.DataFrame:
    """The pyramid layer of each customer who buys in the period (for timing per layer).

    Applies :func:`toolkit.segments.pyramid_layers` to the period's net revenue (and
    margin) per customer, so the layers equal the pyramid chapter's.

    Returns
    -------
    DataFrame
        ``customer_id`` and ``pyramid_layer`` (categorical) of each customer with positive
        net revenue in the period, sorted by ``customer_id``.

    Examples
    --------
    >>> from toolkit.engine import analysis_period
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "c"], "amount": [90.0, 10.0, -5.0],
    ...                    "date": pd.to_datetime(["2025-05-01", "2025-06-01", "2025-06-01"])})
    >>> layers_in_period(tx, period=analysis_period(dt.date(2025, 12, 31))).astype(str).values.tolist()
    [['a', 'top'], ['b', 'small']]
    """
    lines = lines_table(transactions)
    t = lines.filter((lines.date > ibis.date(period.start)) & (lines.date <= ibis.date(period.end)))
    per = t.group_by("customer_id").aggregate(revenue=t.amount.sum().cast("float64"),
                                              margin=t.margin.sum().cast("float64"))
    frame = per.filter(per.revenue > 0).order_by("customer_id").to_pandas()
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["first_purchase"] = pd.Timestamp(period.end)
    layers = pyramid_layers(frame, basis=basis, shares=shares)
    return layers[["customer_id", "pyramid_layer"]].reset_index(drop=True)


def middle_value(values: ibis.ArrayValue) -> ibis.FloatingValue:
    """Ibis expression: the median of a sorted array (the mean of the two middle values), null when empty.

    Millions of customers with a few gaps each: DuckDB's grouped median took 6 s at 3.5M
    customers, collecting the gaps and picking the middle 2 s (the same values).
    """
    n = values.length()
    # int32 positions: Spark's element_at takes no BIGINT.
    low, high = ((n - 1) // 2).cast("int32"), (n // 2).cast("int32")
    return ibis.cases((n > 0, (values[low] + values[high]) / 2)).cast("float64")


def purchase_intervals(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                       min_purchases: int = 3, overdue_factor: float = 2.0) -> pd.DataFrame:
    """Per customer: the usual time between purchases and whether the next one is overdue.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
    reference_date : date
    min_purchases : int, default 3
        Purchase occasions a customer needs before ``overdue`` is judged (with two, the
        "usual" interval is a single gap).
    overdue_factor : float, default 2.0
        Overdue when the days since the last purchase exceed this many usual intervals.

    Returns
    -------
    DataFrame
        One row per customer with a purchase occasion, sorted by ``customer_id``:
        ``purchase_days`` (occasions), ``usual_interval_days`` (median days between
        consecutive occasions; NaN with one occasion), ``days_since_last`` (days from the
        last occasion to the reference date), ``next_purchase_due`` (last occasion + usual
        interval, datetime64; NaT with one occasion), ``overdue`` (boolean: days since
        last > ``overdue_factor`` x usual interval; NA below ``min_purchases``).

    Raises
    ------
    DataError
        For ``min_purchases`` below 2 or ``overdue_factor`` not above 1.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"], "amount": [1.0] * 5,
    ...     "date": pd.to_datetime(["2025-01-01", "2025-01-11", "2025-01-31", "2025-02-10", "2025-02-20"])})
    >>> purchase_intervals(tx, reference_date=dt.date(2025, 3, 1)).drop(columns="next_purchase_due").values.tolist()
    [['a', 4, 10.0, 19, False], ['b', 1, nan, 9, <NA>]]
    """
    if min_purchases < 2 or not overdue_factor > 1:
        raise DataError(f"purchase_intervals: min_purchases must be at least 2 (got {min_purchases}) and "
                        f"overdue_factor above 1 (got {overdue_factor}).")
    lines, _ = as_tables(transactions)
    days = purchase_sequence(lines)
    days = days.filter(days.date <= ibis.date(reference_date))
    gaps = days.mutate(gap=days.date.delta(days.prev_date, unit="day"))
    per = gaps.group_by("customer_id").aggregate(
        purchase_days=gaps.count(), gaps=gaps.gap.collect(where=gaps.gap.notnull()), last=gaps.date.max())
    per = per.mutate(usual=middle_value(per.gaps.sort())).drop("gaps")
    frame = per.order_by("customer_id").to_pandas()
    frame["customer_id"] = frame["customer_id"].astype("string")
    last = pd.to_datetime(frame["last"])
    usual = frame["usual"].astype("float64")
    since = (pd.Timestamp(reference_date) - last).dt.days.astype("int64")
    overdue = pd.array(since > overdue_factor * usual, dtype="boolean")
    overdue[(frame["purchase_days"] < min_purchases).to_numpy()] = pd.NA
    out = pd.DataFrame({"customer_id": frame["customer_id"], "purchase_days": frame["purchase_days"].astype("int64"),
                        "usual_interval_days": usual, "days_since_last": since,
                        "next_purchase_due": last + pd.to_timedelta(usual.round(), unit="D"), "overdue": overdue})
    return out.reset_index(drop=True)


def interval_distribution(intervals: pd.DataFrame, *, bins: tuple[float, ...] = INTERVAL_BINS) -> pd.DataFrame:
    """How many customers have which usual inter-purchase time.

    Parameters
    ----------
    intervals : DataFrame
        Output of :func:`purchase_intervals` (or any frame with ``usual_interval_days``).
    bins : tuple of float
        Bin edges in days; a customer falls in ``[start, end)``.

    Returns
    -------
    DataFrame
        One row per bin: ``bin_start``, ``bin_end`` (days; ``inf`` for the last),
        ``customers``, ``share`` (of customers with an interval, 0-1).

    Examples
    --------
    >>> d = interval_distribution(pd.DataFrame({"usual_interval_days": [3.0, 20.0, 25.0, None]}), bins=(0, 14, 30))
    >>> d[["customers", "share"]].values.tolist()
    [[1.0, 0.333...], [2.0, 0.666...]]
    """
    if "usual_interval_days" not in intervals.columns:
        raise DataError("interval_distribution: the frame has no usual_interval_days column; "
                        "pass the output of purchase_intervals.")
    values = intervals["usual_interval_days"].dropna().to_numpy(dtype=float)
    edges = np.asarray(bins, dtype=float)
    counts, _ = np.histogram(values, bins=edges)
    n = counts.sum()
    return pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "customers": counts.astype("int64"),
                         "share": counts / n if n else np.nan})


def overdue_summary(customers: pd.DataFrame, *, segment: str = "pyramid_layer",
                    active_statuses: tuple[str, ...] = ("new", "reactivated", "active")) -> pd.DataFrame:
    """Per segment: customers with a usual interval, overdue, and overdue but not yet lost.

    Parameters
    ----------
    customers : DataFrame
        The customer table with ``overdue``, ``revenue`` and the ``segment`` column;
        ``lifecycle_status`` (from :func:`toolkit.lifecycle.customer_lifecycle`) when
        present, to tell overdue customers who are still active from lost ones.
    segment : str, default "pyramid_layer"
    active_statuses : tuple of str
        Lifecycle statuses that count as still active.

    Returns
    -------
    DataFrame
        One row per segment value (in order of appearance; categories in their order):
        ``segment``, ``judged`` (customers with ``overdue`` known), ``overdue``,
        ``overdue_share`` (of judged, 0-1), ``overdue_active`` (overdue and still active;
        equals ``overdue`` without a lifecycle status), ``overdue_active_revenue``
        (their period revenue, euro).

    Examples
    --------
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "top", "small"], "revenue": [9.0, 5.0, 1.0],
    ...     "overdue": pd.array([True, False, pd.NA], dtype="boolean"),
    ...     "lifecycle_status": ["active", "active", "lost"]})
    >>> overdue_summary(c)[["segment", "judged", "overdue", "overdue_active_revenue"]].values.tolist()
    [['top', 2, 1, 9.0], ['small', 0, 0, 0.0]]
    """
    missing = [c for c in ("overdue", "revenue", segment) if c not in customers.columns]
    if missing:
        raise DataError(f"overdue_summary: column(s) {', '.join(missing)} not in the customer table.")
    flag = customers["overdue"].astype("boolean")
    judged = flag.notna()
    overdue = flag.fillna(False).astype(bool)
    active = (customers["lifecycle_status"].isin(active_statuses) if "lifecycle_status" in customers
              else pd.Series(True, index=customers.index))
    frame = pd.DataFrame({"segment": customers[segment], "judged": judged, "overdue": overdue,
                          "overdue_active": overdue & active,
                          "overdue_active_revenue": customers["revenue"].astype(float).where(overdue & active, 0.0)})
    observed = isinstance(frame["segment"].dtype, pd.CategoricalDtype)
    g = frame.groupby("segment", sort=observed, observed=False).sum()
    g = g.reset_index()
    for col in ("judged", "overdue", "overdue_active"):
        g[col] = g[col].astype("int64")
    g["overdue_share"] = g["overdue"] / g["judged"].replace(0, np.nan)
    g["segment"] = g["segment"].astype(object)
    return g[["segment", "judged", "overdue", "overdue_share", "overdue_active", "overdue_active_revenue"]]
