"""Customer summary: hand-computed on a ten-line table."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import pandas as pd
import pytest

from toolkit.engine import SharedTables, analysis_period, computed_once, customer_summary, shared
from toolkit.errors import DataError

REF = dt.date(2025, 12, 31)


def tx() -> pd.DataFrame:
    # Period: 2025-01-01..2025-12-31; previous period: 2024-01-01..2024-12-31.
    rows = [
        ("a", "2024-03-01", 100.0, 30.0, "o1"),   # previous period
        ("a", "2025-02-01", 50.0, 10.0, "o2"),    # period
        ("a", "2025-02-01", 25.0, 5.0, "o2"),     # same order, second line
        ("a", "2025-03-01", -20.0, -4.0, "c1"),   # return: nets, not an order
        ("b", "2025-05-01", 20.0, 2.0, "o3"),     # new customer
        ("c", "2023-06-01", 40.0, 8.0, "o4"),     # before both periods: inactive
        ("d", "2024-12-31", 60.0, 6.0, "o5"),     # last day of the previous period
        ("d", "2025-01-01", 70.0, 7.0, "o6"),     # first day of the period
        ("e", "2025-04-01", -15.0, -3.0, "c2"),   # only a return in the period
        ("e", "2026-01-01", 99.0, 9.0, "o7"),     # after the reference date: ignored
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "margin", "order_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_analysis_period_boundaries():
    p = analysis_period(REF, 12)
    assert (p.start, p.first_day, p.end, p.previous_start) == (
        dt.date(2024, 12, 31), dt.date(2025, 1, 1), REF, dt.date(2023, 12, 31))
    q = analysis_period(dt.date(2025, 3, 31), 1)
    assert (q.first_day, q.previous_start) == (dt.date(2025, 3, 1), dt.date(2025, 1, 31))


def test_customer_summary_by_hand():
    s = customer_summary(tx(), reference_date=REF).set_index("customer_id")
    assert s.index.tolist() == ["a", "b", "c", "d", "e"]
    assert s["revenue"].to_dict() == {"a": 55.0, "b": 20.0, "c": 0.0, "d": 70.0, "e": -15.0}
    assert s["margin"].to_dict() == {"a": 11.0, "b": 2.0, "c": 0.0, "d": 7.0, "e": -3.0}
    assert s["orders"].to_dict() == {"a": 1, "b": 1, "c": 0, "d": 1, "e": 0}
    assert s["lines"].to_dict() == {"a": 3, "b": 1, "c": 0, "d": 1, "e": 1}
    assert s["returns"].to_dict() == {"a": -20.0, "b": 0.0, "c": 0.0, "d": 0.0, "e": -15.0}
    assert s["revenue_previous"].to_dict() == {"a": 100.0, "b": 0.0, "c": 0.0, "d": 60.0, "e": 0.0}
    assert s["revenue_to_date"].to_dict() == {"a": 155.0, "b": 20.0, "c": 40.0, "d": 130.0, "e": -15.0}
    assert s.loc["a", "first_purchase"] == pd.Timestamp("2024-03-01")
    assert s.loc["a", "last_purchase"] == pd.Timestamp("2025-02-01")  # the return is not a purchase
    assert s.loc["e", "first_purchase"] == pd.Timestamp("2025-04-01")  # no purchase at all: first line


def test_without_order_id_each_purchase_day_is_an_order():
    frame = tx().drop(columns=["order_id"])
    s = customer_summary(frame, reference_date=REF, order_id=None).set_index("customer_id")
    assert s.loc["a", "orders"] == 1  # two lines on 2025-02-01 are one purchase day


def test_without_margin_the_margin_is_missing():
    s = customer_summary(tx().drop(columns=["margin"]), reference_date=REF)
    assert s["margin"].isna().all()


def test_input_not_mutated_and_deterministic():
    frame = tx()
    before = frame.copy()
    a = customer_summary(frame, reference_date=REF)
    b = customer_summary(frame, reference_date=REF)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(a, b)


def test_missing_column_is_a_clear_error():
    with pytest.raises(DataError, match=r"column\(s\) amount not in the transactions frame.*customer_id='klantnr'"):
        customer_summary(tx().drop(columns=["amount"]), reference_date=REF)


def test_other_column_names():
    frame = tx().rename(columns={"customer_id": "klantnr", "date": "datum", "amount": "omzet"})
    s = customer_summary(frame, reference_date=REF, customer_id="klantnr", date="datum", amount="omzet")
    assert s["revenue"].sum() == 130.0


def test_monthly_without_margin():
    import ibis

    from toolkit.engine import monthly_expr

    frame = tx().drop(columns=["margin"])
    lines = ibis.memtable(frame).mutate(date=ibis._.date.cast("date"))
    out = monthly_expr(lines, has_margin=False).to_pandas()
    assert out["margin"].isna().all()
    assert out["revenue"].sum() == frame["amount"].sum()


def test_computed_once_materialises_on_duckdb_and_cleans_up():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(10)")
    t = ibis.duckdb.from_connection(con).table("t")
    tables = "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_once_%'"
    with computed_once(t.filter(t.x % 2 == 0)) as once:
        assert con.execute(tables).fetchall() == [(1,)]  # a real temporary table
        con.execute("INSERT INTO t VALUES (100)")  # computed once: later changes do not show
        assert once.x.sum().to_pyarrow().as_py() == 20
    assert con.execute(tables).fetchall() == [(0,)]
    with pytest.raises(ZeroDivisionError), computed_once(t) as once:
        raise ZeroDivisionError
    assert con.execute(tables).fetchall() == [(0,)]
    frame = ibis.memtable({"x": [1, 2]})
    with computed_once(frame) as same:  # an in-memory frame is left as it is
        assert same is frame


def test_shared_tables_store_each_expression_once_per_scope():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(10)")
    t = ibis.duckdb.from_connection(con).table("t")
    tables = "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_shared_%'"
    odd = t.filter(t.x % 2 == 1)
    assert shared(odd) is odd  # no scope: the expression itself
    with SharedTables(con):
        first = shared(t.filter(t.x % 2 == 1))
        con.execute("INSERT INTO t VALUES (11)")  # stored: a later change does not show
        again = shared(t.filter(t.x % 2 == 1))  # an equal expression built anew: the same table
        assert again.get_name() == first.get_name()
        assert again.x.sum().to_pyarrow().as_py() == 25
        assert shared(t.filter(t.x > 5)).get_name() != first.get_name()
        assert shared(t) is t  # a stored table already
        assert con.execute(tables).fetchall() == [(2,)]
        with computed_once(again) as once:  # computed_once passes a stored table on
            assert once is again
        with pytest.raises(RuntimeError, match="already open"):
            SharedTables(con).open()
    assert con.execute(tables).fetchall() == [(0,)]
    assert shared(odd) is odd  # scope closed


def test_shared_tables_close_after_the_connection_did():
    # The run closes DuckDB once the last aggregate is done; closing the scope after that must not fail.
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    t = ibis.duckdb.from_connection(con).table("t")
    scope = SharedTables(con).open()
    shared(t.filter(t.x > 0))
    con.close()
    scope.close()
    scope.close()  # idempotent
    other = duckdb.connect()
    with SharedTables(other):  # a new scope opens on another connection
        pass
