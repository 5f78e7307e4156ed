"""Purchase intervals: hand-counted fixtures and the median against numpy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import DataError
from toolkit.timing import purchase_intervals

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
