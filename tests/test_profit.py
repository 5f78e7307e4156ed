"""Cost to serve, profit, whale curve and the causes of losses: hand-computed fixtures and invariants."""

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
from toolkit.i18n import t
from toolkit.params import CostToServeParams, load_params, parse_params
from toolkit.pipeline import analyse
from toolkit.profit import (
    cost_components,
    cost_drivers_expr,
    cost_to_serve,
    customer_profit,
    final_layers,
    profit_by_layer,
    reason_summary,
    unprofitable_reasons,
    whale_curve,
    whale_summary,
)
from toolkit.segments import relayer

START, END = dt.date(2024, 12, 31), dt.date(2025, 12, 31)


def table(frame: pd.DataFrame) -> ibis.Table:
    """A pandas frame as an Ibis table on a private DuckDB (dates as DATE)."""
    con = duckdb.connect()
    con.register("t", frame)
    return ibis.duckdb.from_connection(con).table("t")


def lines() -> pd.DataFrame:
    # Customer 1: order O1 (online, 2 lines 100/30 and 50/10), order O2 (winkel, 80/20), credit C1 (-50/-15).
    # Customer 2: order O3 (telefoon, 20/2). A line of customer 2 before the window does not count.
    return pd.DataFrame({
        "customer_id": ["1", "1", "1", "1", "2", "2"],
        "date": [dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2025, 6, 9),
                 dt.date(2025, 7, 1), dt.date(2024, 5, 1)],
        "amount": [100.0, 50.0, 80.0, -50.0, 20.0, 999.0],
        "margin": [30.0, 10.0, 20.0, -15.0, 2.0, 99.0],
        "order_key": ["O1", "O1", "O2", "C1", "O3", "O0"],
        "sales_channel": ["online", "online", "winkel", "online", "telefoon", "online"],
    })


def test_cost_drivers_hand_computed():
    d = cost_drivers_expr(table(lines()), start=START, end=END, order_cost_by_channel={"online": 4.0, "winkel": 2.0},
                          default_order_cost=9.0).to_pandas().sort_values("customer_id").set_index("customer_id")
    # 1: gross 100 + 50 + 80 = 230, purchase margin 60, 2 orders, 3 lines, 1 credit note -50 / -15,
    #    order cost online 4 + winkel 2 = 6;  2: 20 / 2, 1 order, telefoon not priced -> default 9
    assert d.loc["1", ["gross_sales", "purchase_margin", "orders", "order_lines", "returns", "returns_amount",
                       "returns_margin", "order_cost"]].tolist() == [230.0, 60.0, 2, 3, 1, -50.0, -15.0, 6.0]
    assert d.loc["2", ["gross_sales", "orders", "returns", "order_cost"]].tolist() == [20.0, 1, 0, 9.0]


def test_cost_to_serve_prices_the_drivers_and_adds_contact_only_customers():
    drivers = cost_drivers_expr(table(lines()), start=START, end=END).to_pandas().sort_values("customer_id")
    contacts = pd.DataFrame({"customer_id": ["2", "7"], "contacts": [2, 1], "contact_cost": [12.0, 25.0]})
    costs = CostToServeParams(per_order=5.0, per_line=0.5, per_return=10.0)
    out = cost_to_serve(drivers, contacts, costs=costs).set_index("customer_id")
    # 1: 2 x 5 + 3 x 0.5 + 1 x 10 = 21.5;  2: 5 + 0.5 + 12 = 17.5;  7: only a complaint, 25
    assert out["cost_to_serve"].to_dict() == {"1": 21.5, "2": 17.5, "7": 25.0}
    assert out.loc["7", ["orders", "gross_sales", "contacts"]].tolist() == [0, 0.0, 1]
    assert drivers["customer_id"].tolist() == ["1", "2"]  # input untouched


def test_cost_to_serve_without_costs_is_zero():
    drivers = cost_drivers_expr(table(lines()), start=START, end=END).to_pandas()
    assert cost_to_serve(drivers)["cost_to_serve"].tolist() == [0.0, 0.0]


