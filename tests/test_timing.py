"""Purchase intervals: hand-counted fixtures and the median against numpy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError
from toolkit.timing import (
    best_moment,
    purchase_intervals,
    seasonal_window,
    seasonality_by_month,
    seasonality_by_weekday,
)

REF = dt.date(2025, 3, 1)


def tx(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
                         "amount": [float(r[2]) for r in rows]})


# a: days 01-01 (two lines), 01-11, 01-31, 02-10: gaps 10, 20, 10 -> median 10; 19 days since -> not overdue (20).
# b: one purchase day -> no interval, no verdict.
# d: days 01-01, 01-03, 01-13, 01-14, 01-29: gaps 2, 10, 1, 15 -> median (2 + 10) / 2 = 6; 31 days since -> overdue.
# e: 01-01, a return-only day 01-20 (no occasion), 02-01: one gap of 31; two occasions -> below min_purchases 3.
LINES = tx([("a", "2025-01-01", 10), ("a", "2025-01-01", 5), ("a", "2025-01-11", 10), ("a", "2025-01-31", 10),
            ("a", "2025-02-10", 10), ("b", "2025-02-01", 20),
            ("d", "2025-01-01", 1), ("d", "2025-01-03", 1), ("d", "2025-01-13", 1), ("d", "2025-01-14", 1),
            ("d", "2025-01-29", 1), ("e", "2025-01-01", 10), ("e", "2025-01-20", -5), ("e", "2025-02-01", 10),
            ("a", "2025-03-02", 10)])  # after the reference date: not counted


def test_purchase_intervals_hand_counted():
    out = purchase_intervals(LINES, reference_date=REF)
    assert out["customer_id"].tolist() == ["a", "b", "d", "e"]
    assert out["purchase_days"].tolist() == [4, 1, 5, 2]
    assert out["usual_interval_days"].tolist()[0] == 10.0
    assert np.isnan(out["usual_interval_days"].iloc[1])
    assert out["usual_interval_days"].tolist()[2:] == [6.0, 31.0]
    assert out["days_since_last"].tolist() == [19, 28, 31, 28]
    assert out["overdue"].tolist() == [False, pd.NA, True, pd.NA]
    assert out["next_purchase_due"].tolist()[2] == pd.Timestamp("2025-02-04")  # 01-29 + 6 days
    assert pd.isna(out["next_purchase_due"].iloc[1])


def test_purchase_intervals_rejects_bad_settings():
    with pytest.raises(DataError, match="min_purchases"):
        purchase_intervals(LINES, reference_date=REF, min_purchases=1)
    with pytest.raises(DataError, match="overdue_factor"):
        purchase_intervals(LINES, reference_date=REF, overdue_factor=1.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sets(st.integers(0, 400), min_size=1, max_size=9), min_size=1, max_size=8))
def test_usual_interval_is_the_median_gap(day_sets):
    """Whatever the number of gaps (odd, even, none), the usual interval is numpy's median of the gaps."""
    start = pd.Timestamp("2024-01-01")
    rows = [(f"c{i}", str((start + pd.Timedelta(days=d)).date()), 1.0) for i, days in enumerate(day_sets)
            for d in sorted(days, reverse=True)]  # lines in any order
    out = purchase_intervals(tx(rows), reference_date=dt.date(2025, 12, 31)).set_index("customer_id")
    for i, days in enumerate(day_sets):
        gaps = np.diff(sorted(days))
        got = out.loc[f"c{i}", "usual_interval_days"]
        assert (np.isnan(got) if len(gaps) == 0 else got == np.median(gaps)), (days, got)
        assert out.loc[f"c{i}", "purchase_days"] == len(days)


# ---------------------------------------------------------------------------------------------
# Seasonality and best moment, counted by hand.
# Reference 2025-12-31, data from 2023-06-15: two whole years, window 2024-01-01 to 2025-12-31
# (731 days from a Monday to a Wednesday: 105 Mondays, Tuesdays and Wednesdays, 104 of each other day).
#   a: 2023-12-20 (before the window), F1 2024-03-05 Tue (two lines, 40 + 10), F2 2025-03-10 Mon (20),
#      F3 2025-07-01 Tue (a return of -15: revenue, not an order)
#   b: F4 2024-12-25 Wed (30), F5 2025-12-31 Wed (60, the reference date itself), 2026-01-02 (after it)
# Months: March 70 (2 orders), July -15 (0), December 90 (2); total 145 and 4 orders.
# Weekdays: Monday 20 (1 order), Tuesday 35 (1), Wednesday 90 (2).

