"""Report blocks of the customer-lifetime-value chapter: historic value, predictions, risk, validation.

Each ``*_section`` function returns finished HTML from the ``clv_*`` frames of
:mod:`toolkit.analyses.clv` and the customer table; when a model could not be fitted the
chapter says why (the run's notes) instead of showing empty tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit.clv import RISK_BANDS, churn_risk_summary, clv_by_segment
from toolkit.i18n import fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import LAYERS
from toolkit.views.core import bullets, figure_html, heading, note_box, paragraph, table_html
from toolkit.views.lifecycle import as_date, notes_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

NOTE_CODES = ("clv_too_few", "clv_not_converged", "clv_holdout_short")
#: Customers a tenure year needs before the historic-value table shows it.
MIN_TENURE_CUSTOMERS = 30


def _model(run: RunResults, model: str, stage: str = "full") -> pd.Series | None:
    params = run.frames.get("clv_params")
    if params is None or params.empty:
        return None
    rows = params[(params["model"] == model) & (params["stage"] == stage)]
    return rows.iloc[0] if len(rows) else None


def _ok(row: pd.Series | None) -> bool:
    return row is not None and row["status"] == "ok"


def _settings(run: RunResults) -> pd.Series:
    return run.frames["clv_settings"].iloc[0]


def historic_section(run: RunResults) -> str:
    """Revenue and margin to date, and the average value per year since the first purchase."""
    lang = run.lang
    c = run.customers
    buyers = c[c["first_purchase"].notna()]
    has_margin = "margin_to_date" in c and c["margin_to_date"].notna().any()
    text = t("clv.historic_intro", lang, n=fmt_int(len(buyers), lang),
             revenue=fmt_money(buyers["revenue_to_date"].sum(), lang),
             avg=fmt_money(buyers["revenue_to_date"].mean() if len(buyers) else np.nan, lang))
    if has_margin:
        text += " " + t("clv.historic_margin", lang, margin=fmt_money(buyers["margin_to_date"].sum(), lang),
                        avg=fmt_money(buyers["margin_to_date"].mean() if len(buyers) else np.nan, lang))
    out = heading(t("clv.historic", lang)) + paragraph(text)
    tenure = run.frames.get("clv_tenure")
    if tenure is None or (tenure["customers"] >= MIN_TENURE_CUSTOMERS).sum() == 0:
        return out + paragraph(t("clv.no_tenure", lang))
    # A tenure year that only a handful of customers have completed says nothing yet.
    tenure = tenure[tenure["customers"] >= MIN_TENURE_CUSTOMERS]
    rows = []
    for _, r in tenure.iterrows():
        row = [t("clv.tenure_year", lang, n=fmt_int(r["tenure_year"], lang)), fmt_int(r["customers"], lang),
               fmt_money(r["revenue_per_customer"], lang), fmt_money(r["cumulative_revenue"], lang)]
        if has_margin:
            row += [fmt_money(r["margin_per_customer"], lang), fmt_money(r["cumulative_margin"], lang)]
        rows.append(row)
    header = [t(f"clv.col.{k}", lang) for k in ("tenure_year", "customers", "revenue_year", "revenue_cumulative")]
    if has_margin:
        header += [t("clv.col.margin_year", lang), t("clv.col.margin_cumulative", lang)]
    return (out + paragraph(t("clv.tenure_intro", lang))
            + table_html(header, rows, caption=t("clv.tenure_caption", lang), css_class="kp-table first-nowrap"))


def model_intro(run: RunResults) -> str:
    """The method in plain words with this run's horizon, discount and margin; or why there is no model."""
    lang = run.lang
    s = _settings(run)
    bg, gg = _model(run, "bgnbd"), _model(run, "gamma_gamma")
    margin = {"params": t("clv.margin_params", lang, rate=fmt_pct(s["margin_rate"], lang)),
              "data": t("clv.margin_data", lang, rate=fmt_pct(s["margin_rate"], lang)),
              "revenue": t("clv.margin_revenue", lang)}[s["margin_source"]]
    out = heading(t("clv.predicted", lang)) + paragraph(t(
        "clv.method", lang, horizon=fmt_int(s["horizon_months"], lang), discount=fmt_pct(s["discount_rate"], lang),
        margin=margin))
    if _ok(bg) and bg["n_customers"] < s["customers"]:
        out += paragraph(t("clv.sampled", lang, n=fmt_int(bg["n_customers"], lang),
                           total=fmt_int(s["customers"], lang)))
    out += notes_html(run, NOTE_CODES[:2])
    if not _ok(bg) or not _ok(gg):
        out += paragraph(t("clv.no_model", lang))
    return out