def test_unprofitable_reasons_rules():
    # Average purchase margin rate (30 + 2 + 30 + 40 + 0) / 500 = 20.4 %; low below half of it: 10.2 %.
    costs = pd.DataFrame({
        "gross_sales": [100.0, 100.0, 100.0, 100.0, 100.0],
        "purchase_margin": [30.0, 2.0, 30.0, 40.0, 0.0],
        "returns_margin": [-30.0, 0.0, 0.0, 0.0, 0.0],
        "return_cost": [5.0, 0.0, 0.0, 0.0, 0.0],
        "contact_cost": [10.0, 0.0, 40.0, 20.0, 0.0],
        "order_cost": [5.0, 5.0, 4.0, 25.0, 0.0],
        "line_cost": [0.0, 0.0, 0.0, 0.0, 0.0],
    })
    profit = pd.Series([-20.0, -3.0, -14.0, -5.0, -1.0])
    # 0: burden returns 35, contacts 10, orders 5 (total 50): only returns >= 1/3
    # 1: rate 2 % is low; orders 5 is the only burden
    # 2: contacts 40 of 44
    # 3: orders 25 and contacts 20 of 45: both >= 15, orders first
    # 4: no purchase margin, no burden: low margin
    assert unprofitable_reasons(costs, profit).tolist() == ["returns", "low_margin+orders", "contacts",
                                                            "orders+contacts", "low_margin"]
    assert unprofitable_reasons(costs, -profit).tolist() == [""] * 5


def test_customer_profit_prospects_and_missing_margin():
    customers = pd.DataFrame({"customer_id": ["1", "2", "3"], "margin": [60.0 - 15.0, 2.0, np.nan],
                              "first_purchase": pd.to_datetime(["2025-03-01", "2025-07-01", None])})
    drivers = cost_drivers_expr(table(lines()), start=START, end=END).to_pandas()
    costs = cost_to_serve(drivers, costs=CostToServeParams(per_order=5.0))
    out = customer_profit(customers, costs)
    # 1: 45 - 10 = 35; 2: 2 - 5 = -3 (orders: the only burden); 3 is a prospect: empty
    assert out["profit"].tolist()[:2] == [35.0, -3.0] and np.isnan(out["profit"].iloc[2])
    assert out["profit_reason"].tolist()[:2] == [pd.NA, "low_margin+orders"] or \
        (pd.isna(out["profit_reason"].iloc[0]) and out["profit_reason"].iloc[1] == "low_margin+orders")
    no_margin = customer_profit(customers.assign(margin=np.nan), costs)
    assert no_margin["profit"].isna().all() and no_margin["cost_to_serve"].tolist()[:2] == [10.0, 5.0]


COST_PARTS = ("gross_sales", "purchase_margin", "returns_margin", "return_cost", "contact_cost", "order_cost",
              "line_cost")


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_customer_profit_matches_each_customer_to_its_own_costs(data):
    # Against a join by id (the costs frame comes in any order, with customers the table lacks).
    ids = data.draw(st.lists(st.sampled_from(["7", "12", "300", "4000", "a7", "x", "05", "5"]), min_size=1,
                             max_size=8, unique=True))
    n = len(ids)
    customers = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="string"),
        "margin": data.draw(st.lists(st.sampled_from([np.nan, -5.0, 0.0, 3.0, 40.0]), min_size=n, max_size=n)),
        "first_purchase": pd.to_datetime(data.draw(st.lists(st.sampled_from(["2025-03-01", None]), min_size=n,
                                                            max_size=n)))})
    billed = data.draw(st.lists(st.sampled_from([*ids, "999", "zz"]), unique=True, max_size=10))
    amounts = st.lists(st.sampled_from([0.0, 1.0, 2.5, 10.0]), min_size=len(billed), max_size=len(billed))
    costs = pd.DataFrame({"customer_id": pd.array(billed, dtype="string"),
                          **{c: data.draw(amounts) for c in COST_PARTS}})
    costs["cost_to_serve"] = costs[["return_cost", "contact_cost", "order_cost", "line_cost"]].sum(axis=1)
    out = customer_profit(customers, costs)
    joined = customers[["customer_id"]].merge(costs, on="customer_id", how="left")
    expected_cts = joined["cost_to_serve"].fillna(0.0).where(customers["first_purchase"].notna().to_numpy())
    assert out["customer_id"].tolist() == ids
    np.testing.assert_array_equal(out["cost_to_serve"].to_numpy(), expected_cts.to_numpy())
    np.testing.assert_array_equal(out["profit"].to_numpy(), customers["margin"].to_numpy() - expected_cts.to_numpy())
    parts = joined[list(COST_PARTS)].fillna(0.0)
    reasons = unprofitable_reasons(parts, out["profit"].reset_index(drop=True))
    assert out["profit_reason"].fillna("").tolist() == reasons.tolist()


