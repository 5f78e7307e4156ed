"""Migration between periods and the upgrade scenario: hand-computed fixtures and invariants."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TX_HEADER, params_dict, write, write_params
from toolkit.errors import DataError, ParamsError
from toolkit.migration import (
    EARLIER_STATES,
    FLOWS,
    flow_summary,
    migration_matrix,
    migration_states,
    upgrade_scenario,
    window_values_expr,
)
from toolkit.params import load_params, parse_params
from toolkit.pipeline import analyse
from toolkit.segments import pyramid_summary

#: Two layers only (top 50 %, the rest small with tiny middle layers), so tiny fixtures have every kind of move.
SHARES = {"top": 40, "large": 10, "medium_large": 10, "medium_small": 10, "small": 30}


def states_fixture() -> pd.DataFrame:
    # Earlier buyers: 1 (100), 2 (80), 3 (10), 4 (5) -> bounds ceil(4 x .4, .5, .6, .7, 1) = 2, 2, 3, 3, 4:
    #   1, 2 top; 3 medium_large; 4 small.
    # Later buyers: 2 (200), 3 (150), 5 (50), 6 (20), 4 (1) -> bounds 2, 3, 3, 4, 5:
    #   2, 3 top; 5 large; 6 medium_small; 4 small.  1 bought nothing later (lost).
    #   5 was inactive before (reactivated); 6 never bought before (new); 7 inactive in both.
    return pd.DataFrame({
        "customer_id": ["1", "2", "3", "4", "5", "6", "7"],
        "revenue_earlier": [100.0, 80.0, 10.0, 5.0, 0.0, 0.0, -3.0],
        "revenue_later": [0.0, 200.0, 150.0, 1.0, 50.0, 20.0, 0.0],
        "seen_earlier": [True, True, True, True, True, False, True],
    })


def test_migration_states_hand_computed():
    s = migration_states(states_fixture(), shares=SHARES).set_index("customer_id")
    assert s["layer_earlier"].astype(str).tolist() == ["top", "top", "medium_large", "small", "inactive", "new",
                                                       "inactive"]
    assert s["layer_later"].astype(str).tolist() == ["inactive", "top", "top", "small", "large", "medium_small",
                                                     "inactive"]
    assert s["flow"].astype(str).tolist() == ["lost", "stayed", "up", "stayed", "reactivated", "new",
                                              "still_inactive"]


def test_migration_ranks_on_margin_but_buys_on_revenue():
    w = states_fixture().assign(margin_earlier=[1.0, 50.0, 60.0, -5.0, 0.0, 0.0, 0.0],
                                margin_later=[0.0, -10.0, 30.0, 1.0, 9.0, 2.0, 0.0])
    s = migration_states(w, basis_earlier="margin_earlier", basis_later="margin_later", shares=SHARES)
    s = s.set_index("customer_id")
    # earlier by margin: 3 (60), 2 (50) top; 1 (1) medium_large; 4 (-5, but revenue 5 > 0: still a buyer) small
    assert s.loc[["3", "2", "1", "4"], "layer_earlier"].astype(str).tolist() == ["top", "top", "medium_large", "small"]
    # later: 2 has negative margin but bought: ranked last (small), not inactive
    assert s.loc["2", "layer_later"] == "small" and s.loc["2", "flow"] == "down"


def test_matrix_and_flow_summary():
    s = migration_states(states_fixture(), shares=SHARES)
    m = migration_matrix(s)
    assert len(m) == len(EARLIER_STATES) * 6
    rows = m.groupby("layer_earlier")["customers"].sum()
    assert rows["top"] == 2 and rows["inactive"] == 2 and rows["new"] == 1
    f = flow_summary(s).set_index("flow")
    assert f.loc["lost", ["customers", "revenue_earlier", "effect"]].tolist() == [1, 100.0, -100.0]
    assert f.loc["still_inactive", "effect"] == 3.0
    assert f["effect"].sum() == pytest.approx(s["revenue_later"].sum() - s["revenue_earlier"].sum())
    assert list(f.index) == list(FLOWS)


def test_window_values_expr_hand_computed():
    con = duckdb.connect()
    con.register("t", pd.DataFrame({
        "customer_id": ["1", "1", "2", "3"],
        "date": [dt.date(2024, 5, 1), dt.date(2025, 5, 1), dt.date(2025, 2, 1), dt.date(2023, 1, 1)],
        "amount": [10.0, 30.0, 7.0, 4.0], "margin": [1.0, 3.0, 0.7, 0.4]}))
    t = ibis.duckdb.from_connection(con).table("t")
    w = window_values_expr(t, earlier=(dt.date(2023, 12, 31), dt.date(2024, 12, 31)),
                           later=(dt.date(2024, 12, 31), dt.date(2025, 12, 31)), has_margin=True)
    w = w.to_pandas().set_index("customer_id").sort_index()
    assert w["revenue_earlier"].tolist() == [10.0, 0.0, 0.0]
    assert w["revenue_later"].tolist() == [30.0, 7.0, 0.0]
    assert w["seen_earlier"].tolist() == [True, False, True]  # 3 bought in 2023: inactive, not new


def test_upgrade_scenario_with_inactive():
    # Layer averages: inactive 0 (10 customers), small 10 (50), medium_small 40 (30), medium_large 100 (15),
    # large 400 (4), top 1000 (1). At 10 %: inactive 1 mover x 10; small 5 x 30; medium_small 3 x 60;
    # medium_large 1.5 -> 2 x 300; large 0.4 -> 0.
    n = {"top": 1, "large": 4, "medium_large": 15, "medium_small": 30, "small": 50, "inactive": 10}
    avg = {"top": 1000.0, "large": 400.0, "medium_large": 100.0, "medium_small": 40.0, "small": 10.0,
           "inactive": 0.0}
    c = pd.DataFrame({"pyramid_layer": [k for k in n for _ in range(n[k])],
                      "revenue": [avg[k] for k in n for _ in range(n[k])]})
    u = upgrade_scenario(pyramid_summary(c), percent=10)
    assert u["layer_from"].tolist() == ["inactive", "small", "medium_small", "medium_large", "large"]
    assert u["movers"].tolist() == [1, 5, 3, 2, 0]
    assert u["gain"].tolist() == [10.0, 150.0, 180.0, 600.0, 0.0]
    assert u["margin_gain"].isna().all()


def test_missing_columns_are_toolkit_errors():
    with pytest.raises(DataError, match="seen_earlier"):
        migration_states(states_fixture().drop(columns="seen_earlier"))
    with pytest.raises(DataError, match="flow"):
        flow_summary(pd.DataFrame({"revenue_earlier": [1.0]}))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 300), st.integers(-20, 300), st.booleans()), min_size=1, max_size=60))
def test_rows_sum_to_the_earlier_states_and_effects_to_the_change(rows):
    e, later, seen = (np.array(x) for x in zip(*rows, strict=True))
    w = pd.DataFrame({"customer_id": [str(i) for i in range(len(rows))], "revenue_earlier": e.astype(float),
                      "revenue_later": later.astype(float), "seen_earlier": seen | (e != 0)})
    s = migration_states(w)
    assert len(s) == len(w) and s["flow"].notna().all()
    m = migration_matrix(s)
    per_state = m.groupby("layer_earlier")["customers"].sum()
    assert per_state.sum() == len(w)
    assert per_state["inactive"] + per_state["new"] == int((e <= 0).sum())  # earlier non-buyers
    buyers = per_state[[x for x in EARLIER_STATES if x not in ("inactive", "new")]].sum()
    assert buyers == int((e > 0).sum())
    f = flow_summary(s)
    assert f["effect"].sum() == pytest.approx(later.sum() - e.sum())
    assert f["customers"].sum() == len(w)


# --- params and runs ----------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "message"), [
    ({"earlier": {"start": "2024-01-01", "end": "2024-12-31"}}, "give both earlier and later"),
    ({"earlier": {"start": "2024-01-01", "end": "2024-12-31"}, "later": {"start": "2024-06-01", "end": "2025-05-31"}},
     "must end before the later one starts"),
    ({"earlier": {"start": "2024-12-31", "end": "2024-01-01"}, "later": {"start": "2025-01-01", "end": "2025-12-31"}},
     "is before start"),
    ({"upgrade_percent": 0}, "greater than 0"),
])
def test_migration_params_errors(section, message):
    with pytest.raises(ParamsError, match=message):
        parse_params(params_dict(migration=section))


def test_later_period_after_reference_date_is_refused():
    section = {"earlier": {"start": "2025-01-01", "end": "2025-06-30"}, "later": {"start": "2025-07-01",
                                                                                   "end": "2026-06-30"}}
    with pytest.raises(ParamsError, match="after the reference date"):
        parse_params(params_dict(migration=section))


ROWS = ("F1;1;01-02-2024;100,00;30\nF2;1;01-03-2025;20,00;5\nF3;2;01-03-2024;10,00;2\nF4;2;01-03-2025;90,00;20\n"
        "F5;3;01-04-2025;10,00;5\nF6;4;01-04-2023;10,00;5\nF7;4;01-05-2025;40,00;9\nF8;5;01-05-2024;30,00;9\n")


def test_default_periods_in_a_run_match_the_pyramid(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    results = analyse(load_params(write_params(tmp_path, params_dict())))
    c = results.customers.set_index("customer_id")
    s = results.frames["migration"].set_index("customer_id")
    assert (s["layer_later"].astype(str) == c.loc[s.index, "pyramid_layer"].astype(str)).all()
    # 2024: 1 (100) top, 5 (30), 2 (10) -> 3 buyers: bounds 1, 1, 1, 2, 3: 5 medium_small, 2 small
    # 2025: 2 (90), 4 (40), 1 (20), 3 (10) -> 4 buyers: bounds 1, 1, 1, 2, 4: 4 medium_small, 1 and 3 small
    assert c.loc[["1", "2", "3", "4", "5"], "migration"].tolist() == ["down", "up", "new", "reactivated", "lost"]
    assert c.loc[["1", "5"], "migration_from"].tolist() == ["top", "medium_small"]
    w = results.frames["migration_windows"]
    assert w["first_day"].dt.date.tolist() == [dt.date(2024, 1, 1), dt.date(2025, 1, 1)]


def test_given_periods_in_a_run(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    section = {"earlier": {"start": "2023-01-01", "end": "2023-12-31"},
               "later": {"start": "2025-01-01", "end": "2025-12-31"}}
    results = analyse(load_params(write_params(tmp_path, params_dict(migration=section))))
    s = results.frames["migration"].set_index("customer_id")
    # 2023: only 4 bought (top); 2025: 2, 4, 1, 3 bought; 5 bought only in 2024: inactive in 2025, new before
    assert s.loc["4", "layer_earlier"] == "top" and s.loc["4", "flow"] == "down"
    assert s.loc[["1", "2", "3"], "flow"].astype(str).tolist() == ["new", "new", "new"]
    assert s.loc["5", ["layer_earlier", "layer_later"]].astype(str).tolist() == ["new", "inactive"]
    assert {"code": "migration_short_history", "first": "2023-04-01", "previous_first": "2023-01-01"} in \
        results.notes


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_migration_columns_per_customer_equal_a_lookup_by_id(data):
    # The enrich step matches the customer table to the migration frame by id: against a plain dict lookup.
    from toolkit.analyses.migration import _texts_at
    from toolkit.segments import positions_in

    pool = ["1", "2", "30", "400", "b", "05"]
    state_ids = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=6))
    flows = data.draw(st.lists(st.sampled_from([*FLOWS[:4], None]), min_size=len(state_ids), max_size=len(state_ids)))
    states = pd.DataFrame({"customer_id": pd.array(state_ids, dtype="string"),
                           "flow": pd.Categorical(flows, categories=FLOWS)})
    customers = pd.Series(data.draw(st.lists(st.sampled_from([*pool, "77"]), unique=True, max_size=7)),
                          dtype="string")
    at = positions_in(customers, states["customer_id"])
    lookup = dict(zip(state_ids, flows, strict=True))
    expected = [lookup.get(c) for c in customers]
    # The column pandas makes of the texts, missing as pd.NA (as the former reindex of a "string" column gave).
    want = pd.Series(np.array([pd.NA if v is None else v for v in expected], dtype=object))
    for column in (states["flow"], states["flow"].astype("string")):  # categorical, and plain text
        pd.testing.assert_series_equal(pd.Series(_texts_at(column, at)), want, check_exact=True)
