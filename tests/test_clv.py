"""CLV: the lifetimes summary convention, BG/NBD and Gamma-Gamma against the published CDNOW results, CLV rules."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from toolkit.clv import (
    BGNBDFit,
    GammaGammaFit,
    churn_risk,
    churn_risk_summary,
    clv_by_segment,
    customer_lifetime_value,
    customer_predictions,
    expected_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_sample,
    fit_status,
    holdout_comparison,
    p_alive,
    probability_of_purchase,
    rfm_summary,
    value_by_tenure,
)
from toolkit.errors import DataError

PUBLISHED = BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, loglik=-9582.4, converged=True, n_customers=2357,
                     iterations=0, message="")
PUBLISHED_GG = GammaGammaFit(p=6.25, q=3.74, gamma=15.44, loglik=0.0, converged=True, n_customers=946, iterations=0,
                             message="")


def lifetimes_datasets() -> Path:
    """The CDNOW files shipped in the lifetimes wheel (a dev dependency), found without importing lifetimes."""
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None, "the CDNOW reference data ship with lifetimes==0.11.3: pip install the dev extras"
    return Path(next(iter(spec.submodule_search_locations))) / "datasets"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    """CDNOW_sample.txt (2,357 customers): master id, sample id, yyyymmdd, CDs, dollars."""
    raw = pd.read_csv(lifetimes_datasets() / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    return raw.assign(date=pd.to_datetime(raw["date"], format="%Y%m%d"), customer_id=raw["customer_id"].astype(str))


@pytest.fixture(scope="module")
def calibration(cdnow) -> pd.DataFrame:
    """The 39-week calibration summary (up to and including 1997-09-30), in weeks."""
    return rfm_summary(cdnow[["customer_id", "date", "amount"]], observation_end=dt.date(1997, 9, 30), time_unit="W")


# --- the summary ------------------------------------------------------------------------------------

def test_rfm_summary_hand_computed():
    # a: 1 Jan 10 + 1 Jan 5 (one occasion, 15), 11 Jan -3 (a return only: no occasion), 21 Jan 0 (a free item:
    #    an occasion), 31 Jan 30 -> occasions 1, 21, 31 Jan: frequency 2, recency 30 d, T 40 d, monetary (0 + 30) / 2.
    # b: one purchase on 31 Jan -> frequency 0, recency 0, T 10 d, monetary 0.
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "a", "a", "b"],
                       "date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-11", "2025-01-21", "2025-01-31",
                                               "2025-01-31"]),
                       "amount": [10.0, 5.0, -3.0, 0.0, 30.0, 8.0]})
    end = dt.date(2025, 2, 10)
    days = rfm_summary(tx, observation_end=end)
    assert days.values.tolist() == [["a", 2.0, 30.0, 40.0, 15.0], ["b", 0.0, 0.0, 10.0, 0.0]]
    weeks = rfm_summary(tx, observation_end=end, time_unit="W")
    assert weeks[["recency", "T"]].values.tolist() == [[30 / 7, 40 / 7], [0.0, 10 / 7]]
    months = rfm_summary(tx, observation_end=end, time_unit="M")
    assert months["T"].tolist() == [40 / 30.4375, 10 / 30.4375]
    # Lines after the observation end are ignored.
    assert rfm_summary(tx, observation_end=dt.date(2025, 1, 20))["frequency"].tolist() == [0.0]


def test_rfm_summary_errors_name_the_column():
    with pytest.raises(DataError, match="klantnr"):
        rfm_summary(pd.DataFrame({"a": [1]}), observation_end=dt.date(2025, 1, 1), customer_id="klantnr")
    with pytest.raises(DataError, match="time_unit 'Y'"):
        rfm_summary(pd.DataFrame({"customer_id": ["1"], "date": ["2025-01-01"], "amount": [1.0]}),
                    observation_end=dt.date(2025, 1, 1), time_unit="Y")


def test_cdnow_summary_matches_lifetimes_golden_table(calibration):
    gold = pd.read_csv(lifetimes_datasets() / "cdnow_customers_summary_with_transactions.csv")
    assert len(calibration) == len(gold) == 2357
    got = calibration.assign(ID=calibration["customer_id"].astype(int)).merge(gold, on="ID", validate="1:1")
    for ours, theirs in (("frequency", "x"), ("recency", "t_x"), ("T_x", "T_y"), ("monetary_value", "zbar")):
        # The golden table prints 2 decimals: ours must round to it (half a cent either way).
        assert (got[ours] - got[theirs]).abs().max() <= 0.005 + 1e-9, ours


# --- published parameters ---------------------------------------------------------------------------

def test_bgnbd_matches_fader_hardie_lee_2005(calibration):
    fit = fit_bgnbd(calibration)
    assert fit.converged and fit.n_customers == 2357
    # Published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (to the printed precision).
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(fit.loglik, 1) == -9582.4


def test_gamma_gamma_matches_fader_hardie_2013(calibration):
    fit = fit_gamma_gamma(calibration)
    # Published on the 946 repeat buyers: p = 6.25, q = 3.74, gamma = 15.44.
    assert fit.converged and fit.n_customers == 946
    assert (round(fit.p, 2), round(fit.q, 2), round(fit.gamma, 2)) == (6.25, 3.74, 15.44)


def test_predictions_match_lifetimes_reference_values():
    # Values computed with lifetimes 0.11.3 for the published parameters (BetaGeoFitter,
    # GammaGammaFitter.conditional_expected_average_profit).
    s = pd.DataFrame({"frequency": [0.0, 2.0, 15.0], "recency": [0.0, 30.43, 37.0], "T": [38.86, 38.86, 38.86],
                      "monetary_value": [0.0, 22.35, 10.0]})
    assert p_alive(PUBLISHED, s[:2]).tolist() == pytest.approx([1.0, 0.72657857], abs=1e-7)
    assert expected_purchases(PUBLISHED, s, horizon=39).tolist() == pytest.approx(
        [0.19509805, 1.22602817, 9.80324298], abs=1e-6)
    spend = expected_spend(PUBLISHED_GG, pd.DataFrame({"frequency": [1.0, 2.0], "monetary_value": [10.0, 22.35]}))
    assert spend.tolist() == pytest.approx([17.686318, 24.663714], abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(r=st.floats(0.1, 3), alpha=st.floats(0.5, 40), a=st.floats(0.2, 3), b=st.floats(0.3, 8),
       x=st.integers(0, 30), T=st.floats(1, 200), t=st.floats(0.5, 150))
def test_stable_formula_equals_the_papers(r, alpha, a, b, x, T, t):
    # Fader, Hardie & Lee (2005) eq. 10, written out directly, for moderate x where it is stable.
    if abs(a - 1) < 1e-3:
        return
    t_x = T * 0.6 if x else 0.0
    fit = BGNBDFit(r, alpha, a, b, 0.0, True, 0, 0, "")
    z = t / (alpha + T + t)
    direct = ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
                                           * special.hyp2f1(r + x, b + x, a + b + x - 1, z)))
    if x > 0:
        direct /= 1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    ours = expected_purchases(fit, pd.DataFrame({"frequency": [float(x)], "recency": [t_x], "T": [T]}), horizon=t)[0]
    assert ours == pytest.approx(direct, rel=1e-6, abs=1e-9)


def test_probability_of_purchase_is_below_p_alive_and_rises_with_the_horizon():
    s = pd.DataFrame({"frequency": [0.0, 3.0], "recency": [0.0, 20.0], "T": [30.0, 30.0]})
    short, long = (probability_of_purchase(PUBLISHED, s, horizon=h) for h in (4, 52))
    assert (short < long).all() and (long <= p_alive(PUBLISHED, s)).all()


# --- CLV ---------------------------------------------------------------------------------------------

def test_clv_without_discount_is_margin_times_spend_times_purchases():
    s = pd.DataFrame({"frequency": [2.0, 0.0], "recency": [30.43, 0.0], "T": [38.86, 20.0],
                      "monetary_value": [22.35, 0.0]})
    months = 12
    weeks = months * 365.25 / 12 / 7
    clv = customer_lifetime_value(PUBLISHED, PUBLISHED_GG, s, horizon_months=months, discount_rate=0.0,
                                  margin_rate=0.3)
    expected = 0.3 * expected_spend(PUBLISHED_GG, s) * expected_purchases(PUBLISHED, s, horizon=weeks)
    assert clv == pytest.approx(expected, rel=1e-9)
    discounted = customer_lifetime_value(PUBLISHED, PUBLISHED_GG, s, horizon_months=months, discount_rate=0.1,
                                         margin_rate=0.3)
    # Every month is discounted by at most 10 %: between 0.9 and 1 times the undiscounted value.
    assert ((discounted < clv) & (discounted > 0.9 * clv)).all()


def test_churn_risk_bands_and_predictions():
    assert churn_risk(np.array([0.29, 0.3, 0.69, 0.7, np.nan]), np.array([1, 1, 1, 1, 1])).tolist() == [
        "high", "medium", "medium", "low", None]
    s = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [2.0, 0.0], "recency": [30.43, 0.0],
                      "T": [38.86, 38.86], "monetary_value": [22.35, 0.0]})
    p = customer_predictions(s, PUBLISHED, PUBLISHED_GG, horizon_months=12)
    assert p["churn_risk"].tolist() == ["low", "one_time"]
    assert p["churn_probability"].iloc[0] == pytest.approx(1 - 0.72657857, abs=1e-6)
    assert np.isnan(p["churn_probability"].iloc[1]) and p["p_alive"].iloc[1] == 1.0
    assert (p["clv"] > 0).all()
    missing = customer_predictions(s, None, None)
    assert missing[["p_alive", "clv"]].isna().all().all() and missing["churn_risk"].isna().all()


def test_segment_and_risk_summaries():
    c = pd.DataFrame({"pyramid_layer": pd.Categorical(["top", "small", "small", "prospect"],
                                                      categories=["top", "small", "prospect"]),
                      "p_alive": [0.9, 0.5, 0.7, np.nan], "expected_purchases_12m": [4.0, 1.0, 2.0, np.nan],
                      "clv": [300.0, 50.0, 50.0, np.nan], "churn_risk": ["low", "medium", "one_time", None],
                      "revenue": [10.0, 5.0, 1.0, 0.0]})
    seg = clv_by_segment(c)
    assert seg[["segment", "customers", "clv"]].values.tolist() == [["top", 1, 300.0], ["small", 2, 100.0],
                                                                    ["prospect", 0, 0.0]]
    risk = churn_risk_summary(c).set_index("churn_risk")
    assert risk["customers"].tolist() == [1, 1, 0, 1] and risk["share"].sum() == pytest.approx(1.0)


# --- too little data, no convergence -----------------------------------------------------------------

def test_too_few_customers_is_a_status_not_a_crash():
    small = pd.DataFrame({"frequency": [0.0, 1.0] * 20, "monetary_value": [0.0, 5.0] * 20})
    assert fit_status(small) == "too_few"
    assert fit_status(small, repeat_only=True) == "too_few"
    enough = pd.DataFrame({"frequency": [0.0, 1.0] * 60, "monetary_value": [0.0, 5.0] * 60})
    assert fit_status(enough) is None


def test_a_model_that_runs_off_reports_no_convergence():
    # Every customer buys every week and never stops: the dropout parameter a runs off to 0.
    s = pd.DataFrame({"frequency": [30.0] * 200, "recency": [30.0] * 200, "T": [30.0] * 200})
    assert fit_bgnbd(s).converged is False


def test_fit_is_deterministic_and_uses_the_sample(calibration):
    first = fit_bgnbd(calibration, max_customers=1000, random_state=7)
    again = fit_bgnbd(calibration, max_customers=1000, random_state=7)
    assert first == again and first.n_customers == 1000
    assert len(fit_sample(calibration, max_customers=None)) == len(calibration)


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, seed: int = 1) -> pd.DataFrame:
    """Customers drawn from BG/NBD itself: Poisson purchases at rate lambda, dropping out after each with p."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    T = rng.integers(10, 79, n).astype(float)
    t, x, t_x = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        t[active] += rng.exponential(1 / lam[active])
        active &= t <= T
        x[active] += 1
        t_x[active] = t[active]
        active &= rng.random(n) >= p
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T})