def test_customer_profit_refuses_costs_with_a_customer_twice():
    customers = pd.DataFrame({"customer_id": ["1"], "margin": [5.0], "first_purchase": pd.to_datetime(["2025-01-01"])})
    costs = pd.DataFrame({"customer_id": ["1", "1"], "cost_to_serve": [1.0, 2.0]})
    with pytest.raises(DataError, match="more than once"):
        customer_profit(customers, costs)


def test_whale_curve_and_summary_hand_computed():
    c = pd.DataFrame({"customer_id": list("abcdef"), "revenue": [50.0, 40.0, 30.0, 20.0, 0.0, 0.0],
                      "profit": [40.0, 30.0, -10.0, 5.0, -5.0, 0.0]})
    # served: a-e (f has no revenue and no profit); ranked 40, 30, 5, -5, -10
    curve = whale_curve(c)
    assert curve["cum_profit"].tolist() == [0.0, 40.0, 70.0, 75.0, 70.0, 60.0]
    assert curve["cum_share"].iloc[3] == pytest.approx(1.25)
    # only the values count: no id column needed, and another value column by name
    assert whale_curve(c.drop(columns="customer_id")).equals(curve)
    assert whale_curve(c.rename(columns={"profit": "winst"}), value="winst").equals(curve)
    s = whale_summary(c)
    assert (s["customers"], s["peak_profit"], s["total_profit"], s["beyond_peak"], s["destroyed"]) == (
        5, 75.0, 60.0, 2, 15.0)
    assert s["peak_share"] == pytest.approx(1.25) and s["destroyed_share"] == pytest.approx(0.2)


def test_whale_curve_thinning_keeps_peak_and_end():
    rng = np.random.default_rng(1)
    p = rng.normal(10, 30, 5000)
    c = pd.DataFrame({"customer_id": [str(i) for i in range(5000)], "revenue": 1.0, "profit": p})
    curve = whale_curve(c, max_points=100)
    assert len(curve) <= 102
    assert curve["cum_profit"].max() == pytest.approx(p[p > 0].sum())
    assert curve["cum_profit"].iloc[-1] == pytest.approx(p.sum())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-500, 500, allow_nan=False).map(lambda x: round(x, 2)), min_size=1, max_size=80))
def test_whale_curve_ends_at_total_profit_and_peaks_at_the_sum_of_gains(profits):
    c = pd.DataFrame({"customer_id": [str(i) for i in range(len(profits))], "revenue": 1.0, "profit": profits})
    curve = whale_curve(c, max_points=None)
    p = np.array(profits)
    assert curve["cum_profit"].iloc[-1] == pytest.approx(p.sum(), abs=1e-6)
    assert curve["cum_profit"].max() == pytest.approx(p[p > 0].sum(), abs=1e-6)
    steps = np.diff(curve["cum_profit"].to_numpy())
    assert (np.diff(steps) <= 1e-9).all()  # ranked by profit: each step is at most the one before
    s = whale_summary(c)
    assert s["beyond_peak"] == int((p < 0).sum()) and s["destroyed"] == pytest.approx(-p[p < 0].sum(), abs=1e-6)


