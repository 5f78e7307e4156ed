"""Personas: ages, traits and metrics per segment with their index (hand-computed), cards, the chapter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import demo_params, write_params
from toolkit.engine import analysis_period
from toolkit.errors import DataError, ParamsError
from toolkit.params import parse_params
from toolkit.personas import (
    age_band_labels,
    age_bands,
    ages,
    buying_channel,
    channel_revenue_expr,
    distinctive_traits,
    gender_keys,
    implausible_birth_dates,
    online_shares,
    segment_metrics,
    segment_order,
    segment_traits,
)

REF = dt.date(2025, 12, 31)


def test_ages_and_bands_by_hand():
    born = pd.Series(pd.to_datetime(["2000-12-31", "2001-01-01", "1960-06-30", "1915-01-01", "2026-01-01", None]))
    # 2000-12-31 turns 25 on the reference date; 2001-01-01 is still 24; 1915 gives 110 (still plausible);
    # a birth date after the reference date is implausible.
    assert ages(born, reference_date=REF).tolist()[:4] == [25.0, 24.0, 65.0, 110.0]
    assert np.isnan(ages(born, reference_date=REF).iloc[4])
    assert age_bands(born, reference_date=REF).astype(object).where(lambda s: s.notna(), None).tolist() == [
        "25-34", "<25", "65+", "65+", None, None]
    assert implausible_birth_dates(born, reference_date=REF) == 1
    assert age_band_labels([30, 50]) == ["<30", "30-49", "50+"]


def test_gender_keys_and_buying_channel():
    codes = pd.Series(["M", "m.", "Man", "V", "F", "vrouw", "X", "", None, "onbekend"])
    assert gender_keys(codes).fillna("-").tolist() == ["male", "male", "male", "female", "female", "female", "other",
                                                       "-", "-", "onbekend"]
    assert buying_channel(pd.Series([1.0, 0.0, 0.5, np.nan])).fillna("-").tolist() == ["online", "offline", "both",
                                                                                        "-"]


def test_channel_revenue_expr_on_duckdb():
    lines = pd.DataFrame({
        "customer_id": ["1", "1", "1", "1", "2"],
        "date": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-03-02", "2024-03-01", "2025-05-01"]),
        "amount": [80.0, 20.0, -30.0, 500.0, 10.0],
        "sales_channel": [" Online ", "winkel", "online", "online", None],
    })
    con = duckdb.connect()
    con.register("l", lines)
    table = ibis.duckdb.from_connection(con).table("l")
    expr = channel_revenue_expr(table.mutate(date=table.date.cast("date")), analysis_period(REF),
                                online_channels=["online", "web"])
    got = expr.to_pandas().sort_values("customer_id").values.tolist()
    # Customer 1: online 80 (trimmed, any case), offline 20; the return and the 2024 line do not count.
    # Customer 2: a line without channel counts as offline.
    assert got == [["1", 80.0, 20.0], ["2", 0.0, 10.0]]
    shares = online_shares(expr.to_pandas(), pd.DataFrame({"customer_id": ["2", "1", "3"]}))
    assert shares["online_share"].tolist()[:2] == [0.0, 0.8] and np.isnan(shares["online_share"].iloc[2])


CUSTOMERS = pd.DataFrame({
    "customer_id": ["1", "2", "3", "4", "5", "6"],
    "pyramid_layer": ["top", "top", "small", "small", "small", "prospect"],
    "revenue": [600.0, 400.0, 50.0, 30.0, 20.0, 0.0],
    "margin": [150.0, 100.0, 10.0, 5.0, 5.0, 0.0],
    "orders": [6, 4, 2, 1, 1, 0],
    "tenure_years": [8.0, 6.0, 2.0, 1.0, 3.0, 0.5],
    "gender": ["V", "V", "M", "V", "M", None],
    "customer_type": ["zakelijk", "zakelijk", "particulier", "particulier", "particulier", "particulier"],
})


def test_segment_metrics_by_hand():
    m = segment_metrics(CUSTOMERS, segment="pyramid_layer", min_known=1).set_index("segment", drop=False)
    top, small, total = m.iloc[0], m.iloc[1], m.iloc[-1]
    assert m["segment"].tolist()[:3] == ["top", "small", "prospect"] and total["total"]
    # Revenue 1,100 in all: top 1,000 (90.9 %), small 100; buyers 2 and 3; orders 10 and 4.
    assert top["revenue_share"] == pytest.approx(1000 / 1100)
    assert (top["revenue_per_buyer"], small["revenue_per_buyer"], total["revenue_per_buyer"]) == pytest.approx(
        (500.0, 100 / 3, 1100 / 5))
    assert (top["aov"], small["aov"], total["aov"]) == pytest.approx((100.0, 25.0, 1100 / 14))
    assert top["aov_index"] == pytest.approx(100 / (1100 / 14) * 100)        # 127.3
    assert (top["orders_per_year"], small["orders_per_year"]) == pytest.approx((5.0, 4 / 3))
    assert top["tenure_years"] == 7.0 and total["tenure_years"] == pytest.approx(20.5 / 6)
    assert top["margin_share"] == pytest.approx(250 / 270)
    assert np.isnan(m.iloc[2]["aov"])  # prospects never ordered
    # Fewer customers with a value than min_known: no average.
    assert np.isnan(segment_metrics(CUSTOMERS, segment="pyramid_layer", min_known=3).iloc[0]["tenure_years"])


def test_segment_traits_by_hand():
    t = segment_traits(CUSTOMERS, segment="pyramid_layer", dimensions=["gender", "customer_type"], min_known=1)
    top = t[t["segment"] == "top"].set_index(["dimension", "value"])
    # Gender known for 5: female 3 (base 60 %), male 2. Top: 2 of 2 female -> 100 %, index 100 / 60 = 166.7.
    assert top.loc[("gender", "female"), ["customers", "known", "share"]].tolist() == [2, 2, 1.0]
    assert top.loc[("gender", "female"), "base_share"] == pytest.approx(0.6)
    assert top.loc[("gender", "female"), "index"] == pytest.approx(1 / 0.6 * 100)
    # Customer type known for all 6: zakelijk 2 (33 %); both top customers are -> index 300.
    assert top.loc[("customer_type", "zakelijk"), "index"] == pytest.approx(300.0)
    small = t[(t["segment"] == "small") & (t["dimension"] == "gender")].set_index("value")
    assert small["share"].to_dict() == pytest.approx({"male": 2 / 3, "female": 1 / 3})
    # A segment with fewer known values than min_known has no rows for the dimension.
    t3 = segment_traits(CUSTOMERS, segment="pyramid_layer", dimensions=["gender"], min_known=3)
    assert set(t3["segment"]) == {"small"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y", "z", None])), min_size=1,
                max_size=60))
def test_trait_shares_add_up(rows):
    c = pd.DataFrame(rows, columns=["segment", "customer_type"])
    t = segment_traits(c, segment="segment", dimensions=["customer_type"], min_known=1)
    if t.empty:
        assert c["customer_type"].isna().all()
        return
    assert np.allclose(t.groupby("segment")["share"].sum(), 1.0)
    # The base is the weighted mix of the segments: sum over segments of known * share = base count.
    base = t.groupby("value").apply(lambda g: (g["known"] * g["share"]).sum(), include_groups=False)
    assert np.allclose(base / base.sum(), t.drop_duplicates("value").set_index("value")["base_share"].loc[base.index])


def _reference_traits(customers, segment, dimensions, mix, min_known):
    """segment_traits the plain way: strings and pandas group-bys (the implementation before the codes)."""
    c = customers.reset_index(drop=True)
    seg = c[segment].astype("string")
    parts = []
    for dim in dimensions:
        if dim == "product_group":
            if mix is None:
                continue
            buyers = c["revenue"].astype(float) > 0
            seg_of = pd.Series(seg[buyers].to_numpy(), index=c["customer_id"].astype("string")[buyers].to_numpy())
            m = mix[(mix["revenue"] > 0).to_numpy() & mix["customer_id"].isin(set(seg_of.index))]
            pairs = pd.DataFrame({"id": m["customer_id"].astype("string").to_numpy(),
                                  "segment": seg_of.loc[m["customer_id"]].to_numpy(),
                                  "value": m["product_group"].astype("string").to_numpy()}).drop_duplicates()
            known, base_known = seg[buyers].value_counts(), int(buyers.sum())
        else:
            if dim == "gender":
                values = gender_keys(c["gender"])
            elif dim == "buying_channel":
                values = buying_channel(c["online_share"]).where(c["revenue"].astype(float) > 0)
            elif dim in c:
                values = c[dim].astype("string").str.strip().replace("", pd.NA)
            else:
                continue
            ok = values.notna()
            pairs = pd.DataFrame({"segment": seg[ok].to_numpy(), "value": values[ok].to_numpy()})
            known, base_known = seg[ok].value_counts(), int(ok.sum())
        if not base_known:
            continue
        pairs = pairs.dropna(subset=["segment"])
        counts = pairs.groupby(["segment", "value"]).size().rename("customers").reset_index()
        base = pairs.groupby("value").size() if dim != "product_group" else pairs.groupby("value")["id"].nunique()
        counts["known"] = counts["segment"].map(known).astype("int64")
        counts = counts[counts["known"] >= min_known]
        counts["share"] = counts["customers"] / counts["known"]
        counts["base_share"] = counts["value"].map(base / base_known).astype(float)
        counts["index"] = counts["share"] / counts["base_share"] * 100
        counts["dimension"] = dim
        parts.append(counts)
    cols = ["segment", "dimension", "value", "customers", "known", "share", "base_share", "index"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["_s"] = out["segment"].map({s: i for i, s in enumerate(segment_order(seg))})
    out["_d"] = out["dimension"].map({d: i for i, d in enumerate(dimensions)})
    out = out.sort_values(["_s", "_d", "share", "value"], ascending=[True, True, False, True], kind="stable")
    return out.astype({"customers": "int64"})[cols].reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "top", None]), st.sampled_from(["x", " x", "y", "", None]),
                          st.sampled_from(["M", "v", "", "?", None]), st.sampled_from([0.0, 0.5, 1.0, np.nan]),
                          st.sampled_from([0.0, 3.0, np.nan]), st.lists(st.sampled_from(["P", "Q", "", None]),
                                                                         max_size=3)), max_size=40),
       st.booleans(), st.integers(0, 3))
def test_segment_traits_matches_plain_pandas(rows, categorical, min_known):
    # Codes and bincount instead of group-bys on text: the same frame, dtypes and floats,
    # with missing and empty values, all-missing segments, ties and repeated groups in the mix.
    c = pd.DataFrame([r[:5] for r in rows], columns=["segment", "customer_type", "gender", "online_share", "revenue"],
                     dtype=object).astype({"online_share": float, "revenue": float})
    c["customer_id"] = [f"{i:02d}" if i % 3 else str(i) for i in range(len(rows))]
    if categorical:
        c["segment"] = c["segment"].astype("category")
    mix = pd.DataFrame([(c["customer_id"][i], g, 1.0) for i, r in enumerate(rows) for g in r[5]],
                       columns=["customer_id", "product_group", "revenue"], dtype=object).astype({"revenue": float})
    dims = ["gender", "customer_type", "region", "buying_channel", "product_group"]
    got = segment_traits(c, segment="segment", dimensions=dims, mix=mix, min_known=min_known)
    pd.testing.assert_frame_equal(got, _reference_traits(c, "segment", dims, mix, min_known), check_exact=True)


def test_distinctive_traits_rules():
    t = pd.DataFrame({"segment": ["a"] * 5 + ["b"],
                      "dimension": ["gender", "gender", "age_band", "channel", "region", "gender"],
                      "value": ["female", "male", "65+", "beurs", "Zeist", "male"],
                      "share": [0.7, 0.3, 0.05, 0.4, 0.12, 0.9],
                      "index": [140.0, 60.0, 300.0, 119.9, 121.0, 150.0]})
    got = distinctive_traits(t, min_index=120, min_share=0.10, top=4)
    # 65+ is rare (5 %), beurs just below the index; at most one value per dimension, highest index first.
    assert got[["segment", "value"]].values.tolist() == [["a", "female"], ["a", "Zeist"], ["b", "male"]]
    assert distinctive_traits(t, top=1)["value"].tolist() == ["female", "male"]


def test_segment_order():
    assert segment_order(pd.Series(["prospect", "top", "small", None])) == ["top", "small", "prospect"]
    assert segment_order(pd.Series(["b", "a", "a", "c", "c"])) == ["a", "c", "b"]


def test_personas_params():
    p = parse_params({"client": "x", "output_dir": "o", "transactions": {"path": "t.csv", "columns": {
        "customer_id": "k", "date": "d", "amount": "a"}}, "personas": {
        "names": {"top": {"nl": "Vaste hoveniers"}, "small": "Kleine klanten"},
        "narratives": {"top": {"nl": "Tekst", "en": "Text"}}}})
    assert p.personas.names["top"].get("en") == "Vaste hoveniers"  # falls back to the other language
    assert p.personas.segments == ["pyramid_layer"] and p.personas.age_bands == [25, 35, 45, 55, 65]
    for bad, match in (({"age_bands": [40, 30]}, "increasing ages"), ({"names": {"top": {}}}, "nl, en or both"),
                       ({"distinctive_index": 90}, "greater than 100"), ({"segments": []}, "at least 1")):
        with pytest.raises(ParamsError, match=match):
            parse_params({"client": "x", "output_dir": "o", "personas": bad, "transactions": {
                "path": "t.csv", "columns": {"customer_id": "k", "date": "d", "amount": "a"}}})


# --- in a run -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory, demo_small):
    from toolkit.params import load_params
    from toolkit.pipeline import analyse

    folder = tmp_path_factory.mktemp("personas_run")
    data = demo_params(demo_small, folder / "out", "demo.yaml")
    data["personas"] = {"names": {"top": {"nl": "Vaste <hoveniers>", "en": "Regular <gardeners>"}},
                        "narratives": {"large": {"nl": "Groeien naar de top.", "en": "Grow to the top."}}}
    return analyse(load_params(write_params(folder, data)))


def test_persona_columns_in_a_run(small_run):
    c = small_run.customers
    assert {"age_band", "online_share"} <= set(c.columns)
    consumers = c[c["customer_type"] == "particulier"]
    assert consumers["age_band"].notna().mean() > 0.95
    assert c.loc[c["customer_type"] == "zakelijk", "age_band"].isna().all()  # businesses have no birth date
    assert c["online_share"].dropna().between(0, 1).all()
    assert c.loc[c["revenue"] > 0, "online_share"].notna().mean() > 0.99


def test_cards_and_tables_render(small_run):
    from toolkit.views import personas as view

    data = view.chapter_data(small_run)
    html = view.intro(small_run, data) + view.profiles(small_run, data) + view.cards(small_run, data) \
        + view.traits_table(small_run, data)
    # 4 buying layers, inactive and prospects; the top 1 % of the 5 % demo is too small for a card
    assert html.count('class="kp-persona-card"') == 6
    assert "Geen kaart voor Vaste &lt;hoveniers&gt;: te weinig klanten (minder dan 20)" in html
    assert "<hoveniers>" not in html  # the given name, escaped
    assert "Groeien naar de top." in html
    assert "Wat opvalt" in html and "<svg" in html
    assert re.search(r"Herkomst vertegenwoordiger: \d+% \(index \d", html)  # reps bring the top customers
    # The cards bring their own CSS; every class it styles is the chapter's own.
    assert html.count("<style>") == 1
    assert all(c.startswith("kp-persona-") for c in re.findall(r"\.([a-z][\w-]*)", view.CSS))


def test_chapter_in_english_without_optional_fields(small_run):
    from toolkit.views import personas as view

    cols = small_run.params.customers.columns.model_copy(update={"birth_date": None, "gender": None})
    params = small_run.params.model_copy(update={"language": "en", "customers": small_run.params.customers
                                                 .model_copy(update={"columns": cols})})
    run = dataclasses.replace(small_run, params=params,
                              customers=small_run.customers.drop(columns=["birth_date", "gender", "age_band"]))
    data = view.chapter_data(run)
    html = view.intro(run, data) + view.cards(run, data)
    assert "customers.columns.birth_date, customers.columns.gender" in html
    assert "No card for Regular &lt;gardeners&gt;" in html and "What stands out" in html
    assert "Leeftijd" not in html and "Wat opvalt" not in html


def test_unknown_segment_column_names_the_key(small_run):
    from toolkit.views import personas as view

    params = small_run.params.model_copy(update={"personas": small_run.params.personas.model_copy(
        update={"segments": ["pyramid_layer", "klantsegment"]})})
    with pytest.raises(DataError, match=r"personas.segments: column 'klantsegment' is not in the customer table"):
        view.chapter_data(dataclasses.replace(small_run, params=params))


def test_other_segment_columns_get_profiles_and_cards(small_run):
    from toolkit.views import personas as view

    params = small_run.params.model_copy(update={"personas": small_run.params.personas.model_copy(
        update={"segments": ["pyramid_layer", "customer_type"]})})
    run = dataclasses.replace(small_run, params=params)
    data = view.chapter_data(run)
    assert [p.column for p in data.profiles] == ["pyramid_layer", "customer_type"]
    assert data.profiles[1].metrics["segment"].dropna().tolist() == ["particulier", "zakelijk"]
    assert view.cards(run, data).count('class="kp-persona-card"') == 8
