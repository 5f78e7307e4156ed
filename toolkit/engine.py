"""Transaction lines to customer level, in DuckDB (the one step that reads every line).

Everything after this step works on customer-level pandas frames. The same SQL runs
on the ``lines`` table of a report run (see :mod:`toolkit.sources`) and on a pandas
frame of transactions in an ad-hoc session (:func:`customer_summary`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from toolkit.errors import DataError


@dataclass(frozen=True)
class Period:
    """The analysis period ``(start, end]`` and the equally long period before it.

    Attributes
    ----------
    end : date
        The reference date (inclusive).
    start : date
        Exclusive start: the period holds dates ``start < date <= end``.
    previous_start : date
        Exclusive start of the previous period ``(previous_start, start]``.
    months : int
    """

    end: dt.date
    start: dt.date
    previous_start: dt.date
    months: int

    @property
    def first_day(self) -> dt.date:
        """First date inside the period."""
        return self.start + dt.timedelta(days=1)


def analysis_period(reference_date: dt.date, months: int = 12) -> Period:
    """The period of ``months`` months ending on ``reference_date``.

    Examples
    --------
    >>> p = analysis_period(dt.date(2025, 12, 31), 12)
    >>> p.first_day, p.end, p.previous_start
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), datetime.date(2023, 12, 31))
    """
    ref = pd.Timestamp(reference_date)
    start = (ref - pd.DateOffset(months=months)).date()
    previous = (ref - pd.DateOffset(months=2 * months)).date()
    return Period(end=ref.date(), start=start, previous_start=previous, months=months)


#: Columns of :func:`customer_summary`, with their meaning.
SUMMARY_COLUMNS = {
    "customer_id": "customer key (text)",
    "revenue": "net revenue in the period (returns netted), euro",
    "margin": "gross margin in the period, euro (NaN when no margin column is mapped)",
    "orders": "orders in the period with at least one positive line (distinct order ids, or purchase days)",
    "lines": "transaction lines in the period",
    "returns": "sum of negative lines in the period (returns, credit notes), euro, <= 0",
    "revenue_previous": "net revenue in the previous period of equal length, euro",
    "margin_previous": "gross margin in the previous period, euro",
    "revenue_to_date": "net revenue over all data up to the reference date, euro",
    "margin_to_date": "gross margin over all data up to the reference date, euro",
    "first_purchase": "first date with a positive line (any line when none is positive)",
    "last_purchase": "last date with a positive line (any line when none is positive)",
}


def _summary_sql(table: str, period: Period, has_margin: bool) -> str:
    s, p = f"DATE '{period.start.isoformat()}'", f"DATE '{period.previous_start.isoformat()}'"
    e = f"DATE '{period.end.isoformat()}'"
    margin = "CAST(margin AS DOUBLE)" if has_margin else "CAST(NULL AS DOUBLE)"
    return f"""
        SELECT customer_id,
          coalesce(CAST(sum(amount) FILTER (WHERE date > {s}) AS DOUBLE), 0) AS revenue,
          {"coalesce(CAST(sum(margin) FILTER (WHERE date > " + s + ") AS DOUBLE), 0)" if has_margin else margin}
              AS margin,
          count(DISTINCT order_key) FILTER (WHERE date > {s} AND amount > 0) AS orders,
          count(*) FILTER (WHERE date > {s}) AS lines,
          coalesce(CAST(sum(amount) FILTER (WHERE date > {s} AND amount < 0) AS DOUBLE), 0) AS returns,
          coalesce(CAST(sum(amount) FILTER (WHERE date > {p} AND date <= {s}) AS DOUBLE), 0) AS revenue_previous,
          {"coalesce(CAST(sum(margin) FILTER (WHERE date > " + p + " AND date <= " + s + ") AS DOUBLE), 0)"
           if has_margin else margin} AS margin_previous,
          coalesce(CAST(sum(amount) AS DOUBLE), 0) AS revenue_to_date,
          {"coalesce(CAST(sum(margin) AS DOUBLE), 0)" if has_margin else margin} AS margin_to_date,
          coalesce(min(date) FILTER (WHERE amount > 0), min(date)) AS first_purchase,
          coalesce(max(date) FILTER (WHERE amount > 0), max(date)) AS last_purchase
        FROM {table}
        WHERE date <= {e}
        GROUP BY customer_id
        ORDER BY customer_id"""


def summary_from_lines(con: duckdb.DuckDBPyConnection, period: Period, *, has_margin: bool,
                       table: str = "lines") -> pd.DataFrame:
    """Customer summary from a run's ``lines`` table (usable lines only).

    Returns
    -------
    DataFrame
        One row per customer with a usable line up to the reference date; columns
        as in :data:`SUMMARY_COLUMNS`.
    """
    frame = con.execute(_summary_sql(f"(SELECT * FROM {table} WHERE reason IS NULL)", period, has_margin)).df()
    return _tidy(frame)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame["customer_id"] = frame["customer_id"].astype("string")
    for c in ("first_purchase", "last_purchase"):
        frame[c] = pd.to_datetime(frame[c]).dt.date
    for c in ("orders", "lines"):
        frame[c] = frame[c].astype("int64")
    return frame.reset_index(drop=True)


def customer_summary(transactions: pd.DataFrame, *, reference_date: dt.date, period_months: int = 12,
                     customer_id: str = "customer_id", date: str = "date", amount: str = "amount",
                     margin: str | None = "margin", order_id: str | None = "order_id") -> pd.DataFrame:
    """Summarise transaction lines per customer over the period ending at ``reference_date``.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction line.
    reference_date : date
        Last day of the analysis period (inclusive); later lines are ignored.
    period_months : int, default 12
        Length of the period, ``(reference_date - period_months, reference_date]``.
    customer_id, date, amount, margin, order_id : str
        Column names; ``margin`` and ``order_id`` may be None or absent. Without an
        order id, each purchase day counts as one order.

    Returns
    -------
    DataFrame
        One row per customer with a line up to the reference date, sorted by
        ``customer_id``; columns as in :data:`SUMMARY_COLUMNS`.

    Raises
    ------
    DataError
        When a named column is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-03-01", "2025-02-01", "2025-05-01"]),
    ...                    "amount": [100.0, 50.0, 20.0]})
    >>> s = customer_summary(tx, reference_date=dt.date(2025, 12, 31))
    >>> s[["customer_id", "revenue", "revenue_previous", "orders"]].to_dict("list")
    {'customer_id': ['a', 'b'], 'revenue': [50.0, 20.0], 'revenue_previous': [100.0, 0.0], 'orders': [1, 1]}
    """
    needed = [customer_id, date, amount]
    missing = [c for c in needed if c not in transactions.columns]
    if missing:
        raise DataError(f"customer_summary: column(s) {', '.join(missing)} not in the transactions frame "
                        f"(it has {', '.join(map(str, transactions.columns))}); pass the right names, "
                        "e.g. customer_id='klantnr'.")
    has_margin = margin is not None and margin in transactions.columns
    has_order = order_id is not None and order_id in transactions.columns
    frame = pd.DataFrame({
        "customer_id": transactions[customer_id].astype("string"),
        "date": pd.to_datetime(transactions[date]).dt.date,
        "amount": pd.to_numeric(transactions[amount]),
        "margin": pd.to_numeric(transactions[margin]) if has_margin else float("nan"),
    })
    frame["order_key"] = (transactions[order_id].astype("string").fillna(frame["date"].astype("string"))
                          if has_order else frame["date"].astype("string"))
    period = analysis_period(reference_date, period_months)
    con = duckdb.connect()
    try:
        con.register("tx_frame", frame)
        out = con.execute(_summary_sql("tx_frame", period, has_margin)).df()
    finally:
        con.close()
    return _tidy(out)
