"""Pyramid, ABC, Pareto and key figures: hand-computed fixtures and invariants."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.engine import analysis_period
from toolkit.errors import DataError
from toolkit.segments import (
    BUYING_LAYERS,
    LAYERS,
    abc_classes,
    abc_summary,
    customer_table,
    id_order,
    is_in,
    key_figures,
    layer_bounds,
    pareto_curve,
    positions_in,
    pyramid_layers,
    pyramid_summary,
    rows_by_rank,
    unique_positions_in,
)

PERIOD = analysis_period(dt.date(2025, 12, 31), 12)
D = dt.date(2025, 6, 1)


def buyers(revenues, ids=None, **extra) -> pd.DataFrame:
    ids = ids or [str(i) for i in range(1, len(revenues) + 1)]
    return pd.DataFrame({"customer_id": ids, "revenue": [float(r) for r in revenues],
                         "first_purchase": [D] * len(revenues), **extra})


# --- layer boundaries ---------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "expected"), [
    (1, [1, 1, 1, 1, 1]),
    (2, [1, 1, 1, 1, 2]),
    (10, [1, 1, 2, 5, 10]),
    (100, [1, 5, 20, 50, 100]),     # exact: 5 % of 100 is 5, not 6 from 0.05 * 100 rounding
    (101, [2, 6, 21, 51, 101]),
    (250, [3, 13, 50, 125, 250]),
    (0, [0, 0, 0, 0, 0]),
])
def test_layer_bounds(n, expected):
    assert list(layer_bounds(n).values()) == expected


def test_layer_bounds_use_exact_fractions_for_every_n():
    for n in range(1, 2000):
        b = layer_bounds(n)
        assert [b[k] for k in BUYING_LAYERS] == [math.ceil(n * c / 100) for c in (1, 5, 20, 50, 100)]


def test_custom_shares():
    b = layer_bounds(10, {"top": 10, "large": 10, "medium_large": 20, "medium_small": 20, "small": 40})
    assert list(b.values()) == [1, 2, 4, 6, 10]


# --- pyramid layers -------------------------------------------------------------------------------

def test_pyramid_layers_ten_customers():
    # Revenue 100, 90, ..., 10 for ids 1..10: bounds 1, 1, 2, 5, 10.
    c = buyers([100, 90, 80, 70, 60, 50, 40, 30, 20, 10])
    got = pyramid_layers(c)["pyramid_layer"].astype(str).tolist()
    assert got == ["top", "medium_large", "medium_small", "medium_small", "medium_small"] + ["small"] * 5
    assert pyramid_layers(c)["basis_rank"].tolist() == list(range(1, 11))


def test_ties_broken_by_customer_id_in_numeric_order():
    c = buyers([50, 50, 50, 50], ids=["10", "9", "100", "2"])
    ranks = pyramid_layers(c).set_index("customer_id")["basis_rank"].to_dict()
    assert ranks == {"2": 1, "9": 2, "10": 3, "100": 4}


def test_ties_broken_by_text_when_ids_are_not_numbers():
    c = buyers([5, 5, 5], ids=["b", "A", "a"])
    assert pyramid_layers(c).set_index("customer_id")["basis_rank"].to_dict() == {"A": 1, "a": 2, "b": 3}


def test_id_order_keeps_leading_zero_ids_distinct():
    ids = pd.Series(["007", "7", "10", "0", "00"])
    assert id_order(ids).tolist() == [2, 3, 4, 0, 1]


def test_id_order_mixed_ids_sort_as_text():
    assert id_order(pd.Series(["10", "9", "A1"])).tolist() == [0, 1, 2]


def test_inactive_versus_prospect():
    c = pd.DataFrame({"customer_id": ["buy", "returns_only", "old", "never"],
                      "revenue": [10.0, -5.0, 0.0, 0.0],
                      "first_purchase": [D, D, dt.date(2020, 1, 1), None]})
    layers = pyramid_layers(c).set_index("customer_id")["pyramid_layer"].astype(str).to_dict()
    assert layers == {"buy": "top", "returns_only": "inactive", "old": "inactive", "never": "prospect"}


def test_margin_basis_ranks_buyers_by_margin():
    c = buyers([100, 50, 10], margin=[-5.0, 20.0, 1.0])
    got = pyramid_layers(c, basis="margin").set_index("customer_id")["basis_rank"].to_dict()
    assert got == {"2": 1, "3": 2, "1": 3}


# --- ABC --------------------------------------------------------------------------------------

def test_abc_classes_by_hand():
    # Sorted revenue 50, 30, 10, 5, 3, 2 (total 100); share before each: 0, .50, .80, .90, .95, .98.
    c = buyers([3, 50, 10, 30, 2, 5, 0, -4])
    got = abc_classes(c).set_index("customer_id")["abc_class"].astype(object).to_dict()
    assert {k: (None if pd.isna(v) else v) for k, v in got.items()} == {
        "2": "A", "4": "A", "3": "B", "6": "B", "1": "C", "5": "C", "7": None, "8": None}


def test_abc_thresholds_configurable():
    c = buyers([50, 30, 10, 5, 3, 2])
    got = abc_classes(c, thresholds=(50, 90))["abc_class"].astype(str).tolist()
    assert got == ["A", "B", "B", "C", "C", "C"]


def test_abc_summary():
    c = buyers([50, 30, 10, 5, 3, 2])
    c["abc_class"] = abc_classes(c)["abc_class"]
    s = abc_summary(c).set_index("abc_class")
    assert s["customers"].tolist() == [2, 2, 2]
    assert s["revenue"].tolist() == [80.0, 15.0, 5.0]
    assert s["revenue_share"].sum() == pytest.approx(1.0)


# --- Pareto ------------------------------------------------------------------------------------

def test_pareto_curve_by_hand():
    c = buyers([10, 70, 20, 0])
    curve = pareto_curve(c)
    assert curve["customer_share"].round(4).tolist() == [0.0, 0.3333, 0.6667, 1.0]
    assert curve["value_share"].round(4).tolist() == [0.0, 0.7, 0.9, 1.0]


def test_pareto_curve_needs_no_ids():
    # The curve depends on the values only: a frame of revenues alone gives the same curve.
    c = buyers([10, 70, 20, 0])
    pd.testing.assert_frame_equal(pareto_curve(c[["revenue"]]), pareto_curve(c))
    with pytest.raises(DataError, match="klant"):
        pareto_curve(c, id_col="klant")  # named, it must exist


def test_pareto_curve_thinned_keeps_ends():
    c = buyers(list(range(1, 10001)))
    curve = pareto_curve(c, max_points=100)
    assert len(curve) <= 102
    assert curve["value_share"].iloc[-1] == pytest.approx(1.0)
    assert (curve["customer_share"] == 0.2).any()
    assert curve["value_share"].is_monotonic_increasing


# --- customer table and layer summary ------------------------------------------------------------------

def summary_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["1", "2", "3", "4"],
        "revenue": [100.0, 40.0, 0.0, -5.0],
        "margin": [30.0, -10.0, 0.0, -1.0],
        "orders": [3, 1, 0, 0],
        "lines": [4, 1, 0, 1],
        "revenue_previous": [80.0, 0.0, 25.0, 10.0],
        "first_purchase": [dt.date(2023, 1, 1), dt.date(2025, 3, 1), dt.date(2022, 5, 1), dt.date(2024, 2, 1)],
        "last_purchase": [dt.date(2025, 9, 1), dt.date(2025, 3, 1), dt.date(2023, 1, 1), dt.date(2025, 4, 1)],
    })


def master_frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["1", "2", "5"], "postcode": ["3511 AB", "1234", "9999"],
                         "created": [dt.date(2020, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 6, 1)],
                         "name": ["Jan", "Piet", "Klaas"], "email": ["j@x.nl", "p@x.nl", "k@x.nl"]})


def test_customer_table_by_hand():
    t = customer_table(summary_frame(), master_frame(), period=PERIOD)
    assert list(t.columns[:8]) == ["customer_id", "pyramid_layer", "abc_class", "revenue", "margin", "orders",
                                   "first_purchase", "last_purchase"]
    assert "name" not in t.columns and "email" not in t.columns
    rows = t.set_index("customer_id")
    assert rows["pyramid_layer"].astype(str).to_dict() == {
        "1": "top", "2": "small", "3": "inactive", "4": "inactive", "5": "prospect"}
    # revenue 100 and 40: the share before customer 2 is 100/140 = 71 % < 80 %, so both are A
    assert rows.loc["1", "abc_class"] == "A" and rows.loc["2", "abc_class"] == "A"
    assert pd.isna(rows.loc["3", "abc_class"])
    assert rows["is_new"].to_dict() == {"1": False, "2": True, "3": False, "4": False, "5": False}
    # tenure from the earliest of creation and first purchase: 2020-01-01 .. 2025-12-31 = 2191 days
    assert rows.loc["1", "tenure_years"] == round(2191 / 365.25, 2)
    assert rows.loc["5", "revenue"] == 0.0 and rows.loc["5", "orders"] == 0
    assert t["customer_id"].tolist() == ["1", "2", "3", "4", "5"]


def test_pyramid_summary_by_hand():
    t = customer_table(summary_frame(), master_frame(), period=PERIOD)
    s = pyramid_summary(t).set_index("layer")
    assert list(s.index) == list(LAYERS)
    assert s["customers"].tolist() == [1, 0, 0, 0, 1, 2, 1]
    # total period revenue 100 + 40 + 0 - 5 = 135
    assert s.loc["top", "revenue_share"] == pytest.approx(100 / 135)
    assert s.loc["inactive", "revenue_share"] == pytest.approx(-5 / 135)
    assert s["revenue_share"].sum() == pytest.approx(1.0)
    assert s.loc["top", "customer_share"] == 0.5 and pd.isna(s.loc["inactive", "customer_share"])
    # total margin 30 - 10 + 0 - 1 = 19
    assert s.loc["top", "margin_share"] == pytest.approx(30 / 19)
    assert pd.isna(s.loc["large", "revenue_per_customer"])


def test_key_figures_by_hand():
    t = customer_table(summary_frame(), master_frame(), period=PERIOD)
    f = key_figures(t).set_index("key")["value"]
    assert f["buying_customers"] == 2 and f["inactive_customers"] == 2 and f["prospects"] == 1
    assert f["top20_customers"] == 1                            # ceil(0.2 * 2)
    assert f["top20_revenue_share"] == pytest.approx(100 / 135)
    assert f["top20_margin_share"] == pytest.approx(30 / 19)    # above 100 %
    assert f["new_customers"] == 1 and f["revenue_new"] == 40.0 and f["revenue_existing"] == 100.0
    # previous buyers: 1, 3, 4; still buying: 1 -> lost 3 and 4 with 25 + 10
    assert f["previous_buying_customers"] == 3 and f["lost_customers"] == 2 and f["revenue_lost"] == 35.0
    assert f["retention_rate"] == pytest.approx(1 / 3)
    assert f["revenue_per_customer"] == 70.0


def test_margin_basis_without_margin_is_a_clear_error():
    s = summary_frame().drop(columns=["margin"])
    with pytest.raises(DataError, match="pyramid basis 'margin' needs margin values"):
        customer_table(s, period=PERIOD, basis="margin")


def test_missing_column_errors_name_the_column():
    with pytest.raises(DataError, match="revenue"):
        pyramid_layers(pd.DataFrame({"customer_id": ["1"]}))


# --- invariants (hypothesis) ---------------------------------------------------------------------------

amounts = st.floats(min_value=-1000, max_value=100000, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def customer_frames(draw):
    n = draw(st.integers(min_value=1, max_value=120))
    revenue = draw(st.lists(amounts, min_size=n, max_size=n))
    margin = draw(st.lists(amounts, min_size=n, max_size=n))
    has_history = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    ids = [str(i) for i in draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n, unique=True))]
    return pd.DataFrame({
        "customer_id": ids,
        "revenue": [r if h else 0.0 for r, h in zip(revenue, has_history, strict=True)],
        "margin": margin, "orders": 1, "lines": 1, "revenue_previous": 0.0,
        "first_purchase": [D if h else None for h in has_history],
        "last_purchase": [D if h else None for h in has_history],
    })


@settings(max_examples=150, deadline=None)
@given(customer_frames(), st.sampled_from(["revenue", "margin"]))
def test_layers_partition_customers_and_shares_sum(frame, basis):
    before = frame.copy()
    layers = pyramid_layers(frame, basis=basis)
    pd.testing.assert_frame_equal(frame, before)  # input not mutated
    buying = frame["revenue"] > 0
    # every customer in exactly one layer; buying customers exactly in the buying layers
    assert layers["pyramid_layer"].notna().all()
    assert (layers.loc[buying, "pyramid_layer"].isin(BUYING_LAYERS)).all()
    assert not (layers.loc[~buying, "pyramid_layer"].isin(BUYING_LAYERS)).any()
    counts = layers["pyramid_layer"].value_counts()
    bounds = layer_bounds(int(buying.sum()))
    lo = 0
    for name in BUYING_LAYERS:
        assert counts.get(name, 0) == bounds[name] - lo
        lo = max(lo, bounds[name])
    summary = pyramid_summary(frame.assign(pyramid_layer=layers["pyramid_layer"]))
    assert summary["customers"].sum() == len(frame)
    if buying.any():
        assert summary["customer_share"].sum() == pytest.approx(1.0)
    if frame["revenue"].sum() != 0:
        assert summary["revenue_share"].sum() == pytest.approx(1.0)
    assert summary["revenue"].sum() == pytest.approx(frame["revenue"].sum())


@settings(max_examples=150, deadline=None)
@given(customer_frames())
def test_abc_and_pareto_invariants(frame):
    abc = abc_classes(frame)
    positive = frame["revenue"] > 0
    assert abc.loc[positive, "abc_class"].notna().all()
    assert abc.loc[~positive, "abc_class"].isna().all()
    if positive.any():
        ranked = frame[positive].assign(c=abc["abc_class"]).sort_values("revenue", ascending=False)
        assert ranked["c"].iloc[0] == "A"
        codes = ranked["c"].cat.codes.to_numpy()
        assert (np.diff(codes) >= 0).all() or ranked["revenue"].duplicated().any()
        curve = pareto_curve(frame)
        assert curve["value_share"].iloc[-1] == pytest.approx(1.0)
        assert (np.diff(curve["value_share"]) >= -1e-12).all()


@settings(max_examples=150, deadline=None)
@given(customer_frames(), st.booleans())
def test_abc_classes_from_the_pyramid_ranking_are_the_same(frame, tied):
    # customer_table and the customers fast path hand the revenue pyramid's ranking to abc_classes.
    if tied:
        frame["revenue"] = frame["revenue"].round(-2)  # many equal values: ties go by id
    rank = pyramid_layers(frame)["basis_rank"].fillna(0).to_numpy(dtype=np.int64)
    pd.testing.assert_frame_equal(abc_classes(frame, ranked=rows_by_rank(rank)), abc_classes(frame))


@settings(max_examples=50, deadline=None)
@given(customer_frames())
def test_customer_table_is_deterministic_and_complete(frame):
    a = customer_table(frame, period=PERIOD)
    b = customer_table(frame.sample(frac=1, random_state=1), period=PERIOD)
    pd.testing.assert_frame_equal(a, b)
    assert sorted(a["customer_id"]) == sorted(frame["customer_id"])


def natural_key(ids: list[str]):
    """The documented id order, written plainly: as numbers (then text) when every id is digits."""
    if all(i.isascii() and i.isdigit() and len(i) <= 30 for i in ids):
        return lambda i: (len(i.lstrip("0")), i.lstrip("0"), i)
    return lambda i: i.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 10**25).map(str), st.from_regex(r"0{0,4}[0-9]{0,3}", fullmatch=True),
                          st.text(min_size=1, max_size=3)), min_size=1, max_size=40, unique=True)
       .filter(lambda ids: all(i != "" for i in ids)))
def test_id_order_matches_a_plain_sort(ids):
    expected = sorted(range(len(ids)), key=lambda k: natural_key(ids)(ids[k]))
    order = id_order(pd.Series(ids, dtype="string"))
    assert [ids[k] for k in np.argsort(order)] == [ids[k] for k in expected]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.integers(1, 10**18 - 1).map(str), min_size=1, max_size=60),
                 st.lists(st.integers(1, 80).map(str), min_size=1, max_size=60)))
def test_id_order_of_numbers_without_leading_zeros(ids):
    # The one-key paths (no id starts with "0"), up to the 18 digits that fit int64: a counting
    # pass for ids numbered without big gaps, a sort otherwise; an id given twice keeps file order.
    order = id_order(pd.Series(ids, dtype="string"))
    assert sorted(order.tolist()) == list(range(len(ids)))
    assert np.argsort(order).tolist() == sorted(range(len(ids)), key=lambda k: (int(ids[k]), k))


@settings(max_examples=100, deadline=None)
@given(customer_frames())
def test_customer_table_order_is_layer_rank_id(frame):
    table = customer_table(frame, period=PERIOD)
    keys = list(zip(table["pyramid_layer"].cat.codes, table["basis_rank"].fillna(0).astype(int),
                    table["customer_id"].map(natural_key(list(frame["customer_id"]))), strict=True))
    assert keys == sorted(keys)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=40),
       st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=40))
def test_is_in_agrees_with_pandas_isin(values, members):
    s = pd.Series(values, dtype="string")
    expected = s.isin([m for m in members if m is not None]).fillna(False).to_numpy(dtype=bool) & s.notna().to_numpy()
    for kind in (list, set, lambda m: pd.Index(m, dtype="string"), lambda m: pd.Series(m, dtype="string")):
        assert is_in(s, kind(members)).tolist() == expected.tolist()


# --- matching ids ---------------------------------------------------------------------------------

ID_POOL = ["1", "7", "10", "300", "007", "b", "x1", "-4", None]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ID_POOL), max_size=9), st.lists(st.sampled_from(ID_POOL), max_size=9))
def test_positions_in_and_unique_positions_in_equal_a_first_match_lookup(values, keys):
    # Plain numbers go through int64, other texts through a hash on the text: both must answer like a dict.
    first = {}
    for i, k in enumerate(keys):
        if k is not None:
            first.setdefault(k, i)
    expected = [-1 if v is None else first.get(v, -1) for v in values]
    for kind in ("string", object):
        v, k = pd.Series(values, dtype=kind), pd.Series(keys, dtype=kind)
        assert positions_in(v, k).tolist() == expected
        unique = unique_positions_in(v, k)
        if len(set(keys)) == len(keys):  # None counts as a key
            assert unique is not None and unique.tolist() == expected
        else:
            assert unique is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.5, 2.0, 2.0, -3.25, 1e9, float("nan")]), max_size=40), st.randoms())
def test_ranked_values_need_no_id_order(values, rnd):
    # key_figures, pareto_curve and whale_curve use only the ranked values: any id order of tied customers
    # gives the same array as the ranking's order (missing values last; 0.0 and -0.0 compare equal).
    from toolkit.segments import _ranked_positions, _ranked_values

    v = np.array(values, dtype=float)
    ids = list(range(len(v)))
    rnd.shuffle(ids)
    by_ranking = v[_ranked_positions(v, np.array(ids, dtype=np.int64))]
    assert _ranked_values(v).tobytes() == by_ranking.tobytes() or (
        # 0.0 and -0.0 tie, so their order may differ; the values compare equal everywhere.
        np.array_equal(_ranked_values(v), by_ranking, equal_nan=True))
