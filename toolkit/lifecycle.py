"""Customer lifecycle: customers won and lost per period, acquisition channels, cohort retention.

Everything that reads transaction lines is an Ibis expression on the canonical ``lines``
table (see :mod:`toolkit.engine`), so it runs on the run's DuckDB and on a client's own
engine; only per-period and per-customer results come back as pandas frames. Every
function also accepts a pandas frame of transaction lines (``customer_id, date,
amount`` and optional canonical columns), which :func:`lines_table` puts into a private
DuckDB for tests and ad-hoc work.

Definitions
-----------
Purchase occasion
    A calendar day with at least one line that is not negative (a day with only returns
    is not a purchase; a free item, amount 0, is). The same convention as
    :func:`toolkit.clv.rfm_summary` and the ``lifetimes`` package.
Active, lost, reactivated
    A customer is *active* on day ``d`` when they made a purchase on a day ``p <= d``
    with ``d < p + gap`` (``gap`` = ``gap_months`` calendar months). The customer is
    *lost* on day ``p + gap`` when no purchase followed in between, and *reactivated*
    by the first purchase after that. The gap is at least one period long, so a
    customer is counted at most once per period as new, lost or reactivated.
New customer
    A customer whose first purchase in the data lies in the period and who is new to
    the business: with a customer master that gives a creation date, acquired (earliest
    of creation and first purchase) on or after the first day of the data; without one,
    no purchase in the ``gap`` months of data before the first purchase. Customers who
    existed before the data and return count as reactivated.
Periods
    Periods are ``months`` long and end on the reference date, like the analysis
    period: with a reference date of 31 December they are calendar years (or quarters,
    months). A period is reported only when the ``gap`` months before it are inside
    the data, so the status of every customer at its start is known.

Example
-------
>>> import datetime as dt
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 20.0, 5.0],
...                    "date": pd.to_datetime(["2023-03-01", "2025-02-01", "2024-05-01"])})
>>> flow = churn_by_period(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2022, 1, 1))
>>> flow[["period_end", "customers_start", "new", "reactivated", "lost", "customers_end"]].values.tolist()
... # doctest: +NORMALIZE_WHITESPACE
[[datetime.date(2023, 12, 31), 0, 1, 0, 0, 1], [datetime.date(2024, 12, 31), 1, 1, 0, 1, 1],
 [datetime.date(2025, 12, 31), 1, 0, 1, 1, 1]]
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import Literal

import duckdb
import ibis
import numpy as np
import pandas as pd

from toolkit.engine import computed_once, shared
from toolkit.errors import DataError, ParamsError

Granularity = Literal["year", "quarter", "month"]

#: Months per period for each granularity.
GRANULARITY_MONTHS: dict[str, int] = {"year": 12, "quarter": 3, "month": 1}

#: Lifecycle status of a customer at the reference date (``lifecycle_status`` in customers.csv).
STATUSES: tuple[str, ...] = ("new", "reactivated", "active", "lost", "lapsed")

#: Columns of :func:`churn_by_period`.
FLOW_COLUMNS = ("period_start", "period_end", "customers_start", "new", "reactivated", "lost", "customers_end",
                "churn_rate", "retention_rate", "revenue", "revenue_new", "revenue_lost")

#: Columns of :func:`acquisition_by_channel`.
CHANNEL_COLUMNS = ("period_start", "period_end", "channel", "new_customers", "first_year_revenue",
                   "first_year_complete", "retained_1y", "retained_1y_complete", "retained_2y", "retained_2y_complete",
                   "channel_source")

#: Channel label for the channels :func:`group_channels` folds together, and for customers without one.
OTHER_CHANNEL = "(other)"
UNKNOWN_CHANNEL = "(unknown)"

#: Columns of :func:`cohort_retention`.
COHORT_COLUMNS = ("cohort_start", "cohort_end", "age", "cohort_size", "customers", "customer_retention", "revenue",
                  "revenue_retention")


# ---------------------------------------------------------------------------------------------
# Inputs


def _require(frame: pd.DataFrame, columns: Sequence[str], func: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the frame "
                        f"(it has {', '.join(map(str, frame.columns))}); rename them to the canonical names.")


def lines_table(transactions: pd.DataFrame | ibis.Table) -> ibis.Table:
    """Transaction lines as an Ibis table with the canonical columns (a private DuckDB for a frame).

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        One row per line with ``customer_id``, ``date`` and ``amount``; optional
        ``margin``, ``order_id`` (else each purchase day is one order) and
        ``sales_channel``. An Ibis table is returned as it is.

    Returns
    -------
    ibis.Table
        ``customer_id`` (text), ``date`` (date), ``amount``, ``margin`` (float, null when
        absent), ``order_key`` (text), ``sales_channel`` (text, null when absent).

    Raises
    ------
    DataError
        When ``customer_id``, ``date`` or ``amount`` is missing.

    Examples
    --------
    >>> t = lines_table(pd.DataFrame({"customer_id": [1], "date": ["2025-01-02"], "amount": [9.5]}))
    >>> t.to_pandas()[["customer_id", "order_key"]].values.tolist()
    [['1', '2025-01-02']]
    """
    if isinstance(transactions, ibis.Table):
        return transactions
    return _register(transactions, None)[0]


def _register(transactions: pd.DataFrame, customers: pd.DataFrame | None) -> tuple[ibis.Table, ibis.Table | None]:
    """Put a lines frame (and a customer frame) into one private DuckDB, as canonical Ibis tables."""
    _require(transactions, ["customer_id", "date", "amount"], "transactions")
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    n = len(transactions)

    def optional(col: str, kind: str) -> np.ndarray:
        if col not in transactions.columns:
            return np.full(n, np.nan) if kind == "float" else np.full(n, None, dtype=object)
        if kind == "float":
            return pd.to_numeric(transactions[col]).to_numpy(dtype=float)
        return transactions[col].astype("string").to_numpy(dtype=object, na_value=None)

    day = dates.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    order = optional("order_id", "text")
    frame = pd.DataFrame({
        "customer_id": transactions["customer_id"].astype("string").to_numpy(dtype=object),
        "date": dates.to_numpy(),
        "amount": pd.to_numeric(transactions["amount"]).to_numpy(dtype=float),
        "margin": optional("margin", "float"),
        "order_key": np.where(pd.isna(order), day, order).astype(object),
        "sales_channel": optional("sales_channel", "text"),
    })
    con = duckdb.connect()
    con.register("lines_frame", frame)
    backend = ibis.duckdb.from_connection(con)
    lines = backend.table("lines_frame")
    lines = lines.mutate(date=lines.date.cast("date"))
    master = None
    if customers is not None:
        _require(customers, ["customer_id"], "customers")
        cm = pd.DataFrame({"customer_id": customers["customer_id"].astype("string").to_numpy(dtype=object)})
        if "created" in customers.columns:
            cm["created"] = pd.to_datetime(customers["created"]).to_numpy()
        if "channel" in customers.columns:
            cm["channel"] = customers["channel"].astype("string").to_numpy(dtype=object, na_value=None)
        con.register("customers_frame", cm)
        master = backend.table("customers_frame")
    return lines, master


def as_tables(transactions: pd.DataFrame | ibis.Table,
              customers: pd.DataFrame | ibis.Table | None = None) -> tuple[ibis.Table, ibis.Table | None]:
    """Lines and customer master as Ibis tables on one backend (so they can be joined).

    Examples
    --------
    >>> lines, master = as_tables(pd.DataFrame({"customer_id": ["1"], "date": ["2025-01-02"], "amount": [1.0]}),
    ...                           pd.DataFrame({"customer_id": ["1"], "channel": ["web"]}))
    >>> master.to_pandas().values.tolist()
    [['1', 'web']]
    """
    if not isinstance(transactions, ibis.Table):
        if isinstance(customers, ibis.Table):
            customers = customers.to_pandas()
        return _register(transactions, customers)
    if customers is not None and not isinstance(customers, ibis.Table):
        _require(customers, ["customer_id"], "customers")
        keep = [c for c in ("customer_id", "created", "channel") if c in customers.columns]
        frame = customers[keep].assign(customer_id=customers["customer_id"].astype("string"))
        customers = ibis.memtable(frame)
    return transactions, customers


def data_first_date(lines: ibis.Table) -> dt.date:
    """The first date of the lines."""
    return pd.Timestamp(lines.date.min().to_pyarrow().as_py()).date()


# ---------------------------------------------------------------------------------------------
# Periods


def period_months(granularity: str) -> int:
    """Months per period; ParamsError for an unknown granularity."""
    if granularity not in GRANULARITY_MONTHS:
        raise ParamsError(f"unknown period '{granularity}'; use one of {', '.join(GRANULARITY_MONTHS)}.")
    return GRANULARITY_MONTHS[granularity]


def check_gap(gap_months: int, granularity: str) -> None:
    """Raise ParamsError when the churn gap is shorter than a period (a customer could be lost twice in one)."""
    months = period_months(granularity)
    if gap_months < months:
        raise ParamsError(f"lifecycle.churn_gap_months is {gap_months}, shorter than one {granularity} "
                          f"({months} months); use at least {months}, or a shorter lifecycle.period.")


def months_before(day: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months before ``day``; month ends stay month ends.

    Examples
    --------
    >>> months_before(dt.date(2025, 12, 31), 3), months_before(dt.date(2025, 9, 30), 6)
    (datetime.date(2025, 9, 30), datetime.date(2025, 3, 31))
    >>> months_before(dt.date(2025, 3, 29), 1)
    datetime.date(2025, 2, 28)
    """
    ts = pd.Timestamp(day)
    out = ts - pd.DateOffset(months=months)
    if ts.is_month_end:
        out = out + pd.offsets.MonthEnd(0)
    return out.date()