def test_profit_by_layer_and_reason_summary():
    c = pd.DataFrame({"pyramid_layer": ["top", "small", "small", "inactive"], "revenue": [100.0, 10.0, 5.0, 0.0],
                      "margin": [40.0, 3.0, 1.0, -2.0], "cost_to_serve": [5.0, 4.0, 4.0, 6.0],
                      "profit": [35.0, -1.0, -3.0, -8.0],
                      "profit_reason": [None, "orders", "low_margin+orders", "contacts"]})
    by = profit_by_layer(c, layers=["top", "small", "inactive"]).set_index("layer")
    assert by.loc["small", ["customers", "profit", "unprofitable"]].tolist() == [2, -4.0, 2]
    assert by.loc["small", "profit_per_customer"] == -2.0
    r = reason_summary(c).set_index("reason")
    assert r.loc["orders", ["customers", "main", "loss"]].tolist() == [2, 1, -4.0]
    assert r.loc["low_margin", ["customers", "main"]].tolist() == [1, 1]
    assert r.loc["contacts", "loss"] == -8.0


def test_cost_components_leave_prospects_out():
    k = pd.DataFrame({"customer_id": ["1", "9"], "orders": [2, 0], "order_lines": [3, 0], "returns": [0, 0],
                      "contacts": [1, 2], "order_cost": [8.0, 0.0], "line_cost": [0.0, 0.0], "return_cost": [0.0, 0.0],
                      "contact_cost": [6.0, 12.0]})
    c = pd.DataFrame({"customer_id": ["1", "9"], "first_purchase": pd.to_datetime(["2025-01-01", None])})
    out = cost_components(k, c).set_index("component")
    assert out.loc["contact_cost", ["units", "cost", "unit_cost"]].tolist() == [1, 6.0, 6.0]


def test_final_layers_match_the_pipeline_relayer():
    c = pd.DataFrame({"customer_id": ["1", "2", "3"], "revenue": [100.0, 50.0, 10.0], "profit": [-5.0, 20.0, 3.0],
                      "first_purchase": pd.to_datetime(["2025-01-01"] * 3),
                      "pyramid_layer": pd.Categorical(["top", "medium_large", "small"]), "basis_rank": [1, 2, 3]})
    got = final_layers(c, basis="profit")
    want = relayer(c, basis="profit").set_index("customer_id")["pyramid_layer"]
    assert got.astype(str).tolist() == want.reindex(c["customer_id"]).astype(str).tolist()
    assert final_layers(c, basis="revenue").tolist() == c["pyramid_layer"].tolist()


def test_missing_columns_are_toolkit_errors():
    with pytest.raises(DataError, match="margin"):
        customer_profit(pd.DataFrame({"customer_id": ["1"], "first_purchase": [pd.NaT]}), pd.DataFrame())
    with pytest.raises(DataError, match="profit"):
        whale_curve(pd.DataFrame({"customer_id": ["1"], "revenue": [1.0]}))


# --- params and a whole run on tiny files ----------------------------------------------------------

@pytest.mark.parametrize(("section", "message"), [
    ({"per_contact": 5}, "per_contact needs a contacts table"),
    ({"contacts": {"path": "c.csv", "columns": {"customer_id": "klant"}}}, "must map date"),
    ({"contacts": {"path": "c.csv", "columns": {"customer_id": "k", "date": "d"}}, "per_contact_type": {"x": 1}},
     "needs contacts.columns.type"),
    ({"per_order": -1}, "greater than or equal to 0"),
    ({"per_order_by_channel": {"web": -2}}, "0 or more"),
])
def test_cost_to_serve_params_errors(section, message):
    with pytest.raises(ParamsError, match=message):
        parse_params(params_dict(cost_to_serve=section))


def test_channel_costs_need_a_sales_channel_column():
    with pytest.raises(ParamsError, match=r"per_order_by_channel needs transactions\.columns\.sales_channel"):
        parse_params(params_dict(cost_to_serve={"per_order_by_channel": {"web": 2}}))


ROWS = ("F1;1;01-02-2025;100,00;30\nF2;1;01-03-2025;100,00;30\nC1;1;05-03-2025;-40,00;-20\n"
        "F3;2;01-03-2025;60,00;4\nF4;3;01-04-2025;10,00;5\nF0;4;01-04-2024;10,00;5\n")