def value_section(run: RunResults) -> str:
    """Expected value in words and per pyramid layer."""
    lang = run.lang
    c = run.customers
    if "clv" not in c or c["clv"].notna().sum() == 0:
        return ""
    s = _settings(run)
    by_layer = clv_by_segment(c)
    by_layer = by_layer[by_layer["customers"] > 0]
    known = c[c["clv"].notna()]
    top = by_layer[by_layer["segment"].isin(["top", "large"])]
    items = [t("clv.kf_total", lang, clv=fmt_money(known["clv"].sum(), lang), n=fmt_int(len(known), lang),
               horizon=fmt_int(s["horizon_months"], lang), avg=fmt_money(known["clv"].mean(), lang)),
             t("clv.kf_purchases", lang, n=fmt_number(known["expected_purchases_12m"].sum(), lang, 0),
               spend=fmt_money(known["expected_spend"].mean(), lang))]
    if len(top):
        items.append(t("clv.kf_top", lang, share=fmt_pct(top["clv_share"].sum(), lang),
                       customers=fmt_int(top["customers"].sum(), lang)))
    rows = [[t(f"layer.{r['segment']}", lang) if r["segment"] in LAYERS else str(r["segment"]),
             fmt_int(r["customers"], lang), fmt_pct(r["p_alive"], lang, 0),
             fmt_number(r["expected_purchases_12m"], lang, 1), fmt_money(r["clv_per_customer"], lang),
             fmt_money(r["clv"], lang), fmt_pct(r["clv_share"], lang)] for _, r in by_layer.iterrows()]
    header = [t(f"clv.col.{k}", lang) for k in ("layer", "customers", "p_alive", "purchases", "clv_customer",
                                                 "clv_total", "clv_share")]
    total = [t("layer.total", lang), fmt_int(len(known), lang), fmt_pct(known["p_alive"].mean(), lang, 0),
             fmt_number(known["expected_purchases_12m"].mean(), lang, 1), fmt_money(known["clv"].mean(), lang),
             fmt_money(known["clv"].sum(), lang), fmt_pct(1.0, lang)]
    return (bullets(items, css_class="kp-list key-figures")
            + table_html(header, rows, caption=t("clv.layer_caption", lang, horizon=fmt_int(s["horizon_months"], lang)),
                         total=total, css_class="kp-table first-nowrap"))


def risk_section(run: RunResults) -> str:
    """Customers per churn-risk band, with the definition of the bands."""
    lang = run.lang
    c = run.customers
    if "churn_risk" not in c or c["churn_risk"].notna().sum() == 0:
        return ""
    low, high = run.params.clv.risk_thresholds
    summary = churn_risk_summary(c)
    rows = [[t(f"clv.risk.{r['churn_risk']}", lang), fmt_int(r["customers"], lang), fmt_pct(r["share"], lang),
             fmt_money(r["revenue"], lang), fmt_number(r["expected_purchases_12m"], lang, 0),
             fmt_money(r["clv"], lang)] for _, r in summary.iterrows() if r["churn_risk"] in RISK_BANDS]
    header = [t(f"clv.col.{k}", lang) for k in ("risk", "customers", "share", "revenue", "purchases_total",
                                                 "clv_total")]
    high_row = summary.set_index("churn_risk").loc["high"]
    return (heading(t("clv.risk", lang))
            + paragraph(t("clv.risk_intro", lang, low=fmt_pct(low, lang, 0), high=fmt_pct(high, lang, 0)))
            + table_html(header, rows, caption=t("clv.risk_caption", lang), css_class="kp-table first-nowrap")
            + paragraph(t("clv.kf_risk", lang, n=fmt_int(high_row["customers"], lang),
                          revenue=fmt_money(high_row["revenue"], lang))))