def period_number(dates: ibis.Value, reference_date: dt.date, months: int) -> ibis.Value:
    """Ibis expression: 0 for the period ending at the reference date, 1 for the one before, …; -1 after it.

    Periods are ``(months_before(ref, (j+1)*months), months_before(ref, j*months)]``.
    Computed with calendar arithmetic (no joins), so it costs next to nothing per line.
    """
    ref = pd.Timestamp(reference_date)
    last_day = 31 if ref.is_month_end else ref.day
    # ifelse, not a boolean cast: PostgreSQL cannot cast boolean to bigint.
    key = dates.year() * 12 + dates.month() + ibis.ifelse(dates.day() > last_day, 1, 0)
    offset = ref.year * 12 + ref.month - key
    return ibis.ifelse(offset < 0, -1, offset // months)


def period_bounds(reference_date: dt.date, number: int, months: int) -> tuple[dt.date, dt.date]:
    """First and last day of period ``number`` (0 = the period ending at the reference date).

    Examples
    --------
    >>> period_bounds(dt.date(2025, 12, 31), 1, 3)
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    """
    end = months_before(reference_date, number * months)
    start = months_before(reference_date, (number + 1) * months) + dt.timedelta(days=1)
    return start, end


def reported_periods(reference_date: dt.date, *, data_first: dt.date, months: int,
                     history_months: int = 0) -> int:
    """How many whole periods end at the reference date with ``history_months`` of data before each.

    Examples
    --------
    >>> reported_periods(dt.date(2025, 12, 31), data_first=dt.date(2022, 1, 1), months=12, history_months=12)
    3
    """
    n = 0
    while True:
        start_excl = months_before(reference_date, (n + 1) * months)
        if months_before(start_excl, history_months) < data_first - dt.timedelta(days=1):
            return n
        n += 1


# ---------------------------------------------------------------------------------------------
# Building blocks (Ibis expressions)


def day_amounts(lines: ibis.Table) -> ibis.Table:
    """Ibis expression: per customer and calendar day, the net amount and whether it was a purchase.

    In a run it is computed once and shared by every analysis (see :func:`toolkit.engine.shared`).

    Returns
    -------
    ibis.Table
        ``customer_id, date, amount`` (net, float), ``purchase`` (bool: at least one line
        that is not negative, so a day with only returns is no purchase).
    """
    return shared(lines.group_by(["customer_id", "date"]).aggregate(amount=lines.amount.sum().cast("float64"),
                                                                    purchase=(lines.amount >= 0).any()))


def purchase_days(lines: ibis.Table) -> ibis.Table:
    """Ibis expression: one row per purchase occasion (a day with a line that is not negative).

    Returns
    -------
    ibis.Table
        ``customer_id, date, amount`` (the day's net amount, returns on the day netted).
    """
    return _purchases(day_amounts(lines))


def _purchases(daily: ibis.Table) -> ibis.Table:
    return daily.filter(daily.purchase).select("customer_id", "date", "amount")


def with_neighbours(days: ibis.Table) -> ibis.Table:
    """Purchase days with the customer's previous and next purchase day (``prev_date``, ``next_date``)."""
    w = ibis.window(group_by="customer_id", order_by="date")
    return days.mutate(prev_date=days.date.lag().over(w), next_date=days.date.lead().over(w))


def purchase_sequence(lines: ibis.Table, daily: ibis.Table | None = None) -> ibis.Table:
    """Ibis expression: :func:`purchase_days` with each customer's previous and next purchase day.

    Shared in a run like :func:`day_amounts`. Filtering it on ``date <= d`` gives the
    sequence of the lines up to ``d``: the neighbours of the days kept are kept too.

    Parameters
    ----------
    lines : ibis.Table
    daily : ibis.Table, optional
        :func:`day_amounts` of ``lines`` when the caller holds it already.

    Returns
    -------
    ibis.Table
        ``customer_id, date, amount, prev_date, next_date`` (null for the first and last day).
    """
    return shared(with_neighbours(_purchases(day_amounts(lines) if daily is None else daily)))


def plus_months(dates: ibis.Value, months: int) -> ibis.Value:
    """Ibis expression: ``dates`` plus calendar months, as a date (month ends clamp, like 31 Jan + 1 = 28 Feb)."""
    return (dates + ibis.interval(months=months)).cast("date")


def acquisition(lines: ibis.Table, master: ibis.Table | None = None, *, data_first: dt.date,
                reference_date: dt.date, gap_months: int, channel_from: str | None = None) -> ibis.Table:
    """Ibis expression: per customer with a purchase, the first purchase and whether the customer is new.

    Parameters
    ----------
    lines : ibis.Table
    master : ibis.Table, optional
        Customer master with ``customer_id`` and optionally ``created`` and ``channel``.
    data_first, reference_date : date
    gap_months : int
    channel_from : {"master", "first_purchase", None}
        Where the acquisition channel comes from: the master's ``channel``, the
        ``sales_channel`` of the first purchase day (alphabetically first when there are
        several), or nowhere (null).

    Returns
    -------
    ibis.Table
        ``customer_id, first_purchase, last_purchase, new_customer`` (bool: acquired
        inside the data, see the module notes), ``channel`` (text or null). Shared in a
        run like :func:`day_amounts`.
    """
    days = purchase_days(lines)
    first = days.group_by("customer_id").aggregate(first_purchase=days.date.min(), last_purchase=days.date.max())
    day_before = ibis.date(data_first - dt.timedelta(days=1))
    no_purchase_seen_before = (first.first_purchase - ibis.interval(months=gap_months)).cast("date") >= day_before
    has_created = master is not None and "created" in master.columns
    if has_created:
        m = master.select("customer_id", created=master.created.cast("date"))
        m = m.filter(m.created.notnull() & (m.created <= ibis.date(reference_date)))
        j = first.left_join(m, "customer_id")
        new = ibis.ifelse(j.created.isnull(),
                          (j.first_purchase - ibis.interval(months=gap_months)).cast("date") >= day_before,
                          ibis.least(j.first_purchase, j.created) >= ibis.date(data_first))
        first = j.select("customer_id", "first_purchase", "last_purchase", new_customer=new)
    else:
        first = first.mutate(new_customer=no_purchase_seen_before)
    if channel_from == "master" and master is not None and "channel" in master.columns:
        ch = master.select("customer_id", channel=master.channel.cast("string"))
        j = first.left_join(ch, "customer_id")
        return shared(j.select("customer_id", "first_purchase", "last_purchase", "new_customer", "channel"))
    if channel_from == "first_purchase":
        pos = lines.filter(lines.amount >= 0)
        j = pos.join(first, [pos.customer_id == first.customer_id, pos.date == first.first_purchase])
        ch = j.group_by(j.customer_id).aggregate(channel=j.sales_channel.cast("string").min())
        j2 = first.left_join(ch, "customer_id")
        return shared(j2.select("customer_id", "first_purchase", "last_purchase", "new_customer", "channel"))
    return shared(first.mutate(channel=ibis.null().cast("string")))


# ---------------------------------------------------------------------------------------------
# Churn and acquisition per period


def _count(condition: ibis.Value) -> ibis.Value:
    # ifelse, not a boolean cast: PostgreSQL cannot cast boolean to bigint.
    return ibis.ifelse(condition, 1, 0).sum()


def churn_by_period(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                    granularity: Granularity = "year", gap_months: int = 12,
                    customers: pd.DataFrame | ibis.Table | None = None,
                    data_first: dt.date | None = None) -> pd.DataFrame:
    """Customers at start, new, reactivated, lost and at end of each period, with revenue won and lost.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        Usable transaction lines (see :func:`lines_table`).
    reference_date : date
        Last day of the last period.
    granularity : {"year", "quarter", "month"}, default "year"
    gap_months : int, default 12
        A customer is lost after this many months without a purchase; at least one period.
    customers : DataFrame or ibis.Table, optional
        Customer master with ``customer_id`` and optionally ``created`` (see the module notes).
    data_first : date, optional
        First day of the data; default the first line's date.

    Returns
    -------
    DataFrame
        One row per reported period, oldest first: ``period_start, period_end`` (dates,
        inclusive), ``customers_start`` (active the day before the period),
        ``new, reactivated, lost`` (customers), ``customers_end`` (active on the last
        day); ``churn_rate`` = lost / customers at start and ``retention_rate`` = 1 -
        churn rate (0-1, NaN without customers at start); ``revenue`` (net revenue in
        the period, euro), ``revenue_new`` (net revenue in the period of the period's
        new customers), ``revenue_lost`` (net revenue of the lost customers in the 12
        months up to and including their last purchase). Always
        ``customers_start + new + reactivated - lost == customers_end``. Empty when the
        data are shorter than the gap plus one period.

    Raises
    ------
    ParamsError
        When the gap is shorter than one period.
    DataError
        When a needed column is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "b"], "amount": [10.0, 5.0, 7.0],
    ...                    "date": pd.to_datetime(["2024-02-01", "2024-03-01", "2025-01-10"])})
    >>> f = churn_by_period(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2023, 1, 1))
    >>> f[["customers_start", "new", "lost", "customers_end", "revenue_lost"]].values.tolist()
    [[0.0, 2.0, 0.0, 2.0, 0.0], [2.0, 0.0, 1.0, 1.0, 10.0]]
    """
    lines, master = as_tables(transactions, customers)
    months = period_months(granularity)
    check_gap(gap_months, granularity)
    data_first = data_first or data_first_date(lines)
    n_periods = reported_periods(reference_date, data_first=data_first, months=months, history_months=gap_months)
    if n_periods == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in FLOW_COLUMNS})
    with contextlib.ExitStack() as stack:
        # The day totals, purchase days and acquisitions feed six queries: computed once each
        # (in a run, once for every analysis: then computed_once hands on the shared tables).
        daily = stack.enter_context(computed_once(day_amounts(lines)))
        days = stack.enter_context(computed_once(purchase_sequence(lines, daily)))
        acq = stack.enter_context(computed_once(acquisition(lines, master, data_first=data_first,
                                                            reference_date=reference_date, gap_months=gap_months)))
        return _flows(lines, daily, days, acq, reference_date=reference_date, months=months, gap_months=gap_months,
                      n_periods=n_periods)


