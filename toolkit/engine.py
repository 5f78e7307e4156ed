"""Transaction lines to customer level: the one step that reads every line, written once in Ibis.

Every aggregation here takes an Ibis table of *usable* transaction lines with the
canonical columns ``customer_id, date, amount, margin, order_key, order_id,
product_group, quantity, sales_channel`` and returns an Ibis expression, so the same
code runs on the embedded DuckDB (files read by :mod:`toolkit.sources`) and on a
client's own engine. Everything after aggregation works on customer-level pandas
frames.

Example
-------
>>> import datetime as dt
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
...                    "date": pd.to_datetime(["2024-03-01", "2025-02-01", "2025-05-01"]),
...                    "amount": [100.0, 50.0, 20.0]})
>>> customer_summary(tx, reference_date=dt.date(2025, 12, 31))["revenue"].tolist()
[50.0, 20.0]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import ibis
import pandas as pd
from ibis import _

from toolkit.errors import DataError

#: The DuckDB variable holding a run connection's memory limit as given (``toolkit.pipeline.connect``).
MEMORY_LIMIT_VARIABLE = "klantpiramide_memory_limit"


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


#: The line roles :func:`customer_summary_expr` reads (``order_key`` is built from order id and date).
SUMMARY_ROLES = ("customer_id", "date", "amount", "margin", "order_id")


def with_order_key(lines: ibis.Table) -> ibis.Table:
    """``lines`` plus ``order_key``: the order id, or the date as text where there is none.

    Without an order id each purchase day counts as one order. Derived where it is read
    rather than stored in table ``lines``: a stored copy of the order ids took 173 MB of
    DuckDB's memory per 10M lines.

    Examples
    --------
    >>> t = ibis.memtable({"order_id": ["F1", None], "date": [dt.date(2025, 3, 1), dt.date(2025, 3, 2)]})
    >>> with_order_key(t).order_key.to_pandas().tolist()
    ['F1', '2025-03-02']
    """
    return lines.mutate(order_key=ibis.coalesce(lines.order_id, lines.date.cast("string")))


def _money(column: ibis.Value, where: ibis.Value | None = None) -> ibis.Value:
    """Sum of an amount as float euros, 0 when there is nothing to sum."""
    return column.sum(where=where).cast("float64").fill_null(0)


def customer_summary_expr(lines: ibis.Table, period: Period, *, has_margin: bool) -> ibis.Table:
    """Ibis expression: one row per customer with a usable line up to the reference date.

    Parameters
    ----------
    lines : ibis.Table
        Usable transaction lines with canonical columns.
    period : Period
    has_margin : bool
        Whether ``margin`` holds values (else the margin columns are null).

    Returns
    -------
    ibis.Table
        Columns as in :data:`SUMMARY_COLUMNS` (unordered).
    """
    end, start, prev = (ibis.date(d) for d in (period.end, period.start, period.previous_start))
    t = lines.filter(lines.date <= end)
    in_period = t.date > start
    in_previous = (t.date > prev) & (t.date <= start)
    metrics = {
        "revenue": _money(t.amount, in_period),
        "lines": t.count(where=in_period),
        "returns": _money(t.amount, in_period & (t.amount < 0)),
        "revenue_previous": _money(t.amount, in_previous),
        "revenue_to_date": _money(t.amount),
        "first_purchase": ibis.coalesce(t.date.min(where=t.amount > 0), t.date.min()),
        "last_purchase": ibis.coalesce(t.date.max(where=t.amount > 0), t.date.max()),
    }
    if has_margin:
        metrics |= {"margin": _money(t.margin, in_period), "margin_previous": _money(t.margin, in_previous),
                    "margin_to_date": _money(t.margin)}
    summary = t.group_by("customer_id").aggregate(**metrics)
    # Counting distinct orders in a separate two-level aggregate is ~3x faster than a
    # DISTINCT aggregate next to the sums (measured on DuckDB).
    orders = (t.filter(in_period, t.amount > 0).select("customer_id", "order_key").distinct()
              .group_by("customer_id").aggregate(orders=_.count()))
    joined = summary.left_join(orders, "customer_id")
    nothing = ibis.null().cast("float64")
    return joined.select(
        customer_id=summary.customer_id,
        revenue=summary.revenue,
        margin=summary.margin if has_margin else nothing,
        orders=orders.orders.fill_null(0),
        lines=summary.lines,
        returns=summary.returns,
        revenue_previous=summary.revenue_previous,
        margin_previous=summary.margin_previous if has_margin else nothing,
        revenue_to_date=summary.revenue_to_date,
        margin_to_date=summary.margin_to_date if has_margin else nothing,
        first_purchase=summary.first_purchase,
        last_purchase=summary.last_purchase,
    )


def monthly_expr(lines: ibis.Table, *, has_margin: bool) -> ibis.Table:
    """Ibis expression: net revenue, margin, lines and buying customers per calendar month.

    Returns
    -------
    ibis.Table
        ``month`` (first day), ``revenue``, ``margin`` (null without margin), ``lines``,
        ``customers`` (distinct customers with a line), ordered by month.
    """
    month = lines.date.truncate("M").name("month")
    metrics = {"revenue": _money(lines.amount)}
    if has_margin:
        metrics["margin"] = _money(lines.margin)
    out = lines.group_by(month).aggregate(**metrics, lines=lines.count(), customers=lines.customer_id.nunique())
    if not has_margin:
        out = out.mutate(margin=ibis.null().cast("float64"))
    return out.select("month", "revenue", "margin", "lines", "customers").order_by("month")


def date_range_expr(lines: ibis.Table) -> ibis.Table:
    """Ibis expression: the first and last date of the lines (one row: ``first, last``)."""
    return lines.aggregate(first=lines.date.min(), last=lines.date.max())


def tidy_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical dtypes for a customer summary: text ids, datetime64 dates, integer counts."""
    frame = frame[list(SUMMARY_COLUMNS)].copy()
    frame["customer_id"] = frame["customer_id"].astype("string")
    for c in ("first_purchase", "last_purchase"):
        # datetime64, not Python date objects: millions of customers stay vectorised.
        frame[c] = pd.to_datetime(frame[c])
    for c in ("orders", "lines"):
        frame[c] = frame[c].astype("int64")
    for c in ("revenue", "margin", "returns", "revenue_previous", "margin_previous", "revenue_to_date",
              "margin_to_date"):
        frame[c] = frame[c].astype("float64")
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
    dates = pd.to_datetime(transactions[date])
    frame = pd.DataFrame({
        "customer_id": transactions[customer_id].astype("string").to_numpy(dtype=object),
        "date": dates.dt.normalize().to_numpy(),
        "amount": pd.to_numeric(transactions[amount]).to_numpy(dtype=float),
        "margin": pd.to_numeric(transactions[margin]).to_numpy(dtype=float) if has_margin else float("nan"),
    })
    day = dates.dt.strftime("%Y-%m-%d")
    key = transactions[order_id].astype("string").fillna(day) if has_order else day
    frame["order_key"] = key.to_numpy(dtype=object)
    con = duckdb.connect()
    try:
        # Registered on the DuckDB connection (Ibis 12's create_table from pandas fails on DuckDB 2.0).
        con.register("transactions_frame", frame)
        table = ibis.duckdb.from_connection(con).table("transactions_frame")
        lines = table.mutate(date=table.date.cast("date"))
        expr = customer_summary_expr(lines, analysis_period(reference_date, period_months), has_margin=has_margin)
        out = expr.order_by("customer_id").to_pandas()
    finally:
        con.close()
    return tidy_summary(out)


