"""Transaction lines that stay in the client's engine: a DuckDB database, PostgreSQL or Spark.

For ``transactions.backend`` other than ``file`` the lines are never exported: this
module connects with Ibis, maps and types the columns and marks every line's exclusion
reason as Ibis expressions, so the checks, the reconciliation and every aggregation run
on the client's engine and only customer-level results travel. The reasons are those of
:mod:`toolkit.sources` (``duplicate_line``, ``missing_customer_id``, ``missing_date``,
``missing_amount``, ``date_before_1900``, ``date_in_future``, ``after_reference_date``);
a database has typed columns, so there are no malformed lines or unreadable text values.

Example
-------
>>> lines, report, ref = open_remote_lines(params, today=dt.date.today())  # doctest: +SKIP
>>> customer_summary_expr(lines, analysis_period(ref), has_margin=True).to_pandas()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlparse

import ibis
import ibis.expr.datatypes as dtypes

from toolkit.engine import with_order_key
from toolkit.errors import DataError, ParamsError
from toolkit.params import RunParams, TransactionsSource
from toolkit.sources import LINE_REASONS, SourceReport

#: Canonical transaction fields and how they are typed from a database column.
_TEXT_ROLES = ("customer_id", "order_id", "product_group", "sales_channel")


def describe(src: TransactionsSource) -> str:
    """Where the lines come from, for reports and messages (never with credentials)."""
    where = src.table or "query"
    if src.backend == "postgres":
        u = urlparse(src.url or "")
        return f"postgres://{u.hostname}:{u.port or 5432}{u.path} {where}"
    if src.backend == "pyspark":
        return f"spark {src.url or 'local[*]'} {src.table or src.path or 'query'}"
    return f"duckdb {src.path} {where}"


def _password(src: TransactionsSource) -> str | None:
    if not src.password_env:
        return None
    value = os.environ.get(src.password_env)
    if value is None:
        raise ParamsError(f"transactions.password_env names the environment variable {src.password_env}, which is "
                          f"not set; set it before the run (export {src.password_env}=...).")
    return value


def spark_session(master: str | None = None):
    """The active Spark session, or a new quiet one on ``master`` (default ``local[*]``)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    session = (SparkSession.builder.master(master or "local[*]").appName("klantpiramide")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(params: RunParams) -> ibis.Table:
    """The raw transaction table on its engine, as an Ibis table.

    Raises
    ------
    DataError
        When the engine cannot be reached or the table does not exist, naming them.
    """
    src = params.transactions
    where = describe(src)
    try:
        if src.backend == "duckdb":
            con = ibis.duckdb.connect(str(params.transactions_path), read_only=True)
        elif src.backend == "postgres":
            u = urlparse(src.url or "")
            con = ibis.postgres.connect(host=u.hostname, port=u.port or 5432, user=unquote(u.username or "") or None,
                                        password=_password(src), database=(u.path or "/").lstrip("/") or None)
        else:
            session = spark_session(src.url)
            con = ibis.pyspark.connect(session)
            if src.path and not src.table and not src.query:
                path = src.path if "://" in src.path else str(params.transactions.resolved_path(params.base_dir))
                reader = session.read.parquet if path.lower().endswith((".parquet", ".pq")) else \
                    (lambda p: session.read.option("header", True).option("inferSchema", True).csv(p))
                reader(path).createOrReplaceTempView("klantpiramide_transactions")
                return con.table("klantpiramide_transactions")
        if src.query:
            return con.sql(src.query)
        schema, _, name = (src.table or "").rpartition(".")
        return con.table(name, database=schema) if schema else con.table(name)
    except (ParamsError, DataError):
        raise
    except Exception as exc:  # drivers raise their own types; the user needs the engine, table and cause
        raise DataError(f"transactions ({where}): cannot read the table: {type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:300]}. Check transactions.url, table and the credentials.") \
            from None


def _typed(raw: ibis.Table, src: TransactionsSource, where: str) -> dict[str, ibis.Value]:
    """Canonical typed columns from the mapped raw columns (Ibis expressions)."""
    mapping = src.columns.model_dump()
    missing = [c for c in mapping.values() if c and c not in raw.columns]
    if missing:
        raise DataError(f"transactions ({where}): column(s) {', '.join(repr(c) for c in missing)} not in the table; "
                        f"its columns are: {', '.join(raw.columns)}.")
    out: dict[str, ibis.Value] = {}
    for role, col in mapping.items():
        if col is None:
            out[role] = ibis.null().cast({"date": "date", "amount": "decimal(18,4)", "margin": "decimal(18,4)",
                                          "quantity": "float64", "discount": "float64"}.get(role, "string"))
            continue
        value, dtype = raw[col], raw[col].type()
        if role in _TEXT_ROLES:
            if dtype.is_floating():
                # 104233.0 -> "104233": ids stored as floats keep their digits only.
                value = ibis.cases((value == value.floor(), value.cast("int64").cast("string")),
                                   else_=value.cast("string"))
            text = value.cast("string").strip()
            out[role] = ibis.cases((text == "", ibis.null("string")), else_=text)
        elif role == "date":
            if not (dtype.is_date() or dtype.is_timestamp()):
                raise DataError(f"transactions ({where}): column '{col}' has type {dtype}; in a database the date "
                                "column must be a date or timestamp (convert it in a view or with transactions.query).")
            out[role] = value.cast("date")
        elif role in ("amount", "margin"):
            if not dtype.is_numeric():
                raise DataError(f"transactions ({where}): column '{col}' has type {dtype}; in a database amounts must "
                                "be numeric (convert it in a view or with transactions.query).")
            out[role] = value.cast(dtypes.Decimal(18, 4))
        else:
            out[role] = value.cast("float64")
    return out


def _reasons(typed: dict[str, ibis.Value], duplicate: ibis.Value, today: dt.date) -> ibis.Value:
    return ibis.cases(
        (duplicate, "duplicate_line"),
        (typed["customer_id"].isnull(), "missing_customer_id"),
        (typed["date"].isnull(), "missing_date"),
        (typed["amount"].isnull(), "missing_amount"),
        (typed["date"] < ibis.date(1900, 1, 1), "date_before_1900"),
        (typed["date"] > ibis.date(today), "date_in_future"),
        else_=ibis.null("string"),
    )


def open_remote_lines(params: RunParams, *, today: dt.date | None = None) -> tuple[ibis.Table, SourceReport, dt.date]:
    """Every transaction line on the client's engine with its exclusion reason, and what was excluded.

    Parameters
    ----------
    params : RunParams
        With ``transactions.backend`` ``duckdb``, ``postgres`` or ``pyspark``.
    today : date, optional
        Lines after today are ``date_in_future`` (default: the real today).

    Returns
    -------
    (ibis.Table, SourceReport, date)
        The lines (canonical columns plus ``reason``), the quality report (reconciliation,
        exclusions with example values) and the reference date used.

    Raises
    ------
    DataError
        When the table is empty, columns are missing or have the wrong type, or nothing is usable.
    """
    src = params.transactions
    where = describe(src)
    today = today or dt.date.today()
    raw = connect(params)
    typed = _typed(raw, src, where)
    if src.drop_duplicate_lines:
        # Identical in every column: numbered within the group, all but the first are duplicates.
        duplicate = ibis.row_number().over(group_by=[raw[c] for c in raw.columns]) > 0
    else:
        duplicate = ibis.literal(False)
    lines = raw.select(**typed, reason=_reasons(typed, duplicate, today))
    lines = with_order_key(lines)
    reference = params.reference_date
    if reference is None:
        last = lines.filter(lines.reason.isnull()).date.max().to_pyarrow().as_py()
        if last is None:
            raise DataError(f"transactions ({where}): no usable transaction line.")
        reference = last if isinstance(last, dt.date) else dt.date.fromisoformat(str(last)[:10])
    lines = lines.mutate(reason=ibis.cases((lines.reason.isnull() & (lines.date > ibis.date(reference)),
                                            "after_reference_date"), else_=lines.reason))
    report = _report(lines, src, where)
    if report.rows_read == 0:
        raise DataError(f"transactions ({where}): the table has no rows.")
    if report.rows_usable == 0:
        parts = ", ".join(f"{e['rows']} {e['reason'].replace('_', ' ')}" for e in report.exclusions)
        raise DataError(f"transactions ({where}): no usable transaction line ({parts}).")
    return lines, report, reference


def _report(lines: ibis.Table, src: TransactionsSource, where: str) -> SourceReport:
    counts = (lines.group_by("reason")
              .aggregate(rows=lines.count(), amount=lines.amount.sum(), with_amount=lines.amount.count())
              .to_pyarrow().to_pylist())
    report = SourceReport(label="transactions", path=where, sha256="", size_bytes=0,
                          file_format={"kind": src.backend, "source": where, "rows_are": "rows"})
    total = Decimal(0)
    for row in counts:
        amount = Decimal(str(row["amount"] or 0))
        total += amount
        if row["reason"] is None:
            report.rows_usable = int(row["rows"])
            report.amount_usable = f"{amount:.2f}"
        else:
            report.exclusions.append({"reason": row["reason"], "rows": int(row["rows"]),
                                      "amount": f"{amount:.2f}" if row["with_amount"] else None})
    report.rows_read = sum(int(r["rows"]) for r in counts)
    report.amount_read = f"{total:.2f}"
    report.amount_usable = report.amount_usable or "0.00"
    report.exclusions.sort(key=lambda e: LINE_REASONS.index(e["reason"]))
    for e in report.exclusions:
        rows = (lines.filter(lines.reason == e["reason"]).select("customer_id", "date")
                .order_by(["customer_id", "date"]).limit(5).to_pyarrow().to_pylist())
        column = src.columns.date if "date" in e["reason"] else src.columns.customer_id
        for r in rows:
            value: Any = r["date"] if "date" in e["reason"] else r["customer_id"]
            report.examples.append({"reason": e["reason"], "row": None, "column": column,
                                    "value": None if value is None else str(value)})
    negative = lines.filter(lines.reason.isnull(), lines.amount < 0).aggregate(
        n=lambda t: t.count(), amount=lambda t: t.amount.sum()).to_pyarrow().to_pylist()[0]
    if negative["n"]:
        report.warnings.append({"code": "negative_lines", "rows": int(negative["n"]),
                                "amount": f"{Decimal(str(negative['amount'])):.2f}"})
    return report
