"""Churn and acquisition per period, channels, cohorts, per-customer status: hand-counted fixtures and invariants."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError, ParamsError
from toolkit.lifecycle import (
    acquisition_by_channel,
    channel_summary,
    churn_by_period,
    cohort_retention,
    customer_lifecycle,
    group_channels,
    months_before,
    period_bounds,
    period_code,
    period_number,
)

REF = dt.date(2025, 12, 31)
FIRST = dt.date(2022, 1, 1)


def tx(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
                         "amount": [float(r[2]) for r in rows]})


# Six customers, data from 2022-01-01, yearly periods, gap 12 months (reported: 2023, 2024, 2025).
#   A 2022-03-01 100, 2023-02-15 50, 2024-06-01 70: lapses 2024-02-15 (lost 2024), back 2024-06-01,
#     lapses 2025-06-01 (lost 2025); first purchase in the warm-up year, so not "new".
#   B 2023-05-10 40, 2025-12-01 30: new 2023, lapses 2024-05-10, back 2025-12-01.
#   C 2022-12-31 25: lapses 2023-12-31 (the last day of 2023: lost in 2023, not active at its end).
#   D 2024-01-01 10, 2025-01-01 20: new 2024; the second purchase falls on the lapse day, so no lapse.
#   E 2023-03-01 -20 (a return only: no purchase), 2023-04-01 50: new 2023, lapses 2024-04-01.
#   F 2024-07-01 0 (a free item counts as a purchase): new 2024, lapses 2025-07-01.
CHURN_FIXTURE = tx([
    ("A", "2022-03-01", 100), ("A", "2023-02-15", 50), ("A", "2024-06-01", 70),
    ("B", "2023-05-10", 40), ("B", "2025-12-01", 30),
    ("C", "2022-12-31", 25),
    ("D", "2024-01-01", 10), ("D", "2025-01-01", 20),
    ("E", "2023-03-01", -20), ("E", "2023-04-01", 50),
    ("F", "2024-07-01", 0),
])


def test_churn_by_period_hand_counted():
    f = churn_by_period(CHURN_FIXTURE, reference_date=REF, data_first=FIRST)
    assert [d.year for d in f["period_end"]] == [2023, 2024, 2025]
    # At start of 2023: A (until 2023-03-01) and C (until 2023-12-31) are active.
    # 2023: new B, E; lost C; end A, B, E.            2 + 2 + 0 - 1 = 3
    # 2024: new D, F; back A; lost A, B, E; end A, D, F.  3 + 2 + 1 - 3 = 3
    # 2025: back B; lost A, F; end B, D.               3 + 0 + 1 - 2 = 2
    assert f[["customers_start", "new", "reactivated", "lost", "customers_end"]].values.tolist() == [
        [2, 2, 0, 1, 3], [3, 2, 1, 3, 3], [3, 0, 1, 2, 2]]
    assert f["churn_rate"].round(4).tolist() == [0.5, 1.0, round(2 / 3, 4)]
    assert f["retention_rate"].round(4).tolist() == [0.5, 0.0, round(1 / 3, 4)]
    # Revenue (all lines, net): 2023 A 50 + B 40 + E 30 = 120; 2024 A 70 + D 10 + F 0 = 80; 2025 B 30 + D 20 = 50.
    assert f["revenue"].tolist() == [120.0, 80.0, 50.0]
    # New customers' revenue in their first period: 2023 B 40 + E 30; 2024 D 10 + F 0.
    assert f["revenue_new"].tolist() == [70.0, 10.0, 0.0]
    # Lost customers' revenue in the 12 months up to their last purchase:
    # 2023 C 25; 2024 A 100 + 50, B 40, E -20 + 50 = 220; 2025 A 70, F 0.
    assert f["revenue_lost"].tolist() == [25.0, 220.0, 70.0]


def test_creation_date_tells_new_from_returning():
    # B was created in 2015: their first purchase in the data is a return, not a new customer.
    # G is a prospect (no purchase) and counts nowhere.
    master = pd.DataFrame({"customer_id": ["A", "B", "E", "G"],
                           "created": pd.to_datetime(["2018-01-01", "2015-06-01", "2023-03-20", "2024-02-02"])})
    f = churn_by_period(CHURN_FIXTURE, reference_date=REF, data_first=FIRST, customers=master)
    assert f[["new", "reactivated"]].values.tolist()[0] == [1, 1]
    assert f["customers_end"].tolist() == [3, 3, 2]


def test_quarters_and_gap_in_months():
    # Quarterly periods with a 3-month gap: x buys 2025-01-15 and 2025-05-20 (gap > 3 months: lost 2025-04-15,
    # back 2025-05-20), then lapses 2025-08-20. Data from 2024-07-01: Q4 2024 is the first reported quarter.
    f = churn_by_period(tx([("x", "2025-01-15", 5), ("x", "2025-05-20", 5)]), reference_date=REF,
                        granularity="quarter", gap_months=3, data_first=dt.date(2024, 7, 1))
    assert [str(d) for d in f["period_start"]] == ["2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01",
                                                   "2025-10-01"]
    assert f[["new", "reactivated", "lost", "customers_end"]].values.tolist() == [
        [0, 0, 0, 0], [1, 0, 0, 1], [0, 1, 1, 1], [0, 0, 1, 0], [0, 0, 0, 0]]


def test_too_short_history_gives_an_empty_frame_not_an_error():
    f = churn_by_period(tx([("a", "2025-06-01", 5)]), reference_date=REF)
    assert f.empty and "customers_end" in f.columns


def test_gap_shorter_than_a_period_is_a_params_error():
    with pytest.raises(ParamsError, match="churn_gap_months is 6, shorter than one year"):
        churn_by_period(CHURN_FIXTURE, reference_date=REF, gap_months=6)


def test_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="amount"):
        churn_by_period(CHURN_FIXTURE.drop(columns="amount"), reference_date=REF)


def test_inputs_not_mutated_and_results_deterministic():
    before = CHURN_FIXTURE.copy()
    first = churn_by_period(CHURN_FIXTURE, reference_date=REF, data_first=FIRST)
    pd.testing.assert_frame_equal(CHURN_FIXTURE, before)
    pd.testing.assert_frame_equal(first, churn_by_period(CHURN_FIXTURE, reference_date=REF, data_first=FIRST))


# --- acquisition channels -------------------------------------------------------------------------

# P web: 2022-03-01 100, 2022-09-01 50 (first year 150), 2023-04-01 30 (bought in year 2).
# Q web: 2022-11-15 20, 2025-01-10 10 (no purchase in year 2, one in year 3).
# R fair: 2023-06-01 200, 2024-07-01 100 (year 2).   S (no channel): 2024-02-01 5.
CHANNEL_TX = tx([("P", "2022-03-01", 100), ("P", "2022-09-01", 50), ("P", "2023-04-01", 30),
                 ("Q", "2022-11-15", 20), ("Q", "2025-01-10", 10),
                 ("R", "2023-06-01", 200), ("R", "2024-07-01", 100), ("S", "2024-02-01", 5)])
CHANNEL_MASTER = pd.DataFrame({"customer_id": ["P", "Q", "R", "S"], "channel": ["web", "web", "fair", None],
                               "created": pd.to_datetime(["2022-02-20", "2022-11-01", "2023-05-30", "2024-01-15"])})


def test_acquisition_by_channel_hand_counted():
    a = acquisition_by_channel(CHANNEL_TX, reference_date=REF, customers=CHANNEL_MASTER, data_first=FIRST)
    got = a[["channel", "new_customers", "first_year_revenue", "retained_1y", "retained_2y"]].values.tolist()
    assert got == [["web", 2, 170.0, 1, 1], ["fair", 1, 200.0, 1, 0], [None, 1, 5.0, 0, 0], [None, 0, 0.0, 0, 0]]
    # Complete windows at 2025-12-31: 2022 all three; 2023 first year and year 2; 2024 first year; 2025 none.
    assert a[["first_year_complete", "retained_1y_complete", "retained_2y_complete"]].values.tolist() == [
        [True, True, True], [True, True, False], [True, False, False], [False, False, False]]
    assert set(a["channel_source"]) == {"master"}


def test_channel_summary_pools_complete_periods_only():
    s = channel_summary(acquisition_by_channel(CHANNEL_TX, reference_date=REF, customers=CHANNEL_MASTER,
                                               data_first=FIRST)).set_index("channel")
    assert s.loc["web", "first_year_revenue_per_customer"] == 85.0
    assert s.loc["web", ["retention_1y", "retention_2y"]].tolist() == [0.5, 0.5]
    assert s.loc["fair", "retention_1y"] == 1.0 and np.isnan(s.loc["fair", "retention_2y"])
    assert np.isnan(s.loc["(unknown)", "retention_1y"]) and s.loc["(unknown)", "new_customers"] == 1
    assert s["share"].sum() == pytest.approx(1.0)


def test_channel_falls_back_to_first_sales_channel():
    # No master: the channel of the first purchase day (P shop, Q phone, R shop, S phone); with data from
    # 2021-06-01 and a 2-month gap every first purchase is new, and 2022 is the first reported year.
    frame = CHANNEL_TX.assign(sales_channel=["shop", "web", "web", "phone", "shop", "shop", "web", "phone"])
    a = acquisition_by_channel(frame, reference_date=REF, data_first=dt.date(2021, 6, 1), gap_months=2)
    assert set(a["channel_source"]) == {"first_purchase"}
    assert a.groupby("channel")["new_customers"].sum().to_dict() == {"phone": 2, "shop": 2}


def test_group_channels_keeps_totals():
    a = acquisition_by_channel(CHANNEL_TX, reference_date=REF, customers=CHANNEL_MASTER, data_first=FIRST)
    g = group_channels(a, max_channels=1)
    assert g["new_customers"].sum() == a["new_customers"].sum()
    assert set(g["channel"]) == {"web", "(other)", "(unknown)"}


# --- cohorts --------------------------------------------------------------------------------------

def test_cohort_retention_hand_counted():
    # Quarterly, gap 3 months, data from 2024-10-01: Q1-Q4 2025 are cohorts.
    # a 2025-01-10 10, 2025-11-02 5 and b 2025-02-01 20: cohort Q1 (size 2); c 2025-04-15 8, 2025-05-20 4,
    # 2025-08-01 6: cohort Q2; d first bought 2024-11-01, inside the 3-month warm-up: not new, in no cohort.
    frame = tx([("a", "2025-01-10", 10), ("a", "2025-11-02", 5), ("b", "2025-02-01", 20), ("c", "2025-04-15", 8),
                ("c", "2025-05-20", 4), ("c", "2025-08-01", 6), ("d", "2024-11-01", 3), ("d", "2025-03-01", 7)])
    c = cohort_retention(frame, reference_date=REF, granularity="quarter", gap_months=3,
                         data_first=dt.date(2024, 10, 1))
    q1 = c[c["cohort_start"] == dt.date(2025, 1, 1)]
    assert q1[["age", "cohort_size", "customers", "revenue"]].values.tolist() == [
        [0, 2, 2, 30.0], [1, 2, 0, 0.0], [2, 2, 0, 0.0], [3, 2, 1, 5.0]]
    assert q1["revenue_retention"].round(4).tolist() == [1.0, 0.0, 0.0, round(5 / 30, 4)]
    q2 = c[c["cohort_start"] == dt.date(2025, 4, 1)]
    assert q2[["customers", "customer_retention", "revenue"]].values.tolist() == [[1, 1.0, 12.0], [1, 1.0, 6.0],
                                                                                  [0, 0.0, 0.0]]
    assert len(c) == 4 + 3 + 2 + 1
    assert c.loc[c["cohort_start"] == dt.date(2025, 10, 1), "customer_retention"].isna().all()


# --- per customer ---------------------------------------------------------------------------------

def test_customer_lifecycle_statuses():
    c = customer_lifecycle(CHURN_FIXTURE, reference_date=REF, data_first=FIRST).set_index("customer_id")
    assert c["lifecycle_status"].to_dict() == {"A": "lost", "B": "reactivated", "C": "lapsed", "D": "active",
                                               "E": "lapsed", "F": "lost"}
    # A bought first in the warm-up year (maybe an old customer); C is new in 2022, which is not a reported period.
    assert c["cohort"].to_dict() == {"A": None, "B": "2023", "C": None, "D": "2024", "E": "2023", "F": "2024"}


def test_customer_lifecycle_new_status_and_channel():
    frame = tx([("n", "2025-03-01", 5), ("o", "2024-03-01", 5), ("o", "2025-02-01", 5)])
    master = pd.DataFrame({"customer_id": ["n", "o"], "channel": ["fair", "web"],
                           "created": pd.to_datetime(["2025-02-01", "2024-02-01"])})
    c = customer_lifecycle(frame, reference_date=REF, customers=master, data_first=dt.date(2024, 1, 1))
    assert c.values.tolist() == [["n", "2025", "fair", "new"], ["o", "2024", "web", "active"]]


# --- periods --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ref", "number", "months", "expected"), [
    (dt.date(2025, 12, 31), 0, 12, ("2025-01-01", "2025-12-31")),
    (dt.date(2025, 9, 30), 2, 3, ("2025-01-01", "2025-03-31")),       # month ends stay month ends
    (dt.date(2025, 6, 15), 0, 12, ("2024-06-16", "2025-06-15")),      # like the analysis period
    (dt.date(2025, 3, 30), 1, 1, ("2025-01-31", "2025-02-28")),       # clamped at February's end
])
def test_period_bounds(ref, number, months, expected):
    assert tuple(str(d) for d in period_bounds(ref, number, months)) == expected


def test_period_code():
    assert period_code(dt.date(2025, 7, 1), dt.date(2025, 7, 31)) == "2025-07"
    assert period_code(dt.date(2024, 6, 16), dt.date(2025, 6, 15)) == "2024-06-16..2025-06-15"


@settings(max_examples=40, deadline=None)
@given(ref=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), months=st.sampled_from([1, 3, 12]),
       offsets=st.lists(st.integers(0, 1500), min_size=1, max_size=30))
def test_period_number_agrees_with_period_bounds(ref, months, offsets):
    dates = [ref - dt.timedelta(days=o) for o in offsets]
    con = duckdb.connect()
    con.register("d", pd.DataFrame({"date": pd.to_datetime(dates)}))
    table = ibis.duckdb.from_connection(con).table("d")
    got = table.select(n=period_number(table.date.cast("date"), ref, months)).to_pandas()["n"].tolist()
    for day, n in zip(dates, got, strict=True):
        start, end = period_bounds(ref, n, months)
        assert start <= day <= end
    assert months_before(ref, 0) == ref


# --- invariants -----------------------------------------------------------------------------------

def _active(days: list[dt.date], boundary: dt.date, gap: int) -> bool:
    """Active on ``boundary``: a purchase p <= boundary with boundary < p + gap months (the definition)."""
    return any(p <= boundary < (pd.Timestamp(p) + pd.DateOffset(months=gap)).date() for p in days)


purchases = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.dates(dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
                               st.sampled_from([-5.0, 0.0, 10.0, 25.0])), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=purchases, granularity=st.sampled_from(["year", "quarter"]), gap=st.sampled_from([12, 15]))
def test_flows_add_up_and_match_the_definition(rows, granularity, gap):
    frame = tx([(c, d.isoformat(), a) for c, d, a in rows])
    f = churn_by_period(frame, reference_date=REF, granularity=granularity, gap_months=gap,
                        data_first=dt.date(2021, 1, 1))
    assert len(f) > 0
    assert (f["customers_start"] + f["new"] + f["reactivated"] - f["lost"] == f["customers_end"]).all()
    assert (f["customers_start"].iloc[1:].to_numpy() == f["customers_end"].iloc[:-1].to_numpy()).all()
    assert (f[["customers_start", "new", "reactivated", "lost", "customers_end"]] >= 0).all().all()
    assert ((f["churn_rate"].dropna() >= 0) & (f["churn_rate"].dropna() <= 1)).all()
    # Active customers counted from the definition, customer by customer.
    days = frame.groupby(["customer_id", frame["date"].dt.date])["amount"].apply(lambda a: (a >= 0).any())
    by_customer: dict[str, list[dt.date]] = {}
    for (cid, day), bought in days.items():
        if bought:
            by_customer.setdefault(cid, []).append(day)
    for end, n in zip(f["period_end"], f["customers_end"], strict=True):
        assert n == sum(_active(d, end, gap) for d in by_customer.values())


def test_a_run_computes_shared_intermediates_once_and_changes_no_result(monkeypatch):
    # In a run, the analyses read the same customer days, purchase sequences and acquisitions; inside a
    # SharedTables scope each is stored once. Every result must equal the one computed without the scope.
    from toolkit import engine
    from toolkit.clv import rfm_summary, value_by_tenure
    from toolkit.engine import SharedTables
    from toolkit.lifecycle import day_amounts, lines_table
    from toolkit.timing import best_moment, purchase_intervals, seasonality_by_month, seasonality_by_weekday

    frame = CHURN_FIXTURE.assign(sales_channel=["web", "shop"] * 5 + ["web"], order_id=[f"o{i}" for i in range(11)])
    lines = lines_table(frame)
    con = lines._find_backend().con
    kw = {"reference_date": REF, "data_first": FIRST}
    segments = pd.DataFrame({"customer_id": list("ABCDEF"), "segment": ["x", "y"] * 3})

    def everything() -> list[pd.DataFrame]:
        return [churn_by_period(lines, **kw), acquisition_by_channel(lines, **kw), cohort_retention(lines, **kw),
                customer_lifecycle(lines, **kw), value_by_tenure(lines, **kw),
                purchase_intervals(lines, reference_date=dt.date(2025, 6, 30)),
                rfm_summary(lines, observation_end=dt.date(2024, 12, 31)),
                seasonality_by_month(lines, **kw), seasonality_by_weekday(lines, **kw),
                best_moment(lines, segments, **kw)]

    alone = everything()
    stored = []
    real = engine._materialise

    def materialise(backend: object, expr: ibis.Table, prefix: str = "_once") -> str:
        stored.append(expr.op())
        return real(backend, expr, prefix)

    monkeypatch.setattr(engine, "_materialise", materialise)
    shared_tables = "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_shared%'"
    days = day_amounts(lines).op()  # outside a scope: the expression
    with SharedTables(con):
        together = everything()
        assert stored.count(days) == 1
        assert len(stored) == len(set(stored))  # nothing computed twice
        # Customer days, purchase sequence, acquisitions without and with channel, timing's orders.
        assert con.execute(shared_tables).fetchall() == [(5,)]
    assert con.execute(shared_tables).fetchall() == [(0,)]
    for a, b in zip(alone, together, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_churn_flow_chart_puts_active_customers_in_a_panel_of_their_own():
    # No second y axis on the bars (its zero sat at the bars' -top before): the active customers get a
    # panel above, on the same periods, starting at zero; every figure is labelled, none for a zero bar.
    import matplotlib.pyplot as plt

    from toolkit.plots.lifecycle import plot_churn_flow

    flow = pd.DataFrame({"period_start": [dt.date(2024, 1, 1), dt.date(2025, 1, 1)],
                         "period_end": [dt.date(2024, 12, 31), dt.date(2025, 12, 31)],
                         "new": [90, 60], "reactivated": [0, 15], "lost": [0, 40], "customers_end": [90, 125]})
    for target in (None, plt.subplots()[1]):
        ax = plot_churn_flow(flow, lang="en", ax=target)
        assert len(ax.figure.axes) == 2
        active = next(a for a in ax.figure.axes if a is not ax)
        assert active.get_shared_x_axes().joined(active, ax)
        assert active.get_ylim()[0] == 0 and active.get_ylim()[1] > 125
        assert ax.get_ylim()[0] == -ax.get_ylim()[1]  # bars: won above, lost below the zero line
        assert active.bbox.y0 > ax.bbox.y1 - 1  # the panel sits above the bars
        assert [t.get_text() for t in ax.texts] == ["+90", "+75", "−40"]
        assert [t.get_text() for t in active.texts] == ["90", "125"]
        # Named above the panel: a y label that long was cut off by the panel's height.
        assert active.get_title(loc="left") == "Active customers" and active.get_ylabel() == ""
        plt.close(ax.figure)