def test_a_large_simulated_population_gives_back_its_parameters():
    # 100,000 customers (the most a run fits on) drawn from the published CDNOW parameters.
    fit = fit_bgnbd(simulate_bgnbd(100_000, PUBLISHED.r, PUBLISHED.alpha, PUBLISHED.a, PUBLISHED.b))
    assert fit.converged and fit.n_customers == 100_000
    assert fit.r == pytest.approx(PUBLISHED.r, rel=0.05)
    assert fit.alpha == pytest.approx(PUBLISHED.alpha, rel=0.05)
    assert fit.a / (fit.a + fit.b) == pytest.approx(PUBLISHED.a / (PUBLISHED.a + PUBLISHED.b), rel=0.05)


def test_a_degenerate_spend_distribution_is_not_called_converged():
    # Six spend values repeated: no heterogeneity to estimate, q and gamma run off together.
    # On one 2-core host L-BFGS-B stopped on that ridge at q=1165, gamma=4623 and called it
    # converged; there (p, 10q, 10gamma) fits better still (log-likelihood -189.857 > -189.861).
    s = pd.DataFrame({"frequency": [1, 2, 3, 1, 4, 2] * 10, "monetary_value": [10, 14, 9, 30, 12, 20] * 10})
    assert not fit_gamma_gamma(s).converged