SEASON = pd.DataFrame({
    "customer_id": ["a", "a", "a", "a", "a", "b", "b", "b"],
    "order_id": ["F0", "F1", "F1", "F2", "F3", "F4", "F5", "F6"],
    "date": pd.to_datetime(["2023-12-20", "2024-03-05", "2024-03-05", "2025-03-10", "2025-07-01", "2024-12-25",
                            "2025-12-31", "2026-01-02"]),
    "amount": [100.0, 40.0, 10.0, 20.0, -15.0, 30.0, 60.0, 99.0]})
SEASON_REF, SEASON_FIRST = dt.date(2025, 12, 31), dt.date(2023, 6, 15)


def test_seasonal_window_is_whole_years_ending_on_the_reference_date():
    assert seasonal_window(SEASON_REF, SEASON_FIRST) == (dt.date(2024, 1, 1), 2)
    assert seasonal_window(SEASON_REF, dt.date(2025, 6, 1)) == (dt.date(2025, 6, 1), 0)  # under a year: all data


def test_seasonality_by_month_hand_counted():
    m = seasonality_by_month(SEASON, reference_date=SEASON_REF, data_first=SEASON_FIRST).set_index("month")
    assert list(m.index) == list(range(1, 13))
    assert m.loc[[3, 7, 12], "revenue"].tolist() == [70.0, -15.0, 90.0]
    assert m["revenue"].sum() == 145.0
    assert m.loc[[3, 7, 12], "orders"].tolist() == [2, 0, 2]
    assert m["orders"].sum() == 4
    assert m.loc[3, "revenue_share"] == pytest.approx(70 / 145)
    assert m.loc[7, "revenue_index"] == pytest.approx(-15 / (145 / 12))
    assert m.loc[12, "orders_index"] == pytest.approx(6.0)  # 2 orders against 4 / 12 a month
    assert (m["years"] == 2).all() and (m["window_start"] == dt.date(2024, 1, 1)).all()


def test_seasonality_by_weekday_hand_counted():
    w = seasonality_by_weekday(SEASON, reference_date=SEASON_REF, data_first=SEASON_FIRST).set_index("weekday")
    assert w["days"].tolist() == [105, 105, 105, 104, 104, 104, 104]
    assert w["revenue"].tolist() == [20.0, 35.0, 90.0, 0.0, 0.0, 0.0, 0.0]
    assert w["orders"].tolist() == [1, 1, 2, 0, 0, 0, 0]
    assert w.loc[2, "revenue_per_day"] == pytest.approx(90 / 105)
    assert w.loc[2, "revenue_index"] == pytest.approx((90 / 105) / (145 / 731))
    assert w.loc[2, "orders_index"] == pytest.approx((2 / 105) / (4 / 731))
    assert w["revenue_share"].sum() == pytest.approx(1.0)


def test_best_moment_hand_counted():
    segments = pd.DataFrame({"customer_id": ["a", "b", "c", "z"], "segment": ["top", "small", "top", "empty"]})
    out = best_moment(SEASON, segments, reference_date=SEASON_REF, data_first=SEASON_FIRST).set_index("segment")
    assert list(out.index) == ["top", "small", "empty"]  # order of first appearance
    # top: only a ordered (F1, F2; the return F3 is no order); c has no lines
    assert out.loc["top", ["customers", "orders", "peak_month"]].tolist() == [1, 2, 3]
    assert out.loc["top", "peak_month_index"] == pytest.approx(12.0)  # 2 orders against 2 / 12 a month
    assert out.loc["top", "peak_weekday"] == 0  # Monday and Tuesday tie at one order each: the earlier day
    assert out.loc["top", "peak_weekday_index"] == pytest.approx((1 / 105) / (2 / 731))
    assert out.loc["small", ["customers", "orders", "peak_month", "peak_weekday"]].tolist() == [1, 2, 12, 2]
    assert out.loc["small", "peak_weekday_index"] == pytest.approx((2 / 105) / (2 / 731))
    assert out.loc["empty", ["customers", "orders"]].tolist() == [0, 0]
    assert out.loc["empty", ["peak_month", "peak_weekday"]].isna().all()


def test_best_moment_names_a_missing_segment_column():
    with pytest.raises(DataError, match="column\\(s\\) layer not in the segments frame"):
        best_moment(SEASON, pd.DataFrame({"customer_id": ["a"]}), reference_date=SEASON_REF, segment="layer")