def _flows(lines: ibis.Table, daily: ibis.Table, days: ibis.Table, acq: ibis.Table, *, reference_date: dt.date,
           months: int, gap_months: int, n_periods: int) -> pd.DataFrame:
    """:func:`churn_by_period` from its shared tables."""
    ref = ibis.date(reference_date)
    ev = days.join(acq.select("customer_id", "new_customer", "first_purchase"), "customer_id")
    lapse = plus_months(ev.date, gap_months)
    ev = ev.mutate(lapse=lapse)

    # Activations (first purchase, or a purchase after a lapse) and lapses, per period.
    activation = ev.prev_date.isnull() | (ev.date > plus_months(ev.prev_date, gap_months))
    act = ev.filter(activation).mutate(pno=period_number(ev.date, reference_date, months),
                                       is_new=ev.prev_date.isnull() & ev.new_customer)
    act_counts = act.group_by("pno").aggregate(new=_count(act.is_new), reactivated=_count(~act.is_new)).to_pandas()
    lost = ev.filter((ev.next_date.isnull() | (ev.next_date > ev.lapse)) & (ev.lapse <= ref))
    lost = lost.select("customer_id", last=lost.date, pno=period_number(lost.lapse, reference_date, months))
    lost_counts = lost.group_by("pno").aggregate(lost=lost.count()).to_pandas()
    window = daily.select(cid=daily.customer_id, day=daily.date, amount=daily.amount)
    j = lost.join(window, [lost.customer_id == window.cid, window.day <= lost.last,
                           window.day > plus_months(lost.last, -12)])
    revenue_lost = j.group_by("pno").aggregate(revenue_lost=j.amount.sum()).to_pandas()

    # Revenue in each period, and of the period's new customers.
    pno_line = period_number(lines.date, reference_date, months)
    revenue = lines.group_by(pno=pno_line).aggregate(revenue=lines.amount.sum().cast("float64")).to_pandas()
    new_acq = acq.filter(acq.new_customer).select(
        cid="customer_id", first_pno=period_number(acq.first_purchase, reference_date, months))
    nl = lines.join(new_acq, lines.customer_id == new_acq.cid)
    nl = nl.filter(period_number(nl.date, reference_date, months) == nl.first_pno)
    revenue_new = nl.group_by(pno=nl.first_pno).aggregate(revenue_new=nl.amount.sum().cast("float64")).to_pandas()

    # Active customers at each period end, counted directly (not from the flows).
    bounds = {j: months_before(reference_date, j * months) for j in range(n_periods + 1)}
    active = days.mutate(lapse=plus_months(days.date, gap_months)).aggregate(**{
        f"b{j}": _count((days.date <= ibis.date(b)) & (days.next_date.isnull() | (days.next_date > ibis.date(b)))
                        & (plus_months(days.date, gap_months) > ibis.date(b)))
        for j, b in bounds.items()}).to_pandas().iloc[0]

    rows = []
    for pno in range(n_periods - 1, -1, -1):
        start, end = period_bounds(reference_date, pno, months)
        rows.append({"pno": pno, "period_start": start, "period_end": end,
                     "customers_start": active[f"b{pno + 1}"], "customers_end": active[f"b{pno}"]})
    out = pd.DataFrame(rows)
    for part in (act_counts, lost_counts, revenue_lost, revenue, revenue_new):
        out = out.merge(part, on="pno", how="left")
    counts = ["customers_start", "new", "reactivated", "lost", "customers_end"]
    out[counts] = out[counts].fillna(0).astype("int64")
    for col in ("revenue", "revenue_new", "revenue_lost"):
        out[col] = out[col].astype("float64").fillna(0.0)
    start = out["customers_start"].replace(0, np.nan)
    out["churn_rate"] = out["lost"] / start
    out["retention_rate"] = 1 - out["churn_rate"]
    return out[list(FLOW_COLUMNS)].reset_index(drop=True)