# --- validation and historic value -------------------------------------------------------------------

@pytest.mark.parametrize("ids", [["a", "b", "c", "d", "zz"], ["40", "7", "300", "5", "12"]])
def test_holdout_comparison_counts_and_means(ids):
    a, b, c, d, zz = ids  # texts, and plain numbers (matched as integers)
    cal = pd.DataFrame({"customer_id": [a, b, c, d], "frequency": [0.0, 0.0, 3.0, 9.0],
                        "recency": [0.0, 0.0, 20.0, 30.0], "T": [30.0, 20.0, 31.0, 32.0]})
    actual = pd.DataFrame({"customer_id": [zz, d, b, c], "purchases": [7, 4, 2, 1]})
    h = holdout_comparison(cal, actual, PUBLISHED, holdout=26, max_frequency=3)
    assert h["customers"].tolist() == [2, 0, 0, 2]
    assert h["actual"].tolist()[0] == 1.0 and h["actual_total"].tolist() == [2.0, 0.0, 0.0, 5.0]
    assert (h["predicted_total"] >= 0).all()


def test_clv_customers_side_by_side_equals_the_join():
    from toolkit.analyses.clv import _joined

    # As in the run: the summary's ids "string", the predictions' ids the text pandas makes of Python strings.
    summary = pd.DataFrame({"customer_id": pd.array(["b", "a", "c"], dtype="string"), "frequency": [1.0, 0.0, 2.0]})
    predictions = pd.DataFrame({"customer_id": np.array(["b", "a", "c"], dtype=object), "clv": [5.0, 1.0, 9.0]})
    expected = summary.merge(predictions, on="customer_id", how="left")
    pd.testing.assert_frame_equal(_joined(summary, predictions), expected, check_exact=True)
    shuffled = predictions.iloc[[2, 0, 1]].reset_index(drop=True)  # not in the summary's order: joined by id
    pd.testing.assert_frame_equal(_joined(summary, shuffled), expected, check_exact=True)


def test_value_by_tenure_hand_computed():
    # New customers (no master, 12 months of data before their first purchase): a from 2023-02-01, b from
    # 2024-06-01; reference 2025-12-31. a: year 1 (to 2024-02-01) 10, year 2 30; b: year 1 20 (year 2 not over).
    tx = pd.DataFrame({"customer_id": ["a", "a", "b", "b"], "amount": [10.0, 30.0, 20.0, 99.0],
                       "margin": [2.0, 6.0, 5.0, 9.0],
                       "date": pd.to_datetime(["2023-02-01", "2024-03-01", "2024-06-01", "2025-07-01"])})
    v = value_by_tenure(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2022, 1, 1))
    assert v[["tenure_year", "customers", "revenue_per_customer", "margin_per_customer", "cumulative_revenue"]
             ].values.tolist() == [[1.0, 2.0, 15.0, 3.5, 15.0], [2.0, 1.0, 30.0, 6.0, 45.0]]
