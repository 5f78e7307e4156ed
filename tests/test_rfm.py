"""RFM scores, segments and the value/frequency matrix: hand-computed fixtures and invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import params_dict
from toolkit.errors import DataError, ParamsError
from toolkit.params import DEFAULT_RFM_SEGMENTS, RfmParams, RfmSegment, parse_params
from toolkit.rfm import (
    RFM_COLUMNS,
    assign_segments,
    class_scores,
    frequency_class_labels,
    ints_as_objects,
    rfm_checks,
    rfm_score_ranges,
    rfm_scores,
    rfm_segment_summary,
    value_frequency_matrix,
)

REF = dt.date(2025, 12, 31)


def customers() -> pd.DataFrame:
    """Six buyers, one inactive customer, one prospect (see the hand computation in test_rfm_scores)."""
    return pd.DataFrame({
        "customer_id": list("abcdefgh"),
        "revenue": [900.0, 400.0, 400.0, 100.0, 50.0, 20.0, 0.0, 0.0],
        "orders": [10, 4, 2, 1, 1, 1, 0, 0],
        "last_purchase": pd.to_datetime(["2025-12-30", "2025-12-01", "2025-10-02", "2025-12-01", "2025-03-01",
                                         "2025-01-31", "2024-06-30", None]),
        "pyramid_layer": ["top", "large", "large", "medium_small", "small", "small", "inactive", "prospect"],
    })


# --- scores -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "classes", "better", "expected"), [
    (list(range(1, 11)), 5, True, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),     # quintiles of 10 distinct values
    ([5, 1, 3], 5, True, [4, 1, 2]),                                     # n < k: 0, 1, 2 worse -> 1, 2, 4
    ([7], 5, True, [1]),                                                 # a single customer scores 1
    ([2, 2, 2, 2], 4, True, [1, 1, 1, 1]),                               # all tied: nobody is worse
    ([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 5, True, [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]),  # 6 tie at the bottom
    ([10, 20, 30], 3, False, [3, 2, 1]),                                 # recency: fewer days is better
])
def test_class_scores(values, classes, better, expected):
    assert class_scores(values, classes=classes, higher_is_better=better).tolist() == expected


def test_class_scores_rejects_missing_values():
    with pytest.raises(ValueError, match="missing"):
        class_scores([1.0, np.nan])


def test_rfm_scores_hand_computed():
    # 6 buyers, k = 3, score = 1 + floor(3 x worse / 6).
    # Recency days 1, 30, 90, 30, 305, 334 -> strictly worse (more days): 5, 3, 2, 3, 1, 0 -> R 3, 2, 2, 2, 1, 1
    # Orders 10, 4, 2, 1, 1, 1 -> strictly fewer: 5, 4, 3, 0, 0, 0 -> F 3, 3, 2, 1, 1, 1
    # Revenue 900, 400, 400, 100, 50, 20 -> strictly less: 5, 3, 3, 2, 1, 0 -> M 3, 2, 2, 2, 1, 1
    # 3-class table: R3F3 champions, R2-3F2-3 loyal, R2F1 promising, R1F1 lost.
    out = rfm_scores(customers(), reference_date=REF, scores=3)
    assert list(out.columns) == ["customer_id", *RFM_COLUMNS]
    assert out["recency_days"].tolist()[:7] == [1, 30, 90, 30, 305, 334, 549] and pd.isna(out["recency_days"].iloc[7])
    assert out["r_score"].tolist()[:6] == [3, 2, 2, 2, 1, 1]
    assert out["f_score"].tolist()[:6] == [3, 3, 2, 1, 1, 1]
    assert out["m_score"].tolist()[:6] == [3, 2, 2, 2, 1, 1]
    assert out["rfm_segment"].tolist() == ["champions", "loyal", "loyal", "promising", "lost", "lost", "inactive",
                                           "prospect"]
    # inactive and prospect: no scores; the prospect has no recency, frequency or monetary either
    assert out.loc[6:, ["r_score", "f_score", "m_score"]].isna().all().all()
    assert out["frequency"].iloc[6] == 0 and pd.isna(out["frequency"].iloc[7]) and np.isnan(out["monetary"].iloc[7])
    assert str(out["r_score"].dtype) == "Int64"


def test_rfm_scores_keeps_rows_and_does_not_mutate():
    c = customers().sample(frac=1, random_state=3)
    before = c.copy()
    out = rfm_scores(c, reference_date=REF)
    pd.testing.assert_frame_equal(c, before)
    assert out.index.equals(c.index) and out["customer_id"].tolist() == c["customer_id"].tolist()
    pd.testing.assert_frame_equal(out, rfm_scores(c, reference_date=REF))


def test_rfm_scores_missing_column_is_a_toolkit_error():
    with pytest.raises(DataError, match="last_purchase"):
        rfm_scores(customers().drop(columns="last_purchase"), reference_date=REF)


def test_segment_table_first_match_and_unmatched():
    table = [RfmSegment(name="top", r=(3, 3), f=(3, 3)), RfmSegment(name="recent", r=(3, 3)),
             RfmSegment(name="frequent", f=(3, 3))]
    r, f, m = np.array([3, 3, 1, 1]), np.array([3, 1, 3, 1]), np.ones(4, dtype=int)
    assert assign_segments(r, f, m, table).tolist() == ["top", "recent", "frequent", "other"]


def test_monetary_range_in_a_segment_row():
    table = [RfmSegment(name="big", m=(5, 5)), RfmSegment(name="rest")]
    assert assign_segments(np.array([1, 1]), np.array([1, 1]), np.array([5, 4]), table).tolist() == ["big", "rest"]


@pytest.mark.parametrize("k", [3, 4, 5])
def test_default_tables_cover_every_cell_exactly_once(k):
    table = RfmParams(scores=k).segment_table()
    r, f = np.meshgrid(np.arange(1, k + 1), np.arange(1, k + 1))
    r, f = r.ravel(), f.ravel()
    hits = np.zeros(len(r), dtype=int)
    for seg in table:
        hits += (r >= seg.r[0]) & (r <= seg.r[1]) & (f >= seg.f[0]) & (f <= seg.f[1])
    assert (hits == 1).all(), f"cells covered {hits.tolist()}"
    assert {"champions", "lost"} <= {s.name for s in table}
    assert len(DEFAULT_RFM_SEGMENTS[k]) == len(table)


# --- checks (notes) ------------------------------------------------------------------------------

def test_checks_flag_collapsed_scores_and_few_customers():
    # 40 customers: most bought once -> F scores 1 and 4/5 only; recency all distinct.
    n = 40
    c = pd.DataFrame({"customer_id": [str(i) for i in range(n)], "revenue": np.arange(1.0, n + 1),
                      "orders": [1] * 30 + list(range(2, 12)),
                      "last_purchase": pd.Timestamp("2025-12-31") - pd.to_timedelta(np.arange(n), unit="D")})
    notes = rfm_checks(rfm_scores(c, reference_date=REF), scores=5)
    codes = {x["code"]: x for x in notes}
    assert set(codes) == {"rfm_few_customers", "rfm_collapsed_frequency"}
    assert codes["rfm_few_customers"]["n"] == n
    # 30 tie at 1 order: F 1; 2 orders: 30 worse of 40 -> 1 + floor(150/40) = 4; later ones 4 or 5
    assert codes["rfm_collapsed_frequency"]["scores"] == "1, 4, 5"


def test_checks_report_unmatched_customers():
    out = rfm_scores(customers(), reference_date=REF, scores=3, segments=[RfmSegment(name="top", r=(3, 3))])
    assert {"code": "rfm_unmatched", "n": 5} in rfm_checks(out, scores=3, few=1)


# --- summaries ---------------------------------------------------------------------------------

def test_segment_summary_and_score_ranges():
    c = customers()
    scored = pd.concat([c, rfm_scores(c, reference_date=REF, scores=3).drop(columns="customer_id")], axis=1)
    s = rfm_segment_summary(scored, segments=["champions", "loyal", "promising", "lost", "new"]).set_index("segment")
    assert s["customers"].tolist() == [1, 2, 1, 2, 0]
    assert s.loc["loyal", "revenue"] == 800.0 and s.loc["loyal", "revenue_share"] == pytest.approx(800 / 1870)
    assert s.loc["lost", "recency_days"] == pytest.approx((305 + 334) / 2)
    ranges = rfm_score_ranges(scored, scores=3).set_index("score")
    assert ranges.loc[2, ["r_min", "r_max", "r_customers"]].tolist() == [30.0, 90.0, 3]
    assert ranges.loc[3, ["m_min", "m_max"]].tolist() == [900.0, 900.0]


def test_frequency_class_labels():
    assert frequency_class_labels([1, 2, 3, 5, 10]) == ["1", "2", "3–4", "5–9", "10+"]
    assert frequency_class_labels([1]) == ["1+"]


def test_value_frequency_matrix_hand_computed():
    # buyers: top 10 orders 900; large 4 & 2 orders 800; medium_small 1 order 100; small 1 order 70
    m = value_frequency_matrix(customers(), frequency_classes=[1, 2, 5]).set_index(["layer", "frequency_class"])
    assert len(m) == 5 * 3
    assert m.loc[("top", "5+"), "customers"] == 1 and m.loc[("large", "2–4"), "customers"] == 2
    assert m.loc[("small", "1"), "revenue"] == 70.0
    assert m["customers"].sum() == 6 and m["revenue_share"].sum() == pytest.approx(1.0)


# --- params ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rfm", "message"), [
    ({"scores": 6}, "'6' is not allowed for rfm.scores"),
    ({"scores": 3, "segments": [{"name": "champions", "r": [3, 5]}]}, "within 1..3"),
    ({"segments": [{"name": "vip", "r": [5, 5]}]}, "give a label in both languages"),
    ({"segments": [{"name": "lost"}, {"name": "lost"}]}, "unique"),
    ({"frequency_classes": [2, 4]}, "starting at 1"),
    ({"frequency_classes": [1, 3, 2]}, "increasing"),
])
def test_rfm_params_errors(rfm, message):
    with pytest.raises(ParamsError, match=message):
        parse_params(params_dict(rfm=rfm))


def test_custom_segments_with_labels_are_accepted():
    p = parse_params(params_dict(rfm={"scores": 4, "segments": [
        {"name": "vip", "r": [3, 4], "f": [3, 4], "label": {"nl": "Topklanten", "en": "Top customers"}},
        {"name": "lost"}]}))
    assert [s.name for s in p.rfm.segment_table()] == ["vip", "lost"]


def test_ints_as_objects_keeps_whole_numbers_through_a_numpy_merge():
    f = pd.DataFrame({"s": pd.array([3, None, 5], dtype="Int64"), "x": [1.5, 2.5, 3.5]})
    out = ints_as_objects(f)
    assert out["s"].tolist() == [3, None, 5] and out["x"].tolist() == [1.5, 2.5, 3.5]
    assert [type(v) for v in out["s"]] == [int, type(None), int]  # Python ints, not NumPy's
    assert f["s"].dtype == "Int64"  # input untouched
    big = ints_as_objects(pd.DataFrame({"s": pd.array([-(2**63), 2**63 - 1, None], dtype="Int64"),
                                        "e": pd.array([None, None, None], dtype="Int64")}))
    assert big["s"].tolist() == [-(2**63), 2**63 - 1, None] and big["e"].tolist() == [None] * 3


# --- invariants ---------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30), st.integers(1, 5000)), min_size=1, max_size=60),
       st.sampled_from([3, 4, 5]))
def test_every_buyer_gets_exactly_one_segment_and_scores_respect_order(rows, k):
    days, orders, revenue = (np.array(x) for x in zip(*rows, strict=True))
    c = pd.DataFrame({"customer_id": [str(i) for i in range(len(rows))], "revenue": revenue.astype(float),
                      "orders": orders, "last_purchase": pd.Timestamp(REF) - pd.to_timedelta(days, unit="D")})
    out = rfm_scores(c, reference_date=REF, scores=k)
    names = {s.name for s in RfmParams(scores=k).segment_table()}
    assert out["rfm_segment"].isin(names).all()  # one named segment each, never "other"
    for col, values, better in (("r_score", days, False), ("f_score", orders, True), ("m_score", revenue, True)):
        s = out[col].astype(int).to_numpy()
        assert ((s >= 1) & (s <= k)).all()
        key = values if better else -values
        order = np.argsort(key, kind="stable")
        assert (np.diff(s[order]) >= 0).all()  # a better value never scores lower
        for v in np.unique(values):
            assert len(set(s[values == v])) == 1  # ties get the same score
        assert s[key == key.min()].min() == 1  # the worst value scores 1


def test_conventions_numbers_the_same_from_saved_frames_reading_only_their_columns(tmp_path):
    # The RFM chapter compares the buyers' R, F and M with the CLV summary's; saved results read only
    # the 5 columns compared from clv_customers.parquet, with the same table as from the frame itself.
    import types

    from toolkit.pipeline import SavedFrames
    from toolkit.views.rfm import conventions_numbers

    customers = pd.DataFrame({"customer_id": pd.Series(["1", "2", "3"], dtype="string"),
                              "r_score": [5, 3, None], "frequency": [4, 2, 0], "recency_days": [10, 70, None],
                              "monetary": [50.0, 30.0, None]})
    clv = pd.DataFrame({"customer_id": ["2", "1", "3"], "frequency": [1.0, 3.0, 0.0], "recency": [2.0, 8.0, 0.0],
                        "T": [10.0, 12.0, 5.0], "monetary_value": [30.0, 50.0, 0.0], "p_alive": [0.5, 0.9, 0.1],
                        "clv": [10.0, 90.0, 0.0]})
    clv.to_parquet(tmp_path / "clv_customers.parquet")
    in_memory = types.SimpleNamespace(lang="en", customers=customers, frames={"clv_customers": clv})
    saved = types.SimpleNamespace(lang="en", customers=customers, frames=SavedFrames(tmp_path, ["clv_customers"]))
    html = conventions_numbers(in_memory)
    assert html == conventions_numbers(saved)
    # Buyers 1 and 2: frequency 3.0 ours, 2.0 in the CLV convention; recency 40 days ours, 5 weeks = 35 days.
    assert ">3.0<" in html and ">2.0<" in html and ">40<" in html and ">35<" in html
    assert "clv_customers" not in saved.frames._loaded  # only the 5 columns were read, nothing cached