@contextlib.contextmanager
def computed_once(expr: ibis.Table) -> Iterator[ibis.Table]:
    """``expr`` as a temporary table while the block runs, when its engine is DuckDB; else ``expr`` itself.

    An intermediate result that several queries read (per customer and day, say) is then
    computed once instead of once per query. On other engines, and for expressions on
    in-memory frames, the queries share the expression as before. Ibis' own
    ``Table.cache`` fails to drop its table on DuckDB 2.0, hence this.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT range AS x FROM range(5)")
    >>> t = ibis.duckdb.from_connection(con).table("t")
    >>> with computed_once(t.filter(t.x > 2)) as once:
    ...     once.count().to_pyarrow().as_py(), once.x.sum().to_pyarrow().as_py()
    (2, 7)
    """
    backend = _materialisable(expr)
    if backend is None:
        yield expr
        return
    name = _materialise(backend, expr)
    try:
        yield backend.table(name)
    finally:
        backend.con.execute(f'DROP TABLE IF EXISTS "{name}"').fetchall()


def _materialisable(expr: ibis.Table) -> ibis.BaseBackend | None:
    """The DuckDB backend ``expr`` could be stored on as a table; None when it should stay an expression.

    Not on other engines (the client's), not for in-memory frames, and not for a plain
    table reference, which is stored already.
    """
    import ibis.expr.operations as ops
    from ibis.common.exceptions import IbisError

    try:
        backend = expr._find_backend()
    except IbisError:  # several or no backends: nothing to materialise on
        return None
    if (getattr(backend, "name", None) != "duckdb" or isinstance(expr.op(), ops.DatabaseTable)
            or expr.op().find(ops.InMemoryTable)):
        return None
    return backend


