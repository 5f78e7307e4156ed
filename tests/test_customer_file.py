"""The customers fast path (DuckDB-side customer table) writes the bytes of the pandas route."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TX_HEADER, demo_params, params_dict, write, write_params
from toolkit.params import load_params
from toolkit.pipeline import analyse, write_customers_file
from toolkit.report import export_results_customers


def pandas_route(params_path, out, **kw) -> bytes:
    """customers.csv as the report writes it: analyse, customer_table, export_results_customers."""
    results = analyse(load_params(params_path), with_analyses=False, **kw)
    export_results_customers(results, out)
    return out.read_bytes()


def both(tmp_path, params_path, **kw) -> tuple[bytes, bytes, dict[str, int]]:
    fast = tmp_path / "fast.csv"
    counts = write_customers_file(load_params(params_path), fast, **kw)
    return fast.read_bytes(), pandas_route(params_path, tmp_path / "pandas.csv", **kw), counts


def test_small_file_by_hand(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + "F1;9;01-02-2025;100,00;30,00\nF2;10;01-03-2025;50,00;10,00\n"
          "F3;10;05-03-2025;-50,00;-10,00\nF4;011;01-03-2024;20,00;5,00\nF5;9;02-02-2025;0,004;0\n")
    fast, slow, counts = both(tmp_path, write_params(tmp_path, params_dict()))
    assert fast == slow
    rows = fast.decode().splitlines()
    assert rows[0].startswith("customer_id,pyramid_layer,abc_class,revenue,margin,orders,first_purchase,")
    # 9 is the only buyer (100.00 and a 0.004 line); 10 nets to zero, 011 bought before the period.
    assert [r.split(",")[:4] for r in rows[1:]] == [["9", "top", "A", "100.00"], ["10", "inactive", "", "0.00"],
                                                   ["011", "inactive", "", "0.00"]]
    assert counts == {"top": 1, "large": 0, "medium_large": 0, "medium_small": 0, "small": 0, "inactive": 2,
                      "prospect": 0}


def test_a_hash_in_an_id_is_not_quoted_in_either_route(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + "F1;K#9;01-02-2025;100,00;30,00\nF2;10;01-03-2025;50,00;10,00\n")
    fast, slow, _ = both(tmp_path, write_params(tmp_path, params_dict()))
    assert fast == slow
    assert fast.decode().splitlines()[1].startswith("K#9,top,A,100.00,")


@pytest.mark.parametrize("overrides", [
    {},
    {"pyramid_basis": "margin", "include_personal_data": True},
    {"pyramid_shares": {"top": 2, "large": 8, "medium_large": 20, "medium_small": 30, "small": 40},
     "abc_thresholds": [70, 90]},
], ids=["default", "margin-basis-personal", "own-shares"])
def test_demo_with_master_prospects_and_creation_dates(tmp_path, demo_small, overrides):
    data = demo_params(demo_small, tmp_path / "out", **overrides)
    fast, slow, counts = both(tmp_path, write_params(tmp_path, data))
    assert fast == slow
    assert counts["prospect"] > 0 and sum(counts.values()) == fast.count(b"\n") - 1
    header = fast.decode().splitlines()[0].split(",")
    assert ("email" in header) == bool(overrides.get("include_personal_data"))
    assert header[-len(("name", "email", "phone", "street")):] == ["name", "email", "phone", "street"] \
        if overrides.get("include_personal_data") else "street" not in header


def test_without_margin_column(tmp_path):
    write(tmp_path / "tx.csv", "klant;datum;omzet\n1;01-02-2025;10\n2;01-03-2025;20\n")
    p = params_dict()
    p["transactions"]["columns"] = {"customer_id": "klant", "date": "datum", "amount": "omzet"}
    fast, slow, _ = both(tmp_path, write_params(tmp_path, p))
    assert fast == slow
    assert fast.decode().splitlines()[1].startswith("2,top,A,20.00,,1,")


ids = st.one_of(st.integers(0, 10**20).map(str), st.from_regex(r"0{1,3}[0-9]{1,4}", fullmatch=True),
                st.from_regex(r"[A-Z]{1,2}[0-9]{1,3}", fullmatch=True))
days = st.integers(0, 3 * 365).map(lambda d: dt.date(2023, 1, 1) + dt.timedelta(days=d))
cents = st.integers(-20_000, 200_000)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(ids, days, cents, cents, st.integers(1, 5)), min_size=1, max_size=60))
def test_random_lines_give_identical_files(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("fastpath")
    body = "".join(f"F{o};{c};{d:%d-%m-%Y};{a / 100:.2f};{m / 100:.2f}\n".replace(".", ",")
                   for c, d, a, m, o in lines)
    write(folder / "tx.csv", TX_HEADER + body)
    fast, slow, counts = both(folder, write_params(folder, params_dict()), today=dt.date(2026, 1, 1))
    assert fast == slow
    assert sum(counts.values()) == len({c for c, *_ in lines})


def test_long_steps_say_how_far_they_are(tmp_path):
    from toolkit.pipeline import connect, progress_ticks

    con = connect(tmp_path)
    said: list[str] = []
    with progress_ticks(con, said.append, "counting", every=0.2):
        con.execute("SELECT sum(hash(i)) FROM range(300000000) t(i)").fetchall()
    con.close()
    assert said and all(m.startswith("still counting: ") for m in said)
    assert any(m.endswith("% done") for m in said)


def test_progress_ticks_ask_what_is_running_at_each_tick(tmp_path):
    # The analysis phase runs one step after another under one ticker: each tick names the current one.
    import time

    from toolkit.pipeline import _Running, connect, progress_ticks

    con = connect(tmp_path)
    running = _Running()
    said: list[str] = []
    with progress_ticks(con, said.append, running.describe, every=0.05):
        running.lines = "clv"
        time.sleep(0.3)
        running.customers = "rfm"
        time.sleep(0.3)
        running.lines = running.customers = None
        time.sleep(0.3)
    con.close()
    texts = [m.split(":")[0] for m in said]
    assert "still analysing (clv on the lines)" in texts
    assert "still analysing (clv on the lines, rfm on the customers)" in texts
    assert texts[-1] == "still analysing"


@pytest.mark.parametrize("threshold, lowered", [(None, False), (8_000_000, True)], ids=["holds-less", "holds-more"])
def test_duckdb_memory_limit_lowered_only_for_the_ranking_of_a_large_summary(tmp_path, monkeypatch, threshold,
                                                                             lowered):
    # DuckDB's limit drops to RANKING_DUCKDB_BYTES while Python ranks, but only when DuckDB holds more
    # than that (300,000 customers: about 22 MB, far below the default 512 MB). Python ranks a margin
    # pyramid; a revenue pyramid is ranked in DuckDB (test_revenue_pyramid_ranked_in_duckdb...).
    import duckdb

    import toolkit.customer_file as cf
    from toolkit.engine import analysis_period

    if threshold is not None:
        monkeypatch.setattr(cf, "RANKING_DUCKDB_BYTES", threshold)
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    con.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")  # where the lowered limit spills to
    con.execute("""CREATE TABLE summary AS SELECT CAST(i AS VARCHAR) AS customer_id, CAST(i % 97 AS DOUBLE) AS revenue,
        CAST(i % 13 AS DOUBLE) AS margin, 1 AS orders, 1 AS lines, 0.0 AS returns, 0.0 AS revenue_previous,
        0.0 AS margin_previous, CAST(i % 97 AS DOUBLE) AS revenue_to_date, CAST(i % 13 AS DOUBLE) AS margin_to_date,
        DATE '2025-03-01' AS first_purchase, DATE '2025-03-01' AS last_purchase FROM range(1, 300_001) t(i)""")
    seen = []
    ranking = cf.layers_and_classes

    def watched(*args, **kwargs):
        seen.append(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
        return ranking(*args, **kwargs)

    monkeypatch.setattr(cf, "layers_and_classes", watched)
    counts = cf.write_customer_table(con, "summary", tmp_path / "c.csv", period=analysis_period(dt.date(2025, 12, 31)),
                                     basis="margin")
    after = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert (seen[0] != "1.8 GiB") is lowered
    # Restored, as far as DuckDB tells its limit: rounded down to 0.1 GiB, so a restored 2 GB may show 1.7.
    assert after in ("1.8 GiB", "1.7 GiB")
    assert sum(counts.values()) == 300_000
    assert len((tmp_path / "c.csv").read_text().splitlines()) == 300_001


def test_memory_limit_of_a_run_connection_restored_exactly_after_the_ranking(tmp_path, monkeypatch):
    # A run's connection remembers its limit as given ("2GB"), so the restore after the ranking does not
    # go through DuckDB's rounded print of it ("1.8 GiB", which set again reads back as "1.7 GiB").
    import toolkit.customer_file as cf
    from toolkit.engine import analysis_period
    from toolkit.pipeline import connect

    monkeypatch.setenv("KLANTPIRAMIDE_DUCKDB_MEMORY", "2GB")
    monkeypatch.setattr(cf, "RANKING_DUCKDB_BYTES", 8_000_000)
    con = connect(tmp_path)
    before = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute("""CREATE TABLE summary AS SELECT CAST(i AS VARCHAR) AS customer_id, CAST(i % 97 AS DOUBLE) AS revenue,
        CAST(i % 13 AS DOUBLE) AS margin, 1 AS orders, 1 AS lines, 0.0 AS returns, 0.0 AS revenue_previous,
        NULL::DOUBLE AS margin_previous, CAST(i % 97 AS DOUBLE) AS revenue_to_date, NULL::DOUBLE AS margin_to_date,
        DATE '2025-03-01' AS first_purchase, DATE '2025-03-01' AS last_purchase FROM range(1, 300_001) t(i)""")
    cf.write_customer_table(con, "summary", tmp_path / "c.csv", period=analysis_period(dt.date(2025, 12, 31)),
                            basis="margin")
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == before == "1.8 GiB"
    con.close()


def test_duckdb_casts_a_double_to_cents_as_its_round_does():
    # customers.csv prints amounts with CAST(x AS DECIMAL(18, 2)) alone, which must give the cents of
    # CAST(round(x, 2) AS DECIMAL(18, 2)) as the file printed them before: halves away from zero, the
    # binary value of x (2.675 is 2.67499999… but x * 100 is 267.5), negatives, large amounts.
    import duckdb

    con = duckdb.connect()
    edge = [0.125, -0.125, 2.675, -2.675, 1.005, 0.005, -0.005, 0.015, 1e12 + 0.005, 123456.785, 0.0, -0.0]
    con.execute("CREATE TABLE x AS SELECT unnest($1::DOUBLE[]) AS x "
                "UNION ALL SELECT ((i * 10 + 5) / 1000.0 * (1 - 2 * (i % 2)))::DOUBLE FROM range(2000000) t(i) "
                "UNION ALL SELECT (random() * 2e7 - 1e7)::DOUBLE FROM range(2000000)", [edge])
    n, differ = con.execute("SELECT count(*), count(*) FILTER (WHERE CAST(x AS DECIMAL(18, 2)) "
                            "<> CAST(round(x, 2) AS DECIMAL(18, 2))) FROM x").fetchone()
    assert (n, differ) == (4_000_012, 0)
    firsts = con.execute("SELECT CAST(CAST(x AS DECIMAL(18, 2)) AS VARCHAR) FROM x LIMIT 4").fetchall()
    assert [c for (c,) in firsts] == ["0.13", "-0.13", "2.68", "-2.68"]


def test_memory_check_compares_the_estimate_with_memory_plus_swap(monkeypatch):
    from toolkit.errors import MemoryLimitError
    from toolkit.pipeline import RUN_BASE_BYTES, RUN_BYTES_PER_CUSTOMER, check_memory_for

    monkeypatch.delenv("KLANTPIRAMIDE_MEMORY_CHECK", raising=False)
    room = RUN_BASE_BYTES + RUN_BYTES_PER_CUSTOMER * 1000  # exactly 1,000 customers' worth
    check_memory_for(1000, total=room, swap=0)
    check_memory_for(1001, total=room - RUN_BYTES_PER_CUSTOMER, swap=2 * RUN_BYTES_PER_CUSTOMER)  # swap counts
    with pytest.raises(MemoryLimitError, match=r"1,001 customers need about .*`klantpiramide customers PARAMS"):
        check_memory_for(1001, total=room, swap=0)
    monkeypatch.setenv("KLANTPIRAMIDE_MEMORY_CHECK", "off")
    check_memory_for(10**9, total=room, swap=0)


def test_a_machine_too_small_stops_the_analyses_not_the_customers_path(tmp_path, monkeypatch):
    # The analyses hold every customer in pandas; the customers path keeps them in DuckDB.
    import psutil

    from toolkit.errors import MemoryLimitError

    write(tmp_path / "tx.csv", TX_HEADER + "F1;9;01-02-2025;100,00;30,00\nF2;10;01-03-2025;50,00;10,00\n")
    params = load_params(write_params(tmp_path, params_dict()))
    monkeypatch.delenv("KLANTPIRAMIDE_MEMORY_CHECK", raising=False)
    small = type("memory", (), {"total": 100 * 2**20, "available": 50 * 2**20})()
    monkeypatch.setattr(psutil, "virtual_memory", lambda: small)
    monkeypatch.setattr(psutil, "swap_memory", lambda: type("swap", (), {"total": 0})())
    said: list[str] = []
    with pytest.raises(MemoryLimitError, match=r"The analyses of 2 customers need about 0\.5 GB of memory .* "
                                               r"this machine has 0\.1 GB\. Write the customer table"):
        analyse(params, progress=said.append)
    assert said[-1].startswith("aggregated 2 customers"), said  # stopped right after the aggregation
    assert sum(write_customers_file(params, tmp_path / "c.csv").values()) == 2
    analyse(params, with_analyses=False)  # the fast path's own analyse: no check


def test_progress_ticks_do_not_ask_a_connection_another_thread_is_closing(tmp_path):
    # In the analysis phase the aggregates' thread closes the connection while the ticks go on.
    import threading
    import time

    from toolkit.pipeline import connect, progress_ticks

    con = connect(tmp_path)
    closing = threading.Lock()
    said: list[str] = []
    with progress_ticks(con, said.append, "analysing", every=0.05, lock=closing):
        with closing:
            time.sleep(0.3)
            assert said == []  # the tick waits for the lock instead of asking the connection
            con.close()
        time.sleep(0.3)
    assert said and all(m.startswith("still analysing: ") and "% done" not in m for m in said)


# Every kind of id id_order tells apart: customer numbers, leading zeros, more digits than int64 holds,
# more than 30 digits (text order then), text and non-ASCII text, a lone "0" and "".
id_kinds = st.sampled_from([
    st.integers(1, 10**12).map(str),
    st.from_regex(r"0{0,3}[0-9]{1,5}", fullmatch=True),
    st.from_regex(r"[0-9]{17,31}", fullmatch=True),
    st.one_of(st.integers(0, 999).map(str), st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                                                    max_size=4)),
])


@settings(max_examples=60, deadline=None)
@given(id_kinds.flatmap(lambda kind: st.lists(kind, min_size=1, max_size=40, unique=True)))
def test_sql_id_keys_put_ids_in_id_order(ids):
    import duckdb
    import numpy as np
    import pandas as pd

    from toolkit.customer_file import id_sort_keys
    from toolkit.segments import id_order

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest($1::VARCHAR[]) AS customer_id", [ids])
    by_sql = [i for (i,) in con.execute(f"SELECT customer_id FROM t ORDER BY {id_sort_keys(con, 't')}").fetchall()]
    expected = np.array(ids, dtype=object)[np.argsort(id_order(pd.Series(ids, dtype="string")))]
    assert by_sql == expected.tolist()


def test_sql_id_keys_by_hand():
    import duckdb

    from toolkit.customer_file import id_sort_keys

    con = duckdb.connect()
    cases = {
        ("10", "9", "100"): (["9", "10", "100"], "CAST"),  # customer numbers: one integer key
        ("10", "09", "9", "009", "0", "00"): (["0", "00", "009", "09", "9", "10"], "length(ltrim"),
        ("10", "9", "A1"): (["10", "9", "A1"], "coalesce"),  # one text id: all by text
        ("1" * 31, "2"): (["1" * 31, "2"], "coalesce"),  # over 30 digits: by text
    }
    for ids, (expected, kind) in cases.items():
        con.execute("CREATE OR REPLACE TABLE t AS SELECT unnest($1::VARCHAR[]) AS customer_id", [list(ids)])
        keys = id_sort_keys(con, "t")
        assert keys.startswith(kind)
        assert [i for (i,) in con.execute(f"SELECT customer_id FROM t ORDER BY {keys}").fetchall()] == expected


def _ties_at_every_boundary(tmp_path):
    # 20 buyers: layer bounds top 1, large 1, medium_large 4, medium_small 10, small 20. Equal revenues
    # straddle the top/medium_large bound (500: ids 7 < 12 < 100), the A/B bound (200) and the
    # medium_small/small bound (50), so ids decide. A customer at zero and one with a return are inactive.
    revenue = {"100": 500, "12": 500, "7": 500, "3": 300, "46": 200, "44": 200, "45": 200}
    revenue |= {str(60 + i): 50 for i in range(5)} | {str(200 + i): 10 for i in range(8)}
    body = "".join(f"F{c};{c};01-03-2025;{a},00;1,00\n" for c, a in revenue.items())
    body += "G1;9;01-03-2025;-5,00;0,00\nG2;8;01-03-2025;0,00;0,00\n"
    write(tmp_path / "tx.csv", TX_HEADER + body)
    return write_params(tmp_path, params_dict())


def test_revenue_pyramid_ranked_in_duckdb_without_the_numpy_ranking(tmp_path, monkeypatch):
    import toolkit.customer_file as cf

    params_path = _ties_at_every_boundary(tmp_path)
    monkeypatch.setattr(cf, "layers_and_classes", lambda *a, **k: pytest.fail("ranked in numpy"))
    fast = tmp_path / "fast.csv"
    counts = write_customers_file(load_params(params_path), fast)
    monkeypatch.undo()
    assert fast.read_bytes() == pandas_route(params_path, tmp_path / "pandas.csv")
    rows = [r.split(",") for r in fast.read_text().splitlines()[1:]]
    # Of 2,730 the buyers before 46 hold 2,000 (73.3 %: A); before 46, 2,200 (80.6 %: B); before 64, 2,600
    # (95.2 %: C).
    assert [(r[0], r[1], r[2], r[8]) for r in rows[:12]] == [
        ("7", "top", "A", "1"), ("12", "medium_large", "A", "2"), ("100", "medium_large", "A", "3"),
        ("3", "medium_large", "A", "4"), ("44", "medium_small", "A", "5"), ("45", "medium_small", "A", "6"),
        ("46", "medium_small", "B", "7"), ("60", "medium_small", "B", "8"), ("61", "medium_small", "B", "9"),
        ("62", "medium_small", "B", "10"), ("63", "small", "B", "11"), ("64", "small", "C", "12")]
    assert [(r[0], r[1], r[2], r[8]) for r in rows[12:]] == [
        *((str(200 + i), "small", "C", str(13 + i)) for i in range(8)), ("8", "inactive", "", ""),
        ("9", "inactive", "", "")]
    assert counts == {"top": 1, "large": 0, "medium_large": 3, "medium_small": 6, "small": 10, "inactive": 2,
                      "prospect": 0}


def _summary_by_hand(con) -> None:
    con.execute("""CREATE OR REPLACE TABLE summary AS SELECT CAST(i * 7 % 1000 AS VARCHAR) AS customer_id,
        CAST(i % 9 - 1 AS DOUBLE) AS revenue, 1.0 AS margin, 1 AS orders, 1 AS lines, 0.0 AS returns,
        0.0 AS revenue_previous, 0.0 AS margin_previous, 1.0 AS revenue_to_date, 1.0 AS margin_to_date,
        DATE '2025-03-01' AS first_purchase, DATE '2025-03-01' AS last_purchase FROM range(1000) t(i)""")


@pytest.mark.parametrize("why", ["abc-out-of-rank-order", "insertion-order-off"])
def test_numpy_ranking_takes_over_where_the_duckdb_ranking_cannot(tmp_path, monkeypatch, why):
    # Both routes write the same bytes: DuckDB's where it can, numpy's where the row's place in table
    # customer_ranked cannot be its rank.
    import duckdb
    import numpy as np

    import toolkit.customer_file as cf
    from toolkit.engine import analysis_period

    period = analysis_period(dt.date(2025, 12, 31))
    con = duckdb.connect()
    _summary_by_hand(con)
    cf.write_customer_table(con, "summary", tmp_path / "duckdb.csv", period=period)
    if why == "abc-out-of-rank-order":
        # Float rounding of the cumulative revenue could, in theory, put a B before an A.
        monkeypatch.setattr(cf, "ranked_abc_codes", lambda v, t: (np.resize(np.int8([1, 0]), len(v)), v))
    else:
        con.execute("SET preserve_insertion_order = false")
    ranking, used = cf.layers_and_classes, []
    monkeypatch.setattr(cf, "layers_and_classes", lambda *a, **k: used.append(1) or ranking(*a, **k))
    cf.write_customer_table(con, "summary", tmp_path / "numpy.csv", period=period)
    assert used == [1]
    assert (tmp_path / "numpy.csv").read_bytes() == (tmp_path / "duckdb.csv").read_bytes()
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'customer_ranked'").fetchone() == (0,)