def channel_source(lines: ibis.Table, master: ibis.Table | None) -> str | None:
    """Where the acquisition channel comes from: ``"master"``, ``"first_purchase"`` or None.

    The customer master's ``channel`` when it has one; otherwise the sales channel of the
    first purchase when the lines carry any; otherwise none.
    """
    if master is not None and "channel" in master.columns:
        return "master"
    if "sales_channel" in lines.columns and bool(lines.sales_channel.notnull().any().to_pyarrow().as_py()):
        return "first_purchase"
    return None


def _complete(period_end: dt.date, months: int, reference_date: dt.date) -> bool:
    """Whether a customer acquired on ``period_end`` has ``months`` whole months of data after it."""
    after = (pd.Timestamp(period_end) + pd.DateOffset(months=months)).date()
    return after <= reference_date + dt.timedelta(days=1)


def _history_months(master: ibis.Table | None, gap_months: int) -> int:
    """Months of data a cohort needs before it: none when creation dates tell who is new."""
    return 0 if master is not None and "created" in master.columns else gap_months


def acquisition_by_channel(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                           granularity: Granularity = "year", gap_months: int = 12,
                           customers: pd.DataFrame | ibis.Table | None = None,
                           data_first: dt.date | None = None) -> pd.DataFrame:
    """New customers per period and acquisition channel, their first-year revenue and retention.

    A new customer (see the module notes) belongs to the period of their first purchase.
    The channel is the customer master's ``channel`` when there is one, else the sales
    channel of the first purchase (see :func:`channel_source`).

    Parameters
    ----------
    transactions, reference_date, granularity, gap_months, customers, data_first
        As in :func:`churn_by_period`.

    Returns
    -------
    DataFrame
        One row per reported period and channel, oldest first, then by channel:
        ``period_start, period_end``; ``channel`` (text, None when unknown);
        ``new_customers``; ``first_year_revenue`` (net revenue in the 12 months from
        each customer's first purchase, euro, summed) and ``first_year_complete``
        (whether those 12 months lie before the reference date for every customer of the
        period); ``retained_1y`` (customers with a purchase 12-24 months after their
        first) and ``retained_1y_complete``; ``retained_2y`` (a purchase 24-36 months
        after) and ``retained_2y_complete``; ``channel_source`` (``master``,
        ``first_purchase`` or None).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 4.0, 5.0],
    ...     "date": pd.to_datetime(["2023-02-01", "2024-03-01", "2023-06-01"])})
    >>> cm = pd.DataFrame({"customer_id": ["a", "b"], "channel": ["web", "fair"],
    ...                    "created": pd.to_datetime(["2023-01-15", "2023-05-01"])})
    >>> f = acquisition_by_channel(tx, reference_date=dt.date(2025, 12, 31), customers=cm,
    ...                            data_first=dt.date(2023, 1, 1))
    >>> f[["period_end", "channel", "new_customers", "first_year_revenue", "retained_1y"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [[datetime.date(2023, 12, 31), 'fair', 1, 5.0, 0], [datetime.date(2023, 12, 31), 'web', 1, 10.0, 1],
     [datetime.date(2024, 12, 31), None, 0, 0.0, 0], [datetime.date(2025, 12, 31), None, 0, 0.0, 0]]
    """
    lines, master = as_tables(transactions, customers)
    months = period_months(granularity)
    data_first = data_first or data_first_date(lines)
    n_periods = reported_periods(reference_date, data_first=data_first, months=months,
                                 history_months=_history_months(master, gap_months))
    source = channel_source(lines, master)
    if n_periods == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in CHANNEL_COLUMNS})
    acq = acquisition(lines, master, data_first=data_first, reference_date=reference_date, gap_months=gap_months,
                      channel_from=source)
    new = acq.filter(acq.new_customer)
    new = new.select(cid="customer_id", first="first_purchase", channel="channel",
                     pno=period_number(new.first_purchase, reference_date, months))
    new = new.filter((new.pno >= 0) & (new.pno < n_periods))
    daily = day_amounts(lines)
    j = daily.join(new, daily.customer_id == new.cid)
    year1, year2, year3 = (plus_months(j.first, m) for m in (12, 24, 36))
    per_customer = j.group_by(["cid", "pno", "channel"]).aggregate(
        first_year=j.amount.sum(where=j.date < year1).fill_null(0),
        y2=j.purchase.any(where=(j.date >= year1) & (j.date < year2)).fill_null(False),
        y3=j.purchase.any(where=(j.date >= year2) & (j.date < year3)).fill_null(False))
    grouped = per_customer.group_by(["pno", "channel"]).aggregate(
        new_customers=per_customer.count(), first_year_revenue=per_customer.first_year.sum().cast("float64"),
        retained_1y=_count(per_customer.y2), retained_2y=_count(per_customer.y3)).to_pandas()
    rows = []
    for pno in range(n_periods - 1, -1, -1):
        start, end = period_bounds(reference_date, pno, months)
        part = grouped[grouped["pno"] == pno]
        if part.empty:
            part = pd.DataFrame({"channel": [None], "new_customers": [0], "first_year_revenue": [0.0],
                                 "retained_1y": [0], "retained_2y": [0]})
        part = part.assign(period_start=start, period_end=end,
                           first_year_complete=_complete(end, 12, reference_date),
                           retained_1y_complete=_complete(end, 24, reference_date),
                           retained_2y_complete=_complete(end, 36, reference_date))
        rows.append(part.sort_values("channel", na_position="last", key=lambda s: s.astype("string")))
    out = pd.concat(rows, ignore_index=True)
    out["channel"] = out["channel"].astype(object).where(out["channel"].notna(), None)
    for col in ("new_customers", "retained_1y", "retained_2y"):
        out[col] = out[col].astype("int64")
    out["first_year_revenue"] = out["first_year_revenue"].astype("float64")
    out["channel_source"] = source
    return out[list(CHANNEL_COLUMNS)].reset_index(drop=True)


