"""Customer lifetime value (see :mod:`toolkit.clv`): models fitted once per run, predictions per customer.

Frames (settings from ``params.clv``):

- ``clv_params``: one row per fitted model and stage (``full``: all data up to the
  reference date; ``calibration``: the data before the holdout), with status
  (``ok``, ``too_few``, ``not_converged``, ``no_mean``), parameters and log-likelihood;
- ``clv_settings``: one row: horizon, discount rate, margin rate and its source,
  calibration end, customers and repeat buyers, the frequency-spend correlation;
- ``clv_holdout``: :func:`toolkit.clv.holdout_comparison` (empty when skipped);
- ``clv_tenure``: :func:`toolkit.clv.value_by_tenure`;
- ``clv_customers``: the weekly summary and :func:`toolkit.clv.customer_predictions`.

Customer columns: :data:`toolkit.clv.PREDICTION_COLUMNS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd

from toolkit.analysis import Analysis, AnalysisContext
from toolkit.clv import (
    DAYS_PER_UNIT,
    PREDICTION_COLUMNS,
    BGNBDFit,
    GammaGammaFit,
    customer_predictions,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_status,
    holdout_comparison,
    holdout_purchases,
    parameters_row,
    rfm_summary_expr,
    value_by_tenure,
)
from toolkit.lifecycle import months_before

if TYPE_CHECKING:
    from toolkit.params import ClvParams
    from toolkit.pipeline import RunResults


def _summary(ctx: AnalysisContext, end) -> pd.DataFrame:
    frame = rfm_summary_expr(ctx.lines, observation_end=end, time_unit="W").to_pandas()
    frame["customer_id"] = frame["customer_id"].astype("string")
    return frame


def _fit_bgnbd(summary: pd.DataFrame, p: ClvParams, ctx: AnalysisContext, stage: str,
               rows: list[dict]) -> BGNBDFit | None:
    status = fit_status(summary)
    fit = None
    if status is None:
        fit = fit_bgnbd(summary, max_customers=p.max_fit_customers, random_state=p.random_state)
        status = "ok" if fit.converged else "not_converged"
    rows.append(parameters_row(fit, model="bgnbd", stage=stage, status=status))
    if status == "too_few" and stage == "full":
        ctx.note("clv_too_few", model="BG/NBD", customers=len(summary), repeat=int((summary["frequency"] > 0).sum()))
    elif status == "not_converged":
        ctx.note("clv_not_converged", model="BG/NBD")
    return fit if status == "ok" else None


def _fit_gamma_gamma(summary: pd.DataFrame, p: ClvParams, ctx: AnalysisContext, rows: list[dict]
                     ) -> GammaGammaFit | None:
    status = fit_status(summary, repeat_only=True)
    fit = None
    if status is None:
        fit = fit_gamma_gamma(summary, max_customers=p.max_fit_customers, random_state=p.random_state)
        status = "not_converged" if not fit.converged else "no_mean" if fit.q <= 1 else "ok"
    rows.append(parameters_row(fit, model="gamma_gamma", stage="full", status=status))
    repeat = int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum())
    if status == "too_few":
        ctx.note("clv_too_few", model="Gamma-Gamma", customers=len(summary), repeat=repeat)
    elif status != "ok":
        ctx.note("clv_not_converged", model="Gamma-Gamma")
    return fit if status == "ok" else None


def _margin_rate(ctx: AnalysisContext, p: ClvParams) -> tuple[float, str]:
    """The margin share CLV uses and where it comes from (params, data, or none: revenue)."""
    if p.margin_rate is not None:
        return p.margin_rate, "params"
    if ctx.has_margin:
        t = ctx.lines.filter((ctx.lines.date > ibis.date(ctx.period.start)) & (ctx.lines.date <= ibis.date(
            ctx.period.end)))
        row = t.aggregate(revenue=t.amount.sum().cast("float64"), margin=t.margin.sum().cast("float64")).to_pandas()
        revenue, margin = float(row["revenue"].iloc[0] or 0), float(row["margin"].iloc[0] or 0)
        if revenue > 0 and 0 < margin <= revenue:
            return margin / revenue, "data"
    return 1.0, "revenue"


def _holdout(ctx: AnalysisContext, p: ClvParams, first, rows: list[dict]) -> tuple[pd.DataFrame, object]:
    """Fit on the data before the holdout, predict the holdout; empty with a note when the data are too short."""
    end = ctx.period.end
    cal_end = months_before(end, p.holdout_months)
    if months_before(cal_end, p.holdout_months) < first:
        ctx.note("clv_holdout_short", n=p.holdout_months)
        return pd.DataFrame(), None
    calibration = _summary(ctx, cal_end)
    fit = _fit_bgnbd(calibration, p, ctx, "calibration", rows)
    if fit is None:
        return pd.DataFrame(), cal_end
    actual = holdout_purchases(ctx.lines, start=cal_end, end=end)
    weeks = (end - cal_end).days / DAYS_PER_UNIT["W"]
    return holdout_comparison(calibration, actual, fit, holdout=weeks), cal_end


def aggregate(ctx: AnalysisContext) -> dict[str, pd.DataFrame]:
    """Fit the models, predict every customer, check on a holdout, and the historic value per tenure year."""
    p = ctx.params.clv
    first = ctx.first_date()
    summary = _summary(ctx, ctx.period.end)
    rows: list[dict] = []
    bgnbd = _fit_bgnbd(summary, p, ctx, "full", rows)
    gamma_gamma = _fit_gamma_gamma(summary, p, ctx, rows)
    margin_rate, margin_source = _margin_rate(ctx, p)
    predictions = customer_predictions(summary, bgnbd, gamma_gamma, horizon_months=p.horizon_months,
                                       discount_rate=p.discount_rate, margin_rate=margin_rate,
                                       risk_thresholds=p.risk_thresholds)
    holdout, cal_end = _holdout(ctx, p, first, rows)
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    correlation = (float(np.corrcoef(repeat["frequency"], repeat["monetary_value"])[0, 1])
                   if len(repeat) > 2 and repeat["frequency"].nunique() > 1 else np.nan)
    settings = pd.DataFrame([{
        "horizon_months": p.horizon_months, "discount_rate": p.discount_rate, "margin_rate": margin_rate,
        "margin_source": margin_source, "holdout_months": p.holdout_months, "calibration_end": cal_end,
        "customers": len(summary), "repeat_buyers": int((summary["frequency"] > 0).sum()),
        "frequency_spend_correlation": correlation, "max_fit_customers": p.max_fit_customers}])
    tenure = value_by_tenure(ctx.lines, reference_date=ctx.period.end, customers=ctx.master,
                             gap_months=ctx.params.lifecycle.churn_gap_months, data_first=first)
    return {"clv_params": pd.DataFrame(rows), "clv_settings": settings, "clv_holdout": holdout,
            "clv_tenure": tenure, "clv_customers": _joined(summary, predictions)}


def _joined(summary: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """The summary with the predictions' columns: side by side, as they come in the summary's order."""
    if predictions["customer_id"].astype("string").array.equals(summary["customer_id"].astype("string").array):
        # A join on millions of text ids took 1.5 s for nothing. The ids as objects, as that join gave them.
        out = pd.concat([summary, predictions.drop(columns="customer_id")], axis=1)
        out["customer_id"] = pd.Series(summary["customer_id"].to_numpy(dtype=object), index=out.index, dtype=object)
        return out
    return summary.merge(predictions, on="customer_id", how="left")


def enrich(results: RunResults) -> pd.DataFrame:
    """The CLV predictions per customer with a purchase."""
    return results.frames["clv_customers"][["customer_id", *PREDICTION_COLUMNS]]


ANALYSIS = Analysis(key="clv", order=50, aggregate=aggregate, enrich=enrich, columns=PREDICTION_COLUMNS)
