"""Executive summary: findings from hand-made frames, comparison with an earlier run, the chapter in a report."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from conftest import demo_params, only_chapters, write_params
from toolkit.errors import DataError
from toolkit.summary import (
    FINDINGS,
    best_channel_finding,
    churn_finding,
    concentration_findings,
    earlier_run,
    key_figure_changes,
    layer_changes,
    upgrade_finding,
    whale_finding,
)


def customers(revenues: list[float], layers: list[str], **extra) -> pd.DataFrame:
    n = len(revenues)
    frame = pd.DataFrame({"customer_id": [str(i) for i in range(n)], "revenue": revenues, "pyramid_layer": layers,
                          "revenue_previous": [0.0] * n, "is_new": [False] * n})
    return frame.assign(**extra)


# Ten buyers: 1 top (500), 1 large (200), 2 medium-large (100 each), 3 medium-small (20), 3 small (10).
TEN = customers([500.0, 200.0, 100.0, 100.0, 20.0, 20.0, 20.0, 10.0, 10.0, 10.0],
                ["top", "large", "medium_large", "medium_large", "medium_small", "medium_small", "medium_small",
                 "small", "small", "small"])


def test_concentration_by_hand():
    rows = {r["finding"]: r for r in concentration_findings(TEN)}
    # best 20 % = 2 customers: (500 + 200) / 990
    assert rows["concentration"]["count"] == 2
    assert rows["concentration"]["share"] == pytest.approx(700 / 990)
    assert rows["top_layers"]["count"] == 2 and rows["top_layers"]["amount"] == 700


def test_whale_by_hand():
    c = TEN.assign(profit=[300.0, 100.0, 50.0, -20.0, 5.0, 5.0, -10.0, -15.0, 1.0, 1.0])
    (row,) = whale_finding(c)
    # profitable customers earn 462, total 417: peak share 462 / 417; three lose 45
    assert row["share"] == pytest.approx(462 / 417)
    assert row["count"] == 3 and row["amount"] == pytest.approx(45) and row["value"] == pytest.approx(0.3)
    assert whale_finding(TEN) == []  # no profit column: no finding


def test_churn_takes_the_last_period():
    flow = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01", "2025-01-01"]),
                         "period_end": pd.to_datetime(["2024-12-31", "2025-12-31"]),
                         "lost": [5, 7], "revenue_lost": [50.0, 70.0], "churn_rate": [0.1, 0.14]})
    (row,) = churn_finding(flow)
    assert (row["count"], row["amount"], row["share"], row["label"]) == (7, 70.0, 0.14, "2025-01-01..2025-12-31")
    assert churn_finding(None) == [] and churn_finding(flow.iloc[:0]) == []


def test_best_channel_needs_enough_customers():
    def period(channel, new, kept):
        return {"channel": channel, "new_customers": new, "first_year_revenue": 10.0 * new,
                "first_year_complete": True, "retained_1y": kept, "retained_1y_complete": True,
                "retained_2y": 0, "retained_2y_complete": False}

    # "beurs" keeps 90 % but of 10 customers only: too few to tell; "web" keeps 60 % of 50, "shop" 40 % of 100.
    a = pd.DataFrame([period("beurs", 10, 9), period("web", 50, 30), period("shop", 100, 40)])
    (row,) = best_channel_finding(a)
    assert row["label"] == "web" and row["share"] == pytest.approx(0.6)
    assert row["value"] == pytest.approx(70 / 150)  # over web and shop
    assert best_channel_finding(a[a["channel"] != "shop"]) == []  # one channel left: nothing to compare


def test_upgrade_matches_the_scenario():
    c = customers([1000.0] + [400.0] * 4 + [100.0] * 15 + [40.0] * 30 + [10.0] * 50,
                  ["top"] + ["large"] * 4 + ["medium_large"] * 15 + ["medium_small"] * 30 + ["small"] * 50)
    (row,) = upgrade_finding(c, percent=2, include_inactive=False)
    # 50 small -> 1 mover x 30; 30 medium-small -> 1 x 60 (see toolkit.migration.upgrade_scenario)
    assert row["amount"] == 90 and row["count"] == 2 and row["value"] == 2
    assert row["share"] == pytest.approx(90 / c["revenue"].sum())


def test_key_figure_changes_and_layer_changes():
    now = pd.DataFrame({"key": ["buying_customers", "revenue", "retention_rate", "margin"],
                        "value": [12.0, 150.0, 0.5, math.nan]})
    ch = key_figure_changes(now, {"buying_customers": 10, "revenue": 100.0, "retention_rate": 0.75, "margin": 5.0})
    assert ch["key"].tolist() == ["buying_customers", "revenue", "retention_rate"]  # margin missing now
    assert ch["change"].tolist() == [2.0, 50.0, -0.25]
    assert ch["change_pct"].iloc[:2].tolist() == [0.2, 0.5] and math.isnan(ch["change_pct"].iloc[2])
    before = pd.DataFrame({"customer_id": ["a", "b", "c", "p"], "pyramid_layer": ["top", "small", "small", "prospect"],
                           "revenue": [9.0, 1.0, 2.0, 0.0]})
    after = pd.DataFrame({"customer_id": ["a", "b", "d", "p"], "pyramid_layer": ["small", "top", "large", "small"],
                          "revenue": [1.0, 8.0, 5.0, 3.0]})
    m = layer_changes(before, after)
    moved = {(r.layer_earlier, r.layer_later): r.customers for r in m.itertuples() if r.customers}
    # a down, b up, c gone (inactive), d new, the prospect p bought: new
    assert moved == {("top", "small"): 1, ("small", "top"): 1, ("small", "inactive"): 1, ("new", "large"): 1,
                     ("new", "small"): 1}
    assert m["customers"].sum() == 5


def test_earlier_run_needs_an_output_folder(tmp_path):
    with pytest.raises(DataError, match=r"compare_with: .* holds no manifest\.json"):
        earlier_run(tmp_path)


def test_every_finding_has_both_languages():
    from toolkit.i18n import TEXTS

    for key in FINDINGS:
        assert set(TEXTS[f"summary.finding.{key}"]) == {"nl", "en"}


@pytest.mark.e2e
def test_compare_with_an_earlier_run(tmp_path, demo_small):
    from toolkit.report import run_report

    chapters = only_chapters("summary")
    first = demo_params(demo_small, tmp_path / "mid-year", reference_date="2025-06-30", chapters=chapters)
    earlier = run_report(write_params(tmp_path, first, "mid.yaml"), pdf=False)
    second = demo_params(demo_small, tmp_path / "year", chapters=chapters, compare_with=str(earlier))
    out = run_report(write_params(tmp_path, second, "year.yaml"), pdf=False)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Veranderingen sinds de vorige rapportage" in html and "30 juni 2025" in html
    then = json.loads((earlier / "manifest.json").read_text())["key_figures"]["buying_customers"]
    now = json.loads((out / "manifest.json").read_text())["key_figures"]["buying_customers"]
    from toolkit.i18n import fmt_int

    change = ("+" if now > then else "") + fmt_int(now - then, "nl")
    assert f'<td class="r">{fmt_int(then, "nl")}</td><td class="r">{fmt_int(now, "nl")}</td>' \
           f'<td class="r">{change}' in html
    # the other chapters are switched off: findings name them without a link (only the contents entry links)
    assert html.count('href="#ch-') == 1 and "(zie Klantpiramide)" in html


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_demo_summary_comes_first_with_linked_findings(lang, demo_reports):
    import re

    from toolkit.i18n import t
    from toolkit.report import chapters

    html = (demo_reports[lang].out / "report.html").read_text(encoding="utf-8")
    first = re.search(r'<section class="chapter" id="ch-(\w+)"', html).group(1)
    assert first == "summary"
    findings = re.search(r'<ol class="kp-findings">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", findings, re.S)
    assert len(items) == len(FINDINGS)  # the demo maps everything: every finding is there
    for item in items:
        assert re.search(r'href="#ch-(\w+)"', item) and re.search(r"\d", item)
    # every chapter opens with its "how to read this" box, in the run's language
    assert html.count('<aside class="kp-howto">') == len(chapters())
    assert html.count(t("howto.title", lang)) == len(chapters())