def group_channels(acquisitions: pd.DataFrame, *, max_channels: int = 7) -> pd.DataFrame:
    """The acquisition frame with small channels folded into :data:`OTHER_CHANNEL` and no channel named.

    Channels are ranked by new customers over all periods (ties by name); the
    ``max_channels`` largest keep their name, the rest become ``(other)``; customers
    without a channel become :data:`UNKNOWN_CHANNEL`. Counts and revenue are summed.

    Returns
    -------
    DataFrame
        Same columns as :func:`acquisition_by_channel`.

    Examples
    --------
    >>> a = pd.DataFrame({"period_start": [1, 1, 1], "period_end": [2, 2, 2], "channel": ["x", "y", None],
    ...     "new_customers": [5, 1, 2], "first_year_revenue": [50.0, 9.0, 2.0], "first_year_complete": True,
    ...     "retained_1y": [1, 0, 0], "retained_1y_complete": True, "retained_2y": 0,
    ...     "retained_2y_complete": False, "channel_source": "master"})
    >>> group_channels(a, max_channels=1)[["channel", "new_customers"]].values.tolist()
    [['x', 5], ['(other)', 1], ['(unknown)', 2]]
    """
    frame = acquisitions.copy()
    frame["channel"] = frame["channel"].astype(object).where(frame["channel"].notna(), UNKNOWN_CHANNEL)
    named = frame[frame["channel"] != UNKNOWN_CHANNEL]
    totals = named.groupby("channel")["new_customers"].sum().reset_index()
    totals = totals.sort_values(["new_customers", "channel"], ascending=[False, True])
    keep = list(totals["channel"].iloc[:max_channels])
    frame["channel"] = frame["channel"].where(frame["channel"].isin([*keep, UNKNOWN_CHANNEL]), OTHER_CHANNEL)
    order = {c: i for i, c in enumerate([*keep, OTHER_CHANNEL, UNKNOWN_CHANNEL])}
    keys = ["period_start", "period_end", "channel"]
    flags = ["first_year_complete", "retained_1y_complete", "retained_2y_complete", "channel_source"]
    out = frame.groupby(keys, sort=False, dropna=False).agg(
        {"new_customers": "sum", "first_year_revenue": "sum", "retained_1y": "sum", "retained_2y": "sum",
         **{f: "first" for f in flags}}).reset_index()
    out = out.assign(_o=out["channel"].map(order)).sort_values(["period_start", "_o"], kind="stable")
    return out.drop(columns="_o")[list(acquisitions.columns)].reset_index(drop=True)