def holdout_section(run: RunResults) -> str:
    """The calibration/holdout check: predicted against actual purchases per frequency group."""
    from toolkit.plots.clv import plot_holdout

    lang = run.lang
    holdout = run.frames.get("clv_holdout")
    s = _settings(run)
    out = heading(t("clv.holdout", lang))
    if holdout is None or holdout.empty:
        return out + (notes_html(run, ("clv_holdout_short",)) or paragraph(t("clv.no_holdout", lang)))
    actual, predicted = holdout["actual_total"].sum(), holdout["predicted_total"].sum()
    months = int(s["holdout_months"])
    out += paragraph(t("clv.holdout_intro", lang, end=fmt_date(as_date(s["calibration_end"]), lang),
                       months=fmt_int(months, lang), n=fmt_int(holdout["customers"].sum(), lang)))
    out += figure_html(plot_holdout(holdout, lang=lang), t("clv.holdout_figure", lang, months=fmt_int(months, lang)))
    error = predicted / actual - 1 if actual else np.nan
    key = "clv.kf_holdout_over" if error > 0 else "clv.kf_holdout_under"
    return out + paragraph(t(key, lang, predicted=fmt_number(predicted, lang, 0), actual=fmt_number(actual, lang, 0),
                             error=fmt_pct(abs(error), lang)))


def _parameters_text(row: pd.Series, lang: str) -> str:
    if row["model"] == "bgnbd":
        values = (("r", row["r"], 3), ("α", row["alpha"], 3), ("a", row["a"], 3), ("b", row["b"], 3))
    else:
        values = (("p", row["p"], 3), ("q", row["q"], 3), ("γ", row["gamma"], 3))
    return " · ".join(f"{k} = {fmt_number(v, lang, d)}" for k, v, d in values if pd.notna(v)) or "–"


def parameters_section(run: RunResults) -> str:
    """The fitted parameters, log-likelihood and status of every model, for the specialist reader."""
    lang = run.lang
    params = run.frames.get("clv_params")
    if params is None or params.empty:
        return ""
    s = _settings(run)
    order = {("bgnbd", "full"): 0, ("bgnbd", "calibration"): 1, ("gamma_gamma", "full"): 2}
    params = params.assign(_o=[order.get((m, st), 9) for m, st in zip(params["model"], params["stage"], strict=True)])
    rows = []
    for _, r in params.sort_values("_o", kind="stable").iterrows():
        name = t(f"clv.model.{r['model']}_{r['stage']}", lang)
        rows.append([name, _parameters_text(r, lang), fmt_number(r["loglik"], lang, 1), fmt_int(r["n_customers"], lang),
                     t(f"clv.status.{r['status']}", lang)])
    header = [t(f"clv.col.{k}", lang) for k in ("model", "parameters", "loglik", "fitted_on", "status")]
    corr = s["frequency_spend_correlation"]
    note = t("clv.correlation", lang, r=fmt_number(corr, lang, 2)) if pd.notna(corr) else ""
    return (heading(t("clv.parameters", lang))
            + table_html(header, rows, align="llrrl", caption=t("clv.parameters_caption", lang),
                         css_class="kp-table small")
            + paragraph(t("clv.parameters_note", lang) + (" " + note if note else "")))


def model_failed_box(run: RunResults) -> str:
    """A highlighted line when no prediction could be made (for the top of the chapter)."""
    if _ok(_model(run, "bgnbd")):
        return ""
    return note_box(t("clv.no_model", run.lang))
