"""Actions, price hints and the contact plan; and the issue-3 chapters end to end in both languages."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import duckdb
import ibis
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from toolkit.actions import (
    ACTIONS,
    PLAN_COLUMNS,
    _codes,
    cheapest,
    contact_plan,
    customer_actions,
    plan_overview,
    price_hints,
    purchase_terms_expr,
    write_contact_plan,
)
from toolkit.errors import DataError
from toolkit.i18n import fmt_money, t
from toolkit.params import CONTACT_CHANNELS, ActionParams, LayerPolicy, PriceHintParams
from toolkit.segments import BUYING_LAYERS, LAYERS

# --- actions --------------------------------------------------------------------------------------


def layered(**extra) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["1", "2", "3", "4", "5", "6", "7"],
                         "pyramid_layer": ["top", "large", "medium_large", "medium_small", "small", "inactive",
                                           "prospect"], **extra})


def test_base_action_contacts_channel_priority_per_layer():
    out = customer_actions(layered())
    assert out["action"].tolist() == ["retain", "retain", "develop", "develop", "serve_efficiently", "let_go",
                                      "acquire"]
    assert out["contacts_per_year"].tolist() == [12.0, 6.0, 4.0, 3.0, 2.0, 0.0, 2.0]
    assert out["contact_channel"].tolist() == ["account_manager", "account_manager", "phone", "email", "newsletter",
                                               "none", "email"]
    assert out["priority"].tolist() == [1, 1, 2, 2, 3, 3, 3]


def test_at_risk_rules_from_rfm_and_churn():
    # 1: top, at_risk segment -> rescue (keeps the account manager); 3: churn 0.7 -> rescue by phone;
    # 4: churn 0.3 -> develop; 5: small at risk stays serve_efficiently (small customers are not rescued)
    c = layered(rfm_segment=["at_risk", "loyal", "loyal", "loyal", "cant_lose", "inactive", "prospect"],
                churn_probability=[0.1, 0.2, 0.7, 0.3, 0.9, np.nan, np.nan])
    out = customer_actions(c)
    assert out["action"].tolist()[:5] == ["rescue", "retain", "rescue", "develop", "serve_efficiently"]
    assert out["contact_channel"].tolist()[:3] == ["account_manager", "account_manager", "phone"]
    assert out["at_risk"].tolist()[:5] == [True, False, True, False, True]


def test_reactivate_only_valuable_inactive_customers():
    c = pd.DataFrame({"customer_id": ["1", "2", "3"], "pyramid_layer": ["inactive"] * 3,
                      "migration_from": ["medium_small", "small", None]})
    out = customer_actions(c)
    assert out["action"].tolist() == ["reactivate", "let_go", "let_go"]
    assert out["contacts_per_year"].tolist() == [2.0, 0.0, 0.0]


def test_configured_policy_overrides_a_layer():
    policy = ActionParams(layers={"small": LayerPolicy(contacts_per_year=1, channel="mail")},
                          at_risk_segments=["lost"], churn_risk_high=0.9)
    c = layered(rfm_segment=["lost", "at_risk", "loyal", "loyal", "loyal", "inactive", "prospect"])
    out = customer_actions(c, policy=policy)
    assert out["action"].tolist()[:2] == ["rescue", "retain"]
    assert out.loc[4, ["contacts_per_year", "contact_channel"]].tolist() == [1.0, "mail"]


# --- price hints -------------------------------------------------------------------------------

def hint_customers() -> pd.DataFrame:
    # 5 buyers, revenue 1000, 500, 300, 150, 50: average 400. A: 1, 2; C: 3, 4, 5 (and a non-buyer).
    return pd.DataFrame({"customer_id": ["1", "2", "3", "4", "5", "6"], "abc_class": ["A", "A", "C", "C", "C", None],
                         "revenue": [1000.0, 500.0, 300.0, 150.0, 50.0, 0.0], "orders": [8, 6, 4, 3, 1, 0],
                         "revenue_previous": [900.0, 400.0, 200.0, 100.0, 40.0, 10.0]})


def test_price_hint_bands_steps_and_regularity():
    h = price_hints(hint_customers()).set_index("customer_id")
    # relative revenue 0.75, 0.375, 0.125 -> bands 1-3 % (step 1.5), 3-5 % (2.5), 5-8 % (4);
    # 3 and 4 buy regularly: ceil(3 / 1.5) = 2 and ceil(5 / 2.5) = 2 steps; 5 bought once: at once
    assert h.loc[["3", "4", "5"], "price_hint"].tolist() == ["1-3%", "3-5%", "5-8%"]
    assert h.loc[["3", "4", "5"], "price_hint_steps"].tolist() == [2, 2, 1]
    assert h.loc[["3", "4", "5"], "price_hint_reason"].tolist() == ["regular", "regular", "irregular"]
    assert h.loc[["1", "2", "6"], "price_hint"].isna().all()
    assert h.loc["5", "relative_revenue"] == pytest.approx(0.125)


def test_better_conditions_than_a_customers_and_cheaper_channel():
    terms = pd.DataFrame({"customer_id": ["1", "2", "3", "4", "5"], "discount": [5.0, 15.0, 20.0, 12.0, 0.0],
                          "main_channel": ["telefoon", "online", "telefoon", "online", "telefoon"]})
    h = price_hints(hint_customers(), terms=terms, cheapest_channel="online").set_index("customer_id")
    # A discounts 5 and 15: 75th percentile 12.5 -> 3 (20 %) is flagged, 4 (12 %) is not.
    # Cheaper channel for C with relative revenue below 0.25: only 5 (0.125), who buys by phone.
    assert h.loc["3", "price_hint_reason"] == "regular+better_than_a"
    assert h.loc["4", "price_hint_reason"] == "regular"
    assert h.loc["5", "price_hint_reason"] == "irregular+cheaper_channel"
    assert h["cheaper_channel"].dropna().to_dict() == {"5": "online"}
    assert h.loc["3", "a_discount"] == pytest.approx(12.5)


def test_configured_bands():
    params = PriceHintParams(bands=[{"below": 0.5, "min_pct": 10, "max_pct": 20, "step_pct": 5},
                                    {"min_pct": 2, "max_pct": 4, "step_pct": 4}], irregular_max_orders=0)
    h = price_hints(hint_customers(), params=params).set_index("customer_id")
    assert h.loc[["3", "4", "5"], "price_hint"].tolist() == ["2-4%", "10-20%", "10-20%"]
    assert h.loc[["3", "4", "5"], "price_hint_steps"].tolist() == [1, 4, 4]


def test_cheapest_channel():
    assert cheapest({"winkel": 5.0, "online": 3.5, "telefoon": 3.5}) == "online"
    assert cheapest(None) is None and cheapest({"a": 1.0}, "b") == "b"


def test_purchase_terms_expr():
    con = duckdb.connect()
    con.register("t", pd.DataFrame({
        "customer_id": ["1", "1", "1", "1", "2"],
        "date": [dt.date(2025, 2, 1)] * 4 + [dt.date(2025, 3, 1)],
        "amount": [100.0, 300.0, 50.0, -20.0, 10.0],
        "discount": [10.0, 0.0, 20.0, 50.0, 5.0],
        "order_key": ["A", "B", "C", "D", "E"],
        "sales_channel": ["winkel", "online", "winkel", "online", "online"]}))
    terms = purchase_terms_expr(ibis.duckdb.from_connection(con).table("t"), start=dt.date(2024, 12, 31),
                                end=dt.date(2025, 12, 31), has_channel=True, has_discount=True).to_pandas()
    terms = terms.set_index("customer_id").sort_index()
    # 1: discount (10 x 100 + 0 x 300 + 20 x 50) / 450 = 4.44 (the credit does not count); 2 winkel orders vs 1
    assert terms.loc["1", "discount"] == pytest.approx(2000 / 450)
    assert terms["main_channel"].tolist() == ["winkel", "online"]


@given(st.lists(st.integers(1, 10**7), min_size=2, max_size=12), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_one_discount_on_every_line_is_that_discount_in_any_line_order(cents, rnd):
    """A customer with 9.9 % on every line gets exactly 9.9, whatever order the engine adds the lines in.

    With float sums, (0.099 x a1 + ...) / (a1 + ...) came out as 9.899999999999999 or 9.9000000001
    depending on the order, and a C customer with the A customers' own discount counted as "more".
    """
    amounts = [c / 100 for c in cents]
    shuffled = amounts[:]
    rnd.shuffle(shuffled)
    con = duckdb.connect()
    results = []
    for i, order in enumerate((amounts, shuffled, amounts[::-1])):
        con.register(f"t{i}", pd.DataFrame({
            "customer_id": "1", "date": dt.date(2025, 2, 1), "amount": order, "discount": 9.9,
            "order_key": [str(k) for k in range(len(order))]}))
        terms = purchase_terms_expr(ibis.duckdb.from_connection(con).table(f"t{i}"), start=dt.date(2024, 12, 31),
                                    end=dt.date(2025, 12, 31), has_channel=False, has_discount=True).to_pandas()
        results.append(float(terms["discount"].iloc[0]))
    assert results == [9.9, 9.9, 9.9]


# --- contact plan -----------------------------------------------------------------------------

def plan_input() -> pd.DataFrame:
    c = layered(abc_class=["A", "A", "B", "C", "C", None, None], revenue=[900.0, 500.0, 200.0, 80.0, 20.0, 0.0, 0.0],
                rfm_segment=["champions", "at_risk", "loyal", "new", "lost", "inactive", "prospect"],
                profit=[300.0, 100.0, 50.0, 5.0, -4.0, 0.0, np.nan],
                recency_days=pd.array([3, 200, 40, 10, 300, 500, None], dtype="Int64"),
                price_hint=[None, None, None, "3-5%", "8-12%", None, None],
                cheaper_channel=[None, None, None, None, "online", None, None],
                name=["Jan", "Piet", "Kees", "Anna", "Els", "Wim", "Ria"])
    acts = customer_actions(c)
    return c.join(acts.drop(columns="customer_id"))


def test_contact_plan_order_and_no_personal_data():
    plan = contact_plan(plan_input())
    assert list(plan.columns) == list(PLAN_COLUMNS)
    # priority 1: large (rescue) and top (retain) by layer; then priority 2; then 3
    assert plan["customer_id"].tolist() == ["1", "2", "3", "4", "5", "6", "7"]
    assert plan["priority"].tolist() == [1, 1, 2, 2, 3, 3, 3]
    assert "name" not in plan.columns and "Jan" not in plan.to_csv()


def test_plan_section_the_same_from_saved_frames_reading_only_the_columns_shown(tmp_path, monkeypatch):
    # The chapter's plan table shows 8 of the plan's 16 columns; saved results read only those 8.
    import types

    from conftest import params_dict
    from toolkit.params import parse_params
    from toolkit.pipeline import SavedFrames
    from toolkit.views.actions import plan_section

    plan = contact_plan(plan_input())
    plan.to_parquet(tmp_path / "contact_plan.parquet")
    params = parse_params(params_dict())
    in_memory = types.SimpleNamespace(lang="en", params=params, frames={"contact_plan": plan})
    saved = types.SimpleNamespace(lang="en", params=params, frames=SavedFrames(tmp_path, ["contact_plan"]))
    read = []
    real = pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda path, **kw: read.append(kw.get("columns")) or real(path, **kw))
    html = plan_section(in_memory)
    assert html == plan_section(saved)
    assert read == [["customer_id", "layer", "abc_class", "rfm_segment", "action", "channel", "contacts_per_year",
                     "priority"]]
    # One row per action, each its first customer in the plan.
    first = plan.drop_duplicates("action")
    assert html.count("<tr") == len(first) + 1 and all(f">{c}<" in html for c in first["customer_id"])
    assert plan_section(types.SimpleNamespace(lang="en", params=params, frames={})).endswith("</p>")


def test_plan_overview_counts_the_workload():
    o = plan_overview(contact_plan(plan_input()))
    assert o["customers"].sum() == 7 and o["contacts_per_year"].sum() == 12 + 6 + 4 + 3 + 2 + 0 + 2


def test_write_contact_plan(tmp_path):
    plan = contact_plan(plan_input())
    xlsx, csv = write_contact_plan(plan, tmp_path, lang="nl")
    back = pd.read_csv(csv, dtype={"customer_id": str})
    assert list(back.columns) == list(PLAN_COLUMNS) and back["action"].tolist()[0] == "retain"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Overzicht", "Top", "Groot", "Middelgroot", "Middelklein", "Klein", "Inactief",
                             "Prospects"]
    ws = wb["Groot"]
    assert [c.value for c in ws[1]][:5] == ["Klantnummer", "Laag", "ABC", "RFM-segment", "Actie"]
    assert [c.value for c in ws[2]][:5] == ["2", "Groot", "A", "Risico", "Redden"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:M2"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("0B4F8A")
    assert ws.column_dimensions["A"].width >= len("Klantnummer")
    assert ws["I2"].number_format == "#,##0.00"
    overview = wb["Overzicht"]
    assert [c.value for c in overview[1]] == ["Laag", "Actie", "Klanten", "Contacten per jaar", "Omzet"]
    # the same plan gives the same bytes (fixed time stamps)
    again = tmp_path / "again"
    again.mkdir()
    assert write_contact_plan(plan, again, lang="nl")[0].read_bytes() == xlsx.read_bytes()


def test_write_contact_plan_splits_sheets_above_the_excel_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("toolkit.actions.EXCEL_MAX_ROWS", 3)  # two rows per sheet
    plan = contact_plan(plan_input().assign(pyramid_layer="small"))
    wb = openpyxl.load_workbook(write_contact_plan(plan, tmp_path, lang="en")[0])
    assert wb.sheetnames == ["Overview", "Small (1)", "Small (2)", "Small (3)", "Small (4)"]
    assert sum(ws.max_row - 1 for ws in wb.worksheets[1:]) == 7


def test_write_contact_plan_needs_the_plan_columns(tmp_path):
    with pytest.raises(DataError, match="layer"):
        write_contact_plan(pd.DataFrame({"customer_id": ["1"]}), tmp_path, lang="nl")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["top", "large", "medium_large", "medium_small", "small", "inactive",
                                           "prospect"]),
                          st.sampled_from(["champions", "at_risk", "cant_lose", "lost", None]),
                          st.sampled_from(["top", "small", None])), min_size=1, max_size=40))
def test_every_customer_gets_one_known_action(rows):
    layers, segments, before = zip(*rows, strict=True)
    c = pd.DataFrame({"customer_id": [str(i) for i in range(len(rows))], "pyramid_layer": layers,
                      "rfm_segment": segments, "migration_from": before})
    out = customer_actions(c)
    assert out["action"].isin(ACTIONS).all() and out["priority"].isin([1, 2, 3]).all()
    assert (out.loc[out["action"] == "let_go", "contacts_per_year"] == 0).all()
    assert not out["action"].eq("rescue").where(c["pyramid_layer"].isin(["small", "inactive", "prospect"])).any()


# --- codes and Arrow text against the plain rules ----------------------------------------------------

_TEXT = st.sampled_from(["a", "b", "é", "", "a b"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.none()), max_size=12), st.lists(_TEXT, unique=True, max_size=4), st.booleans())
def test_codes_are_positions_in_the_categories(values, categories, categorical):
    s = pd.Series(values, dtype="category" if categorical else "str")
    want = [categories.index(v) if v in categories else -1 for v in values]
    assert _codes(s, categories).tolist() == want


#: The base action per layer, as the module docstring states it.
_BASE = {"top": "retain", "large": "retain", "medium_large": "develop", "medium_small": "develop",
         "small": "serve_efficiently", "inactive": "let_go", "prospect": "acquire"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([*LAYERS, "unknown", None]),
                          st.sampled_from(["champions", "at_risk", "cant_lose", "lost", None]),
                          st.sampled_from([0.1, 0.5, 0.9, np.nan]), st.sampled_from([*LAYERS, "new", None])),
                max_size=30),
       st.dictionaries(st.sampled_from(LAYERS), st.sampled_from(CONTACT_CHANNELS)),
       st.lists(st.sampled_from(["at_risk", "cant_lose", "lost"]), unique=True), st.booleans())
def test_customer_actions_follow_the_rules_customer_by_customer(rows, channels, segments, categorical):
    policy = ActionParams(layers={k: LayerPolicy(contacts_per_year=5, channel=v) for k, v in channels.items()},
                          at_risk_segments=segments, churn_risk_high=0.5)
    c = pd.DataFrame(rows, columns=["pyramid_layer", "rfm_segment", "churn_probability", "migration_from"])
    c.insert(0, "customer_id", [str(i) for i in range(len(rows))])
    if categorical:  # (a categorical has no unknown layers)
        c["pyramid_layer"] = pd.Categorical(c["pyramid_layer"].where(c["pyramid_layer"].isin(LAYERS)),
                                            categories=LAYERS)
    want = []
    for layer, segment, churn, before in rows:
        layer = layer if layer in LAYERS else "prospect"  # an unknown layer counts as a prospect
        action = _BASE[layer]
        if layer in BUYING_LAYERS[:4] and (segment in segments or churn >= 0.5):
            action = "rescue"
        elif layer == "inactive" and before in BUYING_LAYERS[:4]:
            action = "reactivate"
        p = policy.policy(layer)
        channel = "phone" if action == "rescue" and p.channel not in ("account_manager", "phone") else p.channel
        contacts, channel = (0.0, "none") if action == "let_go" else (float(p.contacts_per_year), channel)
        priority = {"retain": 1, "rescue": 1, "develop": 2, "reactivate": 2}.get(action, 3)
        want.append((action, contacts, channel, priority))
    got = customer_actions(c, policy=policy)
    cols = ["action", "contacts_per_year", "contact_channel", "priority"]
    assert list(got[cols].itertuples(index=False, name=None)) == want
    if rows:
        assert got["action"].dtype == got["contact_channel"].dtype == pd.Series(["x"]).dtype


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", None]), st.sampled_from([0.0, 20.0, 80.0, 300.0, 900.0]),
                          st.integers(0, 4), st.sampled_from([0.0, 50.0]),
                          st.one_of(st.none(), st.tuples(st.sampled_from([0.0, 5.0, 12.5, 20.0, np.nan]),
                                                         st.sampled_from(["online", "winkel", None])))),
                min_size=1, max_size=30),
       st.sampled_from([None, "online", "winkel"]), st.sampled_from(["{:d}", "{:03d}"]))
def test_price_hints_follow_the_rules_customer_by_customer(rows, cheapest_channel, id_format):
    # Ids "7" (matched as numbers) and "007" (as text); terms for some customers, not in table order.
    params = PriceHintParams()
    c = pd.DataFrame([r[:4] for r in rows], columns=["abc_class", "revenue", "orders", "revenue_previous"])
    c.insert(0, "customer_id", [id_format.format(i) for i in range(len(rows))])
    terms = pd.DataFrame([(id_format.format(i), *r[4]) for i, r in enumerate(rows) if r[4] is not None],
                         columns=["customer_id", "discount", "main_channel"]).iloc[::-1]
    got = price_hints(c, params=params, terms=terms, cheapest_channel=cheapest_channel)
    buying = [r[1] for r in rows if r[1] > 0]
    average = sum(buying) / len(buying) if buying else np.nan
    a_discounts = [r[4][0] for r in rows if r[0] == "A" and r[4] is not None and not np.isnan(r[4][0])]
    a_discount = np.quantile(a_discounts, params.a_discount_quantile) if a_discounts else np.nan
    want = []
    for abc, revenue, orders, previous, term in rows:
        if abc != "C" or revenue <= 0:
            want.append((None, None, None, None))
            continue
        rel = revenue / average
        band = next(b for b in params.bands if b.below is None or rel < b.below)
        irregular = orders <= params.irregular_max_orders or previous <= 0
        discount, channel = term if term is not None else (np.nan, None)
        cheaper = cheapest_channel if cheapest_channel and rel < params.cheaper_channel_below and channel not in (
            None, cheapest_channel) else None
        reason = ("irregular" if irregular else "regular") + ("+better_than_a" if discount > a_discount else "") + (
            "+cheaper_channel" if cheaper else "")
        steps = 1 if irregular else math.ceil(band.max_pct / band.step_pct - 1e-9)
        want.append((f"{band.min_pct:g}-{band.max_pct:g}%", steps, reason, cheaper))
    cols = ["price_hint", "price_hint_steps", "price_hint_reason", "cheaper_channel"]
    assert [tuple(None if pd.isna(v) else v for v in r) for r in got[cols].itertuples(index=False)] == want
    assert [str(d) for d in got[cols].dtypes] == ["string", "Int64", "string", "string"]


# --- end to end: the four chapters in a real report, in both languages -------------------------------

@pytest.fixture(scope="module")
def issue3_reports(demo_reports) -> dict[str, Path]:
    """The shared full demo reports (conftest), one per language."""
    return {lang: report.out for lang, report in demo_reports.items()}


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_chapters_render_with_their_numbers(issue3_reports, lang):
    out = issue3_reports[lang]
    html = (out / "report.html").read_text(encoding="utf-8")
    text = "\n".join(p.extract_text() for p in PdfReader(out / "report.pdf").pages)
    for key in ("chapter.rfm", "chapter.profit", "chapter.migration", "chapter.actions", "rfm.segments",
                "profit.whale", "migration.bridge", "migration.upgrade", "actions.price", "actions.plan"):
        assert t(key, lang) in html, key
    other = "en" if lang == "nl" else "nl"
    for key in ("chapter.profit", "profit.whale", "migration.upgrade", "actions.strategy", "rfm.conventions"):
        assert t(key, other) not in html, f"untranslated: {t(key, other)}"
    assert "Traceback" not in html and "report.chapter_failed" not in html
    assert html.count("<svg") >= 5
    customers = pd.read_csv(out / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    # the upgrade sentence carries the gain computed from the layer table
    from toolkit.migration import upgrade_scenario
    from toolkit.segments import pyramid_summary

    gain = upgrade_scenario(pyramid_summary(customers))["gain"].sum()
    assert fmt_money(gain, lang) in html
    assert t("chapter.actions", lang) in text


@pytest.mark.e2e
def test_customers_csv_columns(issue3_reports):
    raw = (issue3_reports["nl"] / "customers.csv").read_text(encoding="utf-8").splitlines()
    header = raw[0].split(",")
    for col in ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_segment", "profit",
                "action", "price_hint", "cost_to_serve", "migration", "priority", "contacts_per_year"):
        assert col in header, col
    c = pd.read_csv(issue3_reports["nl"] / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    i = header.index("r_score")
    assert all(re.fullmatch(r"[1-5]?", line.split(",")[i]) for line in raw[1:]), "scores are whole numbers"
    buyers = c["pyramid_layer"].isin(["top", "large", "medium_large", "medium_small", "small"])
    assert c.loc[buyers, ["r_score", "f_score", "m_score"]].notna().all().all()
    assert c["rfm_segment"].notna().all() and c["action"].notna().all()
    assert c.loc[c["pyramid_layer"] == "prospect", "profit"].isna().all()
    assert c.loc[c["pyramid_layer"] != "prospect", "profit"].notna().all()
    assert c.loc[c["price_hint"].notna(), "abc_class"].eq("C").all()


@pytest.mark.e2e
def test_contact_plan_from_the_run_has_no_personal_data(issue3_reports, demo_small):
    out = issue3_reports["en"]
    plan = pd.read_parquet(out / "work" / "frames" / "contact_plan.parquet")
    customers = pd.read_csv(out / "customers.csv", dtype={"customer_id": str}, low_memory=False)
    assert len(plan) == len(customers) and set(plan["customer_id"]) == set(customers["customer_id"])
    xlsx, csv = write_contact_plan(plan, out, lang="en")
    master = pd.read_excel(demo_small / "customers.xlsx", dtype=str).head(200)
    personal = [v for col in ("naam", "email", "telefoon", "straat") for v in master[col].dropna()]
    blob = csv.read_text(encoding="utf-8") + "".join(
        str(c.value) for ws in openpyxl.load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row)
    assert not [v for v in personal if v in blob]