def channel_summary(acquisitions: pd.DataFrame) -> pd.DataFrame:
    """Per acquisition channel over all periods: new customers, first-year revenue and retention.

    Revenue and retention pool only the periods whose window is complete (see
    :func:`acquisition_by_channel`), so young cohorts do not pull them down.

    Returns
    -------
    DataFrame
        One row per channel in the input's order of first appearance by size:
        ``channel``, ``new_customers``, ``share`` (of all new customers, 0-1),
        ``first_year_revenue_per_customer`` (euro), ``retention_1y`` and
        ``retention_2y`` (0-1, NaN when no period is complete), ``base_1y`` and
        ``base_2y`` (the new customers those rates are over).

    Examples
    --------
    >>> a = pd.DataFrame({"channel": ["x", "x"], "new_customers": [4, 2], "first_year_revenue": [40.0, 5.0],
    ...     "first_year_complete": [True, False], "retained_1y": [1, 0], "retained_1y_complete": [True, False],
    ...     "retained_2y": [0, 0], "retained_2y_complete": [False, False]})
    >>> channel_summary(a)[["new_customers", "first_year_revenue_per_customer", "retention_1y"]].values.tolist()
    [[6.0, 10.0, 0.25]]
    """
    _require(acquisitions, ["channel", "new_customers", "first_year_revenue", "first_year_complete",
                            "retained_1y", "retained_1y_complete", "retained_2y", "retained_2y_complete"],
             "channel_summary")
    a = acquisitions.assign(channel=acquisitions["channel"].astype(object).where(acquisitions["channel"].notna(),
                                                                                   UNKNOWN_CHANNEL))
    fy = a["first_year_complete"].astype(bool)
    c1, c2 = a["retained_1y_complete"].astype(bool), a["retained_2y_complete"].astype(bool)
    parts = pd.DataFrame({
        "channel": a["channel"], "new_customers": a["new_customers"],
        "fy_revenue": a["first_year_revenue"].where(fy, 0.0), "fy_base": a["new_customers"].where(fy, 0),
        "r1": a["retained_1y"].where(c1, 0), "base_1y": a["new_customers"].where(c1, 0),
        "r2": a["retained_2y"].where(c2, 0), "base_2y": a["new_customers"].where(c2, 0)})
    g = parts.groupby("channel", sort=False).sum()
    total = g["new_customers"].sum()
    out = pd.DataFrame({
        "channel": g.index.to_numpy(dtype=object),
        "new_customers": g["new_customers"].to_numpy(),
        "share": (g["new_customers"] / total).to_numpy() if total else np.nan,
        "first_year_revenue_per_customer": (g["fy_revenue"] / g["fy_base"].replace(0, np.nan)).to_numpy(),
        "retention_1y": (g["r1"] / g["base_1y"].replace(0, np.nan)).to_numpy(),
        "retention_2y": (g["r2"] / g["base_2y"].replace(0, np.nan)).to_numpy(),
        "base_1y": g["base_1y"].to_numpy(), "base_2y": g["base_2y"].to_numpy()})
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Cohorts