def _materialise(backend: ibis.BaseBackend, expr: ibis.Table, prefix: str = "_once") -> str:
    name = f"{prefix}_{uuid.uuid4().hex}"
    backend.con.execute(f'CREATE TEMP TABLE "{name}" AS {ibis.to_sql(expr, dialect="duckdb")}')
    return name


#: The open :class:`SharedTables` scopes by ``id`` of their DuckDB connection.
_SCOPES: dict[int, SharedTables] = {}
_SCOPES_LOCK = threading.Lock()


class SharedTables:
    """Intermediate tables computed once per run and read by every analysis that needs them.

    While the scope is open, :func:`shared` on an expression over ``con`` stores its result
    as a temporary table the first time and hands out that table for any equal expression
    after it (Ibis expressions compare by structure). Several analyses build the same
    intermediate, customer days say, from the same lines: at 10M lines each rebuild cost
    about a second. Closing the scope drops the tables.

    Examples
    --------
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT range AS x FROM range(5)")
    >>> t = ibis.duckdb.from_connection(con).table("t")
    >>> with SharedTables(con):
    ...     a, b = shared(t.filter(t.x > 2)), shared(t.filter(t.x > 2))
    ...     a.get_name() == b.get_name(), a.x.sum().to_pyarrow().as_py()
    (True, 7)
    >>> con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_shared%'").fetchall()
    [(0,)]
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._tables: dict[object, str] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> SharedTables:
        return self.open()

    def open(self) -> SharedTables:
        """Start the scope (``with`` does it): later :func:`shared` calls on ``con`` store their tables."""
        with _SCOPES_LOCK:
            if id(self.con) in _SCOPES:
                raise RuntimeError("SharedTables: a scope is already open on this connection")
            _SCOPES[id(self.con)] = self
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the stored tables (when the connection is still open) and end the scope; idempotent."""
        with _SCOPES_LOCK:
            if _SCOPES.get(id(self.con)) is self:
                del _SCOPES[id(self.con)]
        with self._lock:
            names, self._tables = list(self._tables.values()), {}
        for name in names:
            with contextlib.suppress(duckdb.Error):  # the run may have closed the connection already
                self.con.execute(f'DROP TABLE IF EXISTS "{name}"').fetchall()

    def _table(self, backend: ibis.BaseBackend, expr: ibis.Table) -> ibis.Table:
        # One lock for lookup and creation: two threads asking at once compute it once.
        with self._lock:
            key = expr.op()
            if key not in self._tables:
                self._tables[key] = _materialise(backend, expr, prefix="_shared")
            return backend.table(self._tables[key])


def shared(expr: ibis.Table) -> ibis.Table:
    """``expr`` as a stored table while a :class:`SharedTables` scope is open on its DuckDB connection.

    Outside such a scope, on other engines and for in-memory frames, ``expr`` itself: the
    queries that read it then compute it each time, with the same results.

    Examples
    --------
    >>> shared(ibis.memtable({"x": [1]})).x.sum().to_pyarrow().as_py()
    1
    """
    backend = _materialisable(expr)
    if backend is None:
        return expr
    with _SCOPES_LOCK:
        scope = _SCOPES.get(id(backend.con))
    return expr if scope is None else scope._table(backend, expr)