def test_profit_in_a_run_with_a_contacts_file(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    write(tmp_path / "contacts.csv", "klant;datum;soort\n2;02-03-2025;klacht\n2;03-03-2025;mail\n"
                                     "99;04-03-2025;mail\n3;;mail\n4;01-05-2025;mail\n")
    costs = {"per_order": 5, "per_return": 10, "per_contact": 3, "per_contact_type": {"klacht": 20},
             "contacts": {"path": "contacts.csv",
                          "columns": {"customer_id": "klant", "date": "datum", "type": "soort"}}}
    results = analyse(load_params(write_params(tmp_path, params_dict(cost_to_serve=costs))))
    c = results.customers.set_index("customer_id")
    # 1: margin 30 + 30 - 20 = 40; cost 2 orders x 5 + 1 credit x 10 = 20 -> profit 20
    # 2: margin 4; cost 5 + complaint 20 + mail 3 = 28 -> -24; margin rate 4/60 = 6.7 % is below half the
    #    average purchase margin rate (30 + 30 + 4 + 5) / 270 = 25.6 %: low margin, then contacts (23 of 28)
    # 3: margin 5; cost 5 -> 0;  4: inactive, margin 0; a mail in the period costs 3 -> -3
    assert c.loc[["1", "2", "3", "4"], "profit"].tolist() == [20.0, -24.0, 0.0, -3.0]
    assert c.loc["2", "profit_reason"] == "low_margin+contacts"
    codes = {n["code"]: n for n in results.notes}
    assert codes["contacts_excluded"]["rows"] == 1            # the row without a date
    assert codes["contacts_unknown_customers"]["rows"] == 1   # customer 99
    assert results.frames["contacts_source"]["rows_in_period"].iloc[0] == 4


def test_profit_without_cost_inputs_equals_margin(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    c = analyse(load_params(write_params(tmp_path, params_dict()))).customers.set_index("customer_id")
    assert c.loc[["1", "2", "3"], "profit"].tolist() == c.loc[["1", "2", "3"], "margin"].tolist()
    assert (c["cost_to_serve"].dropna() == 0).all()


def test_profit_basis_pyramid_ranks_on_cost_aware_profit(tmp_path):
    write(tmp_path / "tx.csv", TX_HEADER + ROWS)
    params = params_dict(pyramid_basis="profit", cost_to_serve={"per_order": 5, "per_return": 30})
    c = analyse(load_params(write_params(tmp_path, params))).customers.set_index("customer_id")
    # profit 1: 40 - 10 - 30 = 0; 2: 4 - 5 = -1; 3: 5 - 5 = 0 -> ranked 1 (id order), 3, 2
    assert c.loc[["1", "3", "2"], "basis_rank"].tolist() == [1, 2, 3]


NO_MARGIN_HEADER = "factuur;klant;datum;omzet\n"


def test_a_run_without_margin_column_leaves_profit_empty_and_the_chapter_says_what_to_map(tmp_path):
    from toolkit.views import profit as view

    rows = "".join(";".join(r.split(";")[:4]) + "\n" for r in ROWS.splitlines())
    write(tmp_path / "tx.csv", NO_MARGIN_HEADER + rows)
    params = params_dict(cost_to_serve={"per_order": 5})
    del params["transactions"]["columns"]["margin"]
    run = analyse(load_params(write_params(tmp_path, params)))
    c = run.customers.set_index("customer_id")
    assert c["profit"].isna().all() and c.loc["1", "cost_to_serve"] == 10.0
    assert view.profit_intro(run) == f"<p>{t('profit.no_margin', 'nl')}</p>"
    assert [view.costs_section(run), view.whale_section(run), view.layers_section(run), view.reasons_section(run),
            view.pyramid_section(run)] == [""] * 5
    assert run.frames["migration"]["flow"].notna().all()
    # every section of the four chapters renders on this thin run (no margin, channel, discount or master)
    import matplotlib.pyplot as plt

    from toolkit.views import actions, migration, rfm

    sections = {rfm: ["rfm_intro", "segments_section", "scores_section", "value_frequency_section",
                      "conventions_section"],
                migration: ["migration_intro", "flows_section", "bridge_section", "upgrade_section"],
                actions: ["actions_intro", "strategy_section", "actions_section", "price_section", "plan_section"]}
    for module, names in sections.items():
        for name in names:
            assert isinstance(getattr(module, name)(run), str), name
    assert t("actions.price_no_discount", "nl") in actions.price_section(run)
    plt.close("all")