def cohort_retention(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                     granularity: Granularity = "quarter", gap_months: int = 12,
                     customers: pd.DataFrame | ibis.Table | None = None,
                     data_first: dt.date | None = None) -> pd.DataFrame:
    """Acquisition cohorts: share of customers buying, and revenue, in each period since the first purchase.

    A cohort holds the new customers (see the module notes) whose first purchase lies
    in one period; ``age`` 0 is that period, age 1 the next, up to the period ending at
    the reference date.

    Parameters
    ----------
    transactions, reference_date, gap_months, customers, data_first
        As in :func:`churn_by_period`.
    granularity : {"year", "quarter", "month"}, default "quarter"

    Returns
    -------
    DataFrame
        One row per cohort and age, oldest cohort first: ``cohort_start, cohort_end``
        (dates), ``age`` (periods since the first purchase), ``cohort_size``
        (customers), ``customers`` (of them, with a purchase in that period),
        ``customer_retention`` (customers / cohort size, 0-1), ``revenue`` (their net
        revenue in that period, euro), ``revenue_retention`` (revenue / the cohort's
        revenue at age 0; above 1 when the cohort spends more than in its first period).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 20.0],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-11-02", "2025-02-01"])})
    >>> c = cohort_retention(tx, reference_date=dt.date(2025, 12, 31), granularity="quarter",
    ...                      gap_months=3, data_first=dt.date(2024, 9, 1))
    >>> c[c["cohort_start"] == dt.date(2025, 1, 1)][["age", "customers", "customer_retention",
    ...                                              "revenue_retention"]].values.tolist()
    [[0.0, 2.0, 1.0, 1.0], [1.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0], [3.0, 1.0, 0.5, 0.1666...]]
    """
    lines, master = as_tables(transactions, customers)
    months = period_months(granularity)
    data_first = data_first or data_first_date(lines)
    n_periods = reported_periods(reference_date, data_first=data_first, months=months,
                                 history_months=_history_months(master, gap_months))
    if n_periods == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in COHORT_COLUMNS})
    acq = acquisition(lines, master, data_first=data_first, reference_date=reference_date, gap_months=gap_months)
    new = acq.filter(acq.new_customer)
    new = new.select(cid="customer_id", cohort=period_number(new.first_purchase, reference_date, months))
    with computed_once(new.filter((new.cohort >= 0) & (new.cohort < n_periods))) as new:  # read by two queries
        sizes = new.group_by("cohort").aggregate(cohort_size=new.count()).to_pandas()
        daily = day_amounts(lines)
        j = daily.join(new, daily.customer_id == new.cid)
        j = j.mutate(pno=period_number(j.date, reference_date, months))
        activity = j.group_by(["cohort", "pno"]).aggregate(
            customers=j.cid.nunique(where=j.purchase), revenue=j.amount.sum().cast("float64")).to_pandas()
    grid = pd.DataFrame([(c, c - age) for c in range(n_periods - 1, -1, -1) for age in range(c + 1)],
                        columns=["cohort", "pno"])
    out = grid.merge(sizes, on="cohort", how="left").merge(activity, on=["cohort", "pno"], how="left")
    out["cohort_size"] = out["cohort_size"].fillna(0).astype("int64")
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].astype("float64").fillna(0.0)
    out["age"] = (out["cohort"] - out["pno"]).astype("int64")
    bounds = {p: period_bounds(reference_date, p, months) for p in range(n_periods)}
    out["cohort_start"] = out["cohort"].map(lambda p: bounds[p][0])
    out["cohort_end"] = out["cohort"].map(lambda p: bounds[p][1])
    out["customer_retention"] = out["customers"] / out["cohort_size"].replace(0, np.nan)
    first = out[out["age"] == 0].set_index("cohort")["revenue"]
    base = out["cohort"].map(first).where(lambda s: s > 0)
    out["revenue_retention"] = out["revenue"] / base
    return out[list(COHORT_COLUMNS)].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Per customer


def period_code(start: dt.date, end: dt.date) -> str:
    """A language-neutral label of a period: ``2025``, ``2025-Q3``, ``2025-07`` or ``2024-07-16..2025-07-15``.

    Examples
    --------
    >>> period_code(dt.date(2025, 7, 1), dt.date(2025, 9, 30)), period_code(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    ('2025-Q3', '2025')
    """
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if s.day == 1 and e.is_month_end:
        months = (e.year - s.year) * 12 + e.month - s.month + 1
        if months == 12 and s.month == 1:
            return f"{s.year}"
        if months == 3 and s.month in (1, 4, 7, 10):
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if months == 1:
            return f"{s.year}-{s.month:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def customer_lifecycle(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                       granularity: Granularity = "year", gap_months: int = 12,
                       customers: pd.DataFrame | ibis.Table | None = None,
                       data_first: dt.date | None = None) -> pd.DataFrame:
    """Per customer with a purchase: acquisition cohort, acquisition channel and status at the reference date.

    Parameters
    ----------
    transactions, reference_date, granularity, gap_months, customers, data_first
        As in :func:`churn_by_period`.

    Returns
    -------
    DataFrame
        Sorted by ``customer_id``: ``cohort`` (:func:`period_code` of the period of the
        first purchase, for new customers only; None for customers who existed before the
        data), ``acquisition_channel`` (see :func:`channel_source`; None when unknown),
        ``lifecycle_status``: ``new`` (first purchase in the last period), ``reactivated``
        (came back in the last period), ``active`` (bought in the last ``gap`` months),
        ``lost`` (lost during the last period), ``lapsed`` (lost before it).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [10.0, 5.0, 20.0, 3.0],
    ...     "date": pd.to_datetime(["2023-01-10", "2025-03-02", "2024-02-01", "2023-05-05"])})
    >>> customer_lifecycle(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2022, 1, 1)
    ...                    )[["customer_id", "cohort", "lifecycle_status"]].values.tolist()
    [['a', '2023', 'reactivated'], ['b', '2024', 'lost'], ['c', '2023', 'lapsed']]
    """
    lines, master = as_tables(transactions, customers)
    months = period_months(granularity)
    data_first = data_first or data_first_date(lines)
    acq = acquisition(lines, master, data_first=data_first, reference_date=reference_date, gap_months=gap_months,
                      channel_from=channel_source(lines, master))
    days = purchase_sequence(lines)
    activation = days.prev_date.isnull() | (days.date > plus_months(days.prev_date, gap_months))
    last_act = days.group_by(cid=days.customer_id).aggregate(last_activation=days.date.max(where=activation))
    j = acq.join(last_act, acq.customer_id == last_act.cid)
    lapse = plus_months(j.last_purchase, gap_months)
    ref = ibis.date(reference_date)
    first_pno = period_number(j.first_purchase, reference_date, months)
    status = (ibis.cases(
        (lapse <= ref, ibis.ifelse(period_number(lapse, reference_date, months) == 0, "lost", "lapsed")),
        (j.new_customer & (first_pno == 0), "new"),
        (period_number(j.last_activation, reference_date, months) == 0, "reactivated"),
        else_="active"))
    frame = j.select(customer_id=j.customer_id, first_pno=first_pno, new_customer=j.new_customer,
                     acquisition_channel=j.channel, lifecycle_status=status).order_by("customer_id").to_pandas()
    history = _history_months(master, gap_months)
    n_periods = reported_periods(reference_date, data_first=data_first, months=months, history_months=history)
    codes = {p: period_code(*period_bounds(reference_date, p, months)) for p in range(n_periods)}
    cohort = frame["first_pno"].map(codes)
    keep = (frame["new_customer"].astype(bool) & cohort.notna()).to_numpy()
    frame["cohort"] = pd.Series(np.where(keep, cohort.to_numpy(dtype=object), None), index=frame.index, dtype=object)
    frame["customer_id"] = frame["customer_id"].astype("string")
    channel = frame["acquisition_channel"]
    frame["acquisition_channel"] = pd.Series(np.where(channel.notna().to_numpy(), channel.to_numpy(dtype=object), None),
                                             index=frame.index, dtype=object)
    return frame[["customer_id", "cohort", "acquisition_channel", "lifecycle_status"]].reset_index(drop=True)
