"""Customer lifetime value: historic value, BG/NBD and Gamma-Gamma fitted by maximum likelihood, CLV.

The summary per customer follows the convention of the ``lifetimes`` package (and of the
papers): one purchase occasion per calendar day with a line that is not negative (a day
with only returns is none), its spend the day's net amount; ``frequency`` = repeat purchase days,
``recency`` = last - first purchase day, ``T`` = observation end - first purchase day,
``monetary_value`` = mean spend of the repeat days (0 for one-time buyers). The summary
of the transaction lines is an Ibis expression (:func:`rfm_summary_expr`); everything
after it works on customer-level frames.

The models are fitted with SciPy (L-BFGS-B on the log of the parameters). On large
customer bases the fit uses a deterministic random sample of at most
``max_customers`` customers (the likelihood of 100,000 customers pins the four
parameters down far more precisely than the data justify anyway); predictions are made
for every customer, with the hypergeometric part computed once per distinct
``(frequency, T)``.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers" the Easy
Way: An Alternative to the Pareto/NBD Model. *Marketing Science* 24(2), 275-284.
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma Model of Monetary Value.
http://www.brucehardie.com/notes/025/

Example
-------
>>> import datetime as dt
>>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 20.0, 40.0, 5.0],
...                    "date": pd.to_datetime(["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-08"])})
>>> rfm_summary(tx, observation_end=dt.date(2025, 1, 29), time_unit="W").values.tolist()
[['a', 2.0, 2.0, 4.0, 30.0], ['b', 0.0, 0.0, 3.0, 0.0]]
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import ibis
import numpy as np
import pandas as pd
from scipy import optimize, special

from toolkit.errors import DataError
from toolkit.lifecycle import (
    acquisition,
    as_tables,
    data_first_date,
    plus_months,
    purchase_days,
)
from toolkit.segments import positions_in

TimeUnit = Literal["D", "W", "M"]

#: Days per unit of ``recency`` and ``T``: days, weeks (days / 7), months (days / (365.25 / 12)).
DAYS_PER_UNIT: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

#: Columns of :func:`rfm_summary`.
SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")

#: Smallest data a model is fitted on: customers, and repeat buyers (frequency > 0).
MIN_CUSTOMERS = 100
MIN_REPEAT_BUYERS = 30

#: Churn-risk bands (``churn_risk`` in customers.csv), lowest risk first.
RISK_BANDS: tuple[str, ...] = ("low", "medium", "high", "one_time")


# ---------------------------------------------------------------------------------------------
# The summary per customer


def rfm_summary_expr(lines: ibis.Table, *, observation_end: dt.date, time_unit: TimeUnit = "D") -> ibis.Table:
    """Ibis expression: the lifetimes-style summary per customer with a purchase up to ``observation_end``.

    Returns
    -------
    ibis.Table
        :data:`SUMMARY_COLUMNS`, ordered by ``customer_id``.
    """
    if time_unit not in DAYS_PER_UNIT:
        raise DataError(f"time_unit '{time_unit}' is not one of {', '.join(DAYS_PER_UNIT)}.")
    # Filtered after grouping by day (the same days): the day table is shared by the run's analyses.
    days = purchase_days(lines)
    days = days.filter(days.date <= ibis.date(observation_end))
    # Day amounts are whole cents: summed as decimals the total is exact, so it does not depend on the
    # order in which a parallel engine adds floats (re-runs must give byte-identical customers.csv).
    cents = days.amount.cast("decimal(18, 2)")
    per = days.group_by("customer_id").aggregate(
        n=days.count(), first=days.date.min(), last=days.date.max(), total=cents.sum(),
        first_amount=cents.argmin(days.date))
    unit = DAYS_PER_UNIT[time_unit]
    return per.select(
        customer_id=per.customer_id.cast("string"),
        frequency=(per.n - 1).cast("float64"),
        recency=per.last.delta(per.first, unit="day").cast("float64") / unit,
        T=ibis.date(observation_end).delta(per.first, unit="day").cast("float64") / unit,
        monetary_value=ibis.ifelse(per.n > 1, (per.total - per.first_amount) / (per.n - 1), 0.0).cast("float64"),
    ).order_by("customer_id")


def rfm_summary(transactions: pd.DataFrame | ibis.Table, *, observation_end: dt.date,
                time_unit: TimeUnit = "D", customer_id: str = "customer_id", date: str = "date",
                amount: str = "amount") -> pd.DataFrame:
    """Frequency, recency, age and monetary value per customer, in the lifetimes convention.

    Parameters
    ----------
    transactions : DataFrame or ibis.Table
        One row per transaction line (an Ibis table must have the canonical names).
    observation_end : date
        Last day observed (inclusive); later lines are ignored.
    time_unit : {"D", "W", "M"}, default "D"
        Unit of ``recency`` and ``T``: days, weeks (days / 7) or months (days / 30.4375).
    customer_id, date, amount : str
        Column names in a pandas frame.

    Returns
    -------
    DataFrame
        One row per customer with a purchase occasion up to ``observation_end``, sorted
        by ``customer_id`` (text): ``frequency`` (repeat purchase days), ``recency``
        (last - first purchase day), ``T`` (observation end - first purchase day),
        ``monetary_value`` (mean net spend of the repeat days, euro; 0 for one-time
        buyers). All float.

    Raises
    ------
    DataError
        For a missing column or an unknown time unit.

    Examples
    --------
    >>> tx = pd.DataFrame({"klant": [7, 7], "dag": ["2025-01-01", "2025-01-11"], "bedrag": [5.0, 8.0]})
    >>> rfm_summary(tx, observation_end=dt.date(2025, 1, 31), customer_id="klant", date="dag", amount="bedrag"
    ...             ).values.tolist()
    [['7', 1.0, 10.0, 30.0, 8.0]]
    """
    if not isinstance(transactions, ibis.Table):
        names = {customer_id: "customer_id", date: "date", amount: "amount"}
        missing = [c for c in names if c not in transactions.columns]
        if missing:
            raise DataError(f"rfm_summary: column(s) {', '.join(missing)} not in the transactions frame "
                            f"(it has {', '.join(map(str, transactions.columns))}); pass the right names, "
                            "e.g. customer_id='klantnr'.")
        transactions = transactions[list(names)].rename(columns=names)
    lines, _ = as_tables(transactions)
    out = rfm_summary_expr(lines, observation_end=observation_end, time_unit=time_unit).to_pandas()
    out["customer_id"] = out["customer_id"].astype("string")
    return out.reset_index(drop=True)


def _check_summary(summary: pd.DataFrame, columns: tuple[str, ...], func: str) -> None:
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(missing)} not in the summary; pass the output of rfm_summary.")


def fit_sample(summary: pd.DataFrame, *, max_customers: int | None = 100_000, random_state: int = 0) -> pd.DataFrame:
    """A deterministic random sample of at most ``max_customers`` rows (all rows when fewer), in input order.

    Examples
    --------
    >>> len(fit_sample(pd.DataFrame({"x": range(10)}), max_customers=3))
    3
    """
    if max_customers is None or len(summary) <= max_customers:
        return summary
    rng = np.random.default_rng(random_state)
    idx = np.sort(rng.choice(len(summary), size=max_customers, replace=False))
    return summary.iloc[idx]


# ---------------------------------------------------------------------------------------------
# Fitting


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD parameters (purchase rate ~ Gamma(r, alpha), dropout ~ Beta(a, b)).

    ``alpha`` is in the time unit of the summary it was fitted on.
    """

    r: float
    alpha: float
    a: float
    b: float
    loglik: float
    converged: bool
    n_customers: int
    iterations: int
    message: str


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma parameters of spend per purchase (``p``, ``q``, ``gamma``)."""

    p: float
    q: float
    gamma: float
    loglik: float
    converged: bool
    n_customers: int
    iterations: int
    message: str


def _grouped(frame: pd.DataFrame, columns: list[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of ``columns`` and how often each occurs (the likelihood is a weighted sum)."""
    counts = frame.groupby(columns, sort=True).size()
    values = [counts.index.get_level_values(i).to_numpy(dtype=float) for i in range(len(columns))]
    return values, counts.to_numpy(dtype=float)


def bgnbd_loglik(params: tuple[float, float, float, float], frequency: np.ndarray, recency: np.ndarray,
                 T: np.ndarray) -> np.ndarray:
    """Log-likelihood of each customer under BG/NBD (Fader, Hardie & Lee 2005, eq. 6).

    Examples
    --------
    >>> float(bgnbd_loglik((0.243, 4.414, 0.793, 2.426), np.array([2.0]), np.array([30.43]), np.array([38.86]))[0])
    -9.45...
    """
    r, alpha, a, b = params
    x, t_x = frequency, recency
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.where(repeat, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def gamma_gamma_loglik(params: tuple[float, float, float], frequency: np.ndarray,
                       monetary_value: np.ndarray) -> np.ndarray:
    """Log-likelihood of each repeat buyer's mean spend under Gamma-Gamma (Fader & Hardie 2013, eq. 3).

    Examples
    --------
    >>> float(gamma_gamma_loglik((6.25, 3.74, 15.44), np.array([2.0]), np.array([22.35]))[0])
    -3.55...
    """
    p, q, gamma = params
    x, m = frequency, monetary_value
    return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(gamma)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(gamma + x * m))


def _maximise(loglik, start: np.ndarray, weights: np.ndarray) -> optimize.OptimizeResult:
    """Maximise a weighted log-likelihood over log-parameters with L-BFGS-B (bounded away from 0 and infinity).

    The result carries ``gradient_norm``: the largest central-difference slope of the mean
    negative log-likelihood at the optimum, which :func:`_converged` judges.
    """
    n = weights.sum()

    def negative(theta: np.ndarray) -> float:
        value = -(weights * loglik(np.exp(theta))).sum() / n
        return value if np.isfinite(value) else 1e100

    bounds = [(-12.0, 12.0)] * len(start)
    res = optimize.minimize(negative, np.log(start), method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9})
    # A second start from the first optimum settles a stop on a flat stretch.
    res = optimize.minimize(negative, res.x, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    step = 1e-5
    slopes = [(negative(res.x + step * e) - negative(res.x - step * e)) / (2 * step) for e in np.eye(len(res.x))]
    res.gradient_norm = float(np.max(np.abs(slopes)))
    return res


def _converged(res: optimize.OptimizeResult) -> bool:
    """An interior optimum with a flat likelihood: parameters finite, not at a bound, slope ~0.

    L-BFGS-B's own flag is not used alone: with finite-difference gradients it reports
    "ABNORMAL" when the line search cannot improve at float precision, which at a true
    optimum is what is expected.
    """
    at_bound = np.any(np.abs(res.x) > 11.9)
    return bool(np.all(np.isfinite(res.x)) and not at_bound and (res.success or res.gradient_norm < 1e-5))


def fit_bgnbd(summary: pd.DataFrame, *, max_customers: int | None = None, random_state: int = 0) -> BGNBDFit:
    """Fit BG/NBD by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` output (``frequency, recency, T``; any time unit).
    max_customers : int, optional
        Fit on a deterministic sample of at most this many customers (see :func:`fit_sample`).
    random_state : int, default 0

    Returns
    -------
    BGNBDFit
        ``r, alpha, a, b``, ``loglik`` (total log-likelihood of the customers fitted on),
        ``converged`` (the optimiser succeeded and no parameter ran off to 0 or infinity),
        ``n_customers``, ``iterations``, ``message``.

    Raises
    ------
    DataError
        When a column is missing or there are no customers.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 0, 1, 2, 0, 4, 1, 0, 3, 7] * 12,
    ...                   "recency": [0, 0, 8, 25, 0, 33, 3, 0, 15, 38] * 12,
    ...                   "T": [40, 20, 30, 38, 35, 39, 36, 12, 40, 39] * 12})
    >>> fit = fit_bgnbd(s)
    >>> fit.converged, fit.n_customers
    (True, 120)
    """
    _check_summary(summary, ("frequency", "recency", "T"), "fit_bgnbd")
    data = fit_sample(summary, max_customers=max_customers, random_state=random_state)
    if data.empty:
        raise DataError("fit_bgnbd: the summary has no customers.")
    (x, t_x, T), w = _grouped(data, ["frequency", "recency", "T"])
    start = np.array([1.0, max(float(np.average(T, weights=w)), 1e-3), 1.0, 1.0])
    res = _maximise(lambda p: bgnbd_loglik(p, x, t_x, T), start, w)
    r, alpha, a, b = np.exp(res.x)
    loglik = float((w * bgnbd_loglik((r, alpha, a, b), x, t_x, T)).sum())
    return BGNBDFit(r=float(r), alpha=float(alpha), a=float(a), b=float(b), loglik=loglik,
                    converged=_converged(res), n_customers=int(w.sum()), iterations=int(res.nit),
                    message=str(res.message))


def fit_gamma_gamma(summary: pd.DataFrame, *, max_customers: int | None = None,
                    random_state: int = 0) -> GammaGammaFit:
    """Fit the Gamma-Gamma model of spend per purchase on the repeat buyers.

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` output (``frequency, monetary_value``); only rows with
        ``frequency > 0`` and ``monetary_value > 0`` are used.
    max_customers, random_state
        As in :func:`fit_bgnbd` (the sample is drawn from the repeat buyers).

    Returns
    -------
    GammaGammaFit
        ``converged`` also needs the spread of the mean spends to be identified: it is
        ``False`` when ten times less spread (``10 q, 10 gamma``) fits at least as well.

    Raises
    ------
    DataError
        When a column is missing or there is no repeat buyer with a positive spend.

    Examples
    --------
    500 repeat buyers drawn from the model itself (p=6.25, q=3.74, gamma=15.44):

    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 6, 500)
    >>> nu = rng.gamma(3.74, 1 / 15.44, 500)
    >>> s = pd.DataFrame({"frequency": x, "monetary_value": rng.gamma(6.25 * x, 1 / (nu * x))})
    >>> fit = fit_gamma_gamma(s)
    >>> fit.converged, round(fit.p)
    (True, 6)
    """
    _check_summary(summary, ("frequency", "monetary_value"), "fit_gamma_gamma")
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    data = fit_sample(repeat, max_customers=max_customers, random_state=random_state)
    if data.empty:
        raise DataError("fit_gamma_gamma: no repeat buyer with a positive spend to fit on.")
    (x, m), w = _grouped(data, ["frequency", "monetary_value"])
    start = np.array([1.0, 1.0, max(float(np.average(m, weights=w)), 1e-3)])
    res = _maximise(lambda p: gamma_gamma_loglik(p, x, m), start, w)
    p, q, gamma = np.exp(res.x)
    loglik = float((w * gamma_gamma_loglik((p, q, gamma), x, m)).sum())
    # Without spread in the mean spends the likelihood rises along q, gamma -> infinity (same
    # ratio), and where L-BFGS-B stops on that ridge depends on float details of the machine;
    # an optimum that ten times less spread does not lower is no optimum.
    tighter = float((w * gamma_gamma_loglik((p, 10 * q, 10 * gamma), x, m)).sum())
    converged = _converged(res) and tighter < loglik
    return GammaGammaFit(p=float(p), q=float(q), gamma=float(gamma), loglik=loglik, converged=converged,
                         n_customers=int(w.sum()), iterations=int(res.nit), message=str(res.message))


# ---------------------------------------------------------------------------------------------
# Predictions


def p_alive(fit: BGNBDFit, summary: pd.DataFrame) -> np.ndarray:
    """Probability that each customer is still active at the end of the observation (BG/NBD, eq. 13).

    One-time buyers get 1: the model lets customers drop out only after a repeat purchase.

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> p_alive(f, pd.DataFrame({"frequency": [0, 2], "recency": [0, 30.43], "T": [38.86, 38.86]})).round(3).tolist()
    [1.0, 0.727]
    """
    _check_summary(summary, ("frequency", "recency", "T"), "p_alive")
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    log_odds = (np.log(fit.a) - np.log(fit.b + np.maximum(x, 1) - 1)
                + (fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + t_x)))
    return np.where(x > 0, special.expit(-log_odds), 1.0)


def _conditional_purchases(fit: BGNBDFit, x: np.ndarray, T: np.ndarray, t: float) -> np.ndarray:
    """E[Y(t)] for a customer known to be alive, without the p-alive factor (vectorised, distinct rows).

    Uses Euler's transformation of the hypergeometric function (stable for large x):
    ``(1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``.
    """
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    if abs(a - 1) < 1e-9:  # the closed form has a removable singularity at a = 1
        a = 1 + 1e-9
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * (1 - np.exp((a - 1) * np.log1p(-z)) * hyp)


def _distinct_pairs(x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (x, T) pairs and each row's pair, so a formula runs once per pair.

    Hashes instead of ``np.unique(..., axis=0)``, which sorts rows as records (18 s at 3.5M
    customers against 1 s).

    Examples
    --------
    >>> kx, kt, inv = _distinct_pairs(np.array([1.0, 2.0, 1.0]), np.array([5.0, 5.0, 5.0]))
    >>> kx[inv].tolist(), kt[inv].tolist(), len(kx)
    ([1.0, 2.0, 1.0], [5.0, 5.0, 5.0], 2)
    """
    code_x, uniq_x = pd.factorize(x, use_na_sentinel=False)
    code_t, uniq_t = pd.factorize(T, use_na_sentinel=False)
    if not len(uniq_t):
        return np.asarray(uniq_x, dtype=float), np.asarray(uniq_t, dtype=float), np.zeros(0, dtype=np.intp)
    inverse, pairs = pd.factorize(code_x.astype(np.int64) * len(uniq_t) + code_t)
    return (np.asarray(uniq_x, dtype=float)[pairs // len(uniq_t)], np.asarray(uniq_t, dtype=float)[pairs % len(uniq_t)],
            inverse)


def expected_purchases(fit: BGNBDFit, summary: pd.DataFrame, *, horizon: float) -> np.ndarray:
    """Expected purchase occasions in the next ``horizon`` time units (BG/NBD, eq. 10).

    ``horizon`` is in the time unit of the summary the model was fitted on.

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> s = pd.DataFrame({"frequency": [2.0], "recency": [30.43], "T": [38.86]})
    >>> round(float(expected_purchases(f, s, horizon=39)[0]), 3)
    1.226
    """
    _check_summary(summary, ("frequency", "recency", "T"), "expected_purchases")
    x, T = summary["frequency"].to_numpy(dtype=float), summary["T"].to_numpy(dtype=float)
    key_x, key_T, inverse = _distinct_pairs(x, T)
    conditional = _conditional_purchases(fit, key_x, key_T, horizon)[inverse]
    return conditional * p_alive(fit, summary)


def probability_of_purchase(fit: BGNBDFit, summary: pd.DataFrame, *, horizon: float) -> np.ndarray:
    """Probability of at least one purchase in the next ``horizon`` time units.

    Given alive, the purchase rate's posterior is Gamma(r + x, alpha + T) and a customer
    cannot drop out before the next purchase, so P = p_alive x (1 - ((alpha+T)/(alpha+T+t))^(r+x)).

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> s = pd.DataFrame({"frequency": [0.0], "recency": [0.0], "T": [38.86]})
    >>> round(float(probability_of_purchase(f, s, horizon=52)[0]), 3)
    0.175
    """
    x, T = summary["frequency"].to_numpy(dtype=float), summary["T"].to_numpy(dtype=float)
    stay = np.exp((fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + T + horizon)))
    return p_alive(fit, summary) * (1 - stay)


def expected_spend(fit: GammaGammaFit, summary: pd.DataFrame) -> np.ndarray:
    """Expected spend per purchase occasion: the Gamma-Gamma posterior mean (population mean for one-time buyers).

    NaN when ``q <= 1`` (the model's mean spend is then infinite).

    Examples
    --------
    >>> g = GammaGammaFit(6.25, 3.74, 15.44, 0.0, True, 0, 0, "")
    >>> expected_spend(g, pd.DataFrame({"frequency": [0, 2], "monetary_value": [0, 22.35]})).round(2).tolist()
    [35.22, 24.66]
    """
    _check_summary(summary, ("frequency", "monetary_value"), "expected_spend")
    x, m = summary["frequency"].to_numpy(dtype=float), summary["monetary_value"].to_numpy(dtype=float)
    if fit.q <= 1:
        return np.full(len(x), np.nan)
    population = fit.p * fit.gamma / (fit.q - 1)
    posterior = fit.p * (fit.gamma + x * m) / (fit.p * x + fit.q - 1)
    return np.where((x > 0) & (m > 0), posterior, population)


def customer_lifetime_value(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, summary: pd.DataFrame, *,
                            horizon_months: int = 36, discount_rate: float = 0.10, margin_rate: float = 1.0,
                            time_unit: TimeUnit = "W") -> np.ndarray:
    """Discounted expected margin over the next ``horizon_months`` per customer.

    CLV = margin rate x expected spend per purchase x sum over months k of the expected
    purchases in month k discounted by ``(1 + discount_rate) ** (k / 12)``.

    Parameters
    ----------
    bgnbd, gamma_gamma : fitted models
    summary : DataFrame
        :func:`rfm_summary` output in ``time_unit`` (the unit the BG/NBD was fitted in).
    horizon_months : int, default 36
    discount_rate : float, default 0.10
        Per year.
    margin_rate : float, default 1.0
        Share of revenue that is margin (1 gives the discounted revenue).
    time_unit : {"D", "W", "M"}, default "W"

    Returns
    -------
    ndarray
        Euro per customer (NaN when the expected spend is undefined).

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> g = GammaGammaFit(6.25, 3.74, 15.44, 0.0, True, 0, 0, "")
    >>> s = pd.DataFrame({"frequency": [2.0], "recency": [30.43], "T": [38.86], "monetary_value": [22.35]})
    >>> round(float(customer_lifetime_value(f, g, s, horizon_months=12, discount_rate=0.0)[0]), 2)
    38.55
    """
    _check_summary(summary, ("frequency", "recency", "T", "monetary_value"), "customer_lifetime_value")
    per_month = DAYS_PER_UNIT["M"] / DAYS_PER_UNIT[time_unit]
    x, T = summary["frequency"].to_numpy(dtype=float), summary["T"].to_numpy(dtype=float)
    key_x, key_T, inverse = _distinct_pairs(x, T)
    discounted = np.zeros(len(key_x))
    previous = np.zeros(len(key_x))
    for k in range(1, horizon_months + 1):
        current = _conditional_purchases(bgnbd, key_x, key_T, k * per_month)
        discounted += (current - previous) / (1 + discount_rate) ** (k / 12)
        previous = current
    purchases = discounted[inverse] * p_alive(bgnbd, summary)
    return margin_rate * expected_spend(gamma_gamma, summary) * purchases


def churn_risk(p_alive_values: np.ndarray, frequency: np.ndarray, *,
               thresholds: tuple[float, float] = (0.3, 0.7)) -> np.ndarray:
    """Churn-risk band per customer from the probability of being alive.

    ``high`` below ``thresholds[0]``, ``medium`` below ``thresholds[1]``, else ``low``;
    ``one_time`` for one-time buyers, whose risk the BG/NBD model cannot tell (it keeps
    them alive until a repeat purchase).

    Examples
    --------
    >>> churn_risk(np.array([0.1, 0.5, 0.9, 1.0]), np.array([3, 2, 1, 0])).tolist()
    ['high', 'medium', 'low', 'one_time']
    """
    low, high = thresholds
    bands = np.where(p_alive_values < low, "high", np.where(p_alive_values < high, "medium", "low")).astype(object)
    bands[np.asarray(frequency) == 0] = "one_time"
    bands[np.isnan(np.asarray(p_alive_values, dtype=float))] = None
    return bands


# ---------------------------------------------------------------------------------------------
# Validation and summaries


def holdout_comparison(calibration: pd.DataFrame, actual: pd.DataFrame, fit: BGNBDFit, *, holdout: float,
                       max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual purchases in a holdout period, per calibration frequency.

    Parameters
    ----------
    calibration : DataFrame
        :func:`rfm_summary` at the end of the calibration period.
    actual : DataFrame
        ``customer_id`` and ``purchases`` (purchase occasions in the holdout period);
        customers missing from it made none.
    fit : BGNBDFit
        Fitted on the calibration summary.
    holdout : float
        Length of the holdout period in the summary's time unit.
    max_frequency : int, default 7
        Frequencies from this value up are pooled into one group.

    Returns
    -------
    DataFrame
        One row per group ``frequency`` 0 .. ``max_frequency`` (the last meaning "or
        more"): ``customers``, ``actual`` and ``predicted`` (mean purchases per customer
        in the holdout), ``actual_total``, ``predicted_total``.

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> cal = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [0.0, 2.0], "recency": [0.0, 30.43],
    ...                     "T": [38.86, 38.86]})
    >>> h = holdout_comparison(cal, pd.DataFrame({"customer_id": ["b"], "purchases": [1]}), f, holdout=39,
    ...                        max_frequency=2)
    >>> h[["frequency", "customers", "actual"]].values.tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, nan], [2.0, 1.0, 1.0]]
    """
    _check_summary(calibration, ("customer_id", "frequency", "recency", "T"), "holdout_comparison")
    # Positions by hash, not pandas' reindex on text labels (2.4 s at 3.5M customers).
    at = positions_in(calibration["customer_id"], actual["customer_id"])
    purchases = np.append(actual["purchases"].to_numpy(dtype=float), 0.0)  # position -1: no purchase
    frame = pd.DataFrame({
        "group": np.minimum(calibration["frequency"].to_numpy(dtype=float), max_frequency).astype(int),
        "actual": np.nan_to_num(purchases[at]),
        "predicted": expected_purchases(fit, calibration, horizon=holdout)})
    g = frame.groupby("group").agg(customers=("actual", "size"), actual_total=("actual", "sum"),
                                   predicted_total=("predicted", "sum"))
    g = g.reindex(range(max_frequency + 1))
    g["customers"] = g["customers"].fillna(0).astype("int64")
    g[["actual_total", "predicted_total"]] = g[["actual_total", "predicted_total"]].fillna(0.0)
    n = g["customers"].replace(0, np.nan)
    g["actual"] = g["actual_total"] / n
    g["predicted"] = g["predicted_total"] / n
    out = g.rename_axis("frequency").reset_index()
    return out[["frequency", "customers", "actual", "predicted", "actual_total", "predicted_total"]]


def holdout_purchases(lines: ibis.Table, *, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Purchase occasions per customer in ``(start, end]``: ``customer_id, purchases``."""
    days = purchase_days(lines)
    days = days.filter((days.date > ibis.date(start)) & (days.date <= ibis.date(end)))
    out = days.group_by("customer_id").aggregate(purchases=days.count()).to_pandas()
    out["customer_id"] = out["customer_id"].astype("string")
    return out


def value_by_tenure(transactions: pd.DataFrame | ibis.Table, *, reference_date: dt.date,
                    customers: pd.DataFrame | ibis.Table | None = None, gap_months: int = 12,
                    data_first: dt.date | None = None) -> pd.DataFrame:
    """Historic value: average net revenue and margin per customer in each year since the first purchase.

    Only new customers (see :mod:`toolkit.lifecycle`) count, since the data show their
    whole history; a customer counts in tenure year k when that year lies wholly
    before the reference date.

    Returns
    -------
    DataFrame
        One row per tenure year ``1, 2, …`` with at least one customer: ``customers``
        (with that year complete), ``revenue_per_customer``, ``margin_per_customer``
        (NaN without margin), ``cumulative_revenue``, ``cumulative_margin`` (average value
        to date after k years, euro).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 30.0, 20.0], "margin": [2.0, 6.0, 5.0],
    ...                    "date": pd.to_datetime(["2023-02-01", "2024-03-01", "2024-06-01"])})
    >>> v = value_by_tenure(tx, reference_date=dt.date(2025, 12, 31), data_first=dt.date(2022, 1, 1))
    >>> v[["tenure_year", "customers", "revenue_per_customer", "cumulative_revenue"]].values.tolist()
    [[1.0, 2.0, 15.0, 15.0], [2.0, 1.0, 30.0, 45.0]]
    """
    lines, master = as_tables(transactions, customers)
    data_first = data_first or data_first_date(lines)
    acq = acquisition(lines, master, data_first=data_first, reference_date=reference_date, gap_months=gap_months)
    new = acq.filter(acq.new_customer).select(cid="customer_id", first="first_purchase")
    max_years = max(1, math.ceil((reference_date - data_first).days / 365.25))
    after = ibis.date(reference_date + dt.timedelta(days=1))
    new = new.mutate(complete=sum(ibis.ifelse(plus_months(new.first, 12 * k) <= after, 1, 0)
                                  for k in range(1, max_years + 1)))
    counts = new.group_by("complete").aggregate(n=new.count()).to_pandas()
    j = lines.join(new, lines.customer_id == new.cid)
    year = 1 + sum(ibis.ifelse(j.date >= plus_months(j.first, 12 * k), 1, 0) for k in range(1, max_years + 1))
    j = j.mutate(tenure_year=year)
    j = j.filter(j.tenure_year <= j.complete)
    sums = j.group_by("tenure_year").aggregate(revenue=j.amount.sum().cast("float64"),
                                               margin=j.margin.sum().cast("float64")).to_pandas()
    years = range(1, max_years + 1)
    reached = pd.Series({k: counts.loc[counts["complete"] >= k, "n"].sum() for k in years}, dtype="float64")
    out = pd.DataFrame({"tenure_year": list(years), "customers": reached.to_numpy()})
    out = out.merge(sums, on="tenure_year", how="left")
    out = out[out["customers"] > 0].copy()
    out["revenue_per_customer"] = out["revenue"].fillna(0.0) / out["customers"]
    out["margin_per_customer"] = out["margin"] / out["customers"]
    out["cumulative_revenue"] = out["revenue_per_customer"].cumsum()
    out["cumulative_margin"] = out["margin_per_customer"].cumsum()
    out["customers"] = out["customers"].astype("int64")
    return out[["tenure_year", "customers", "revenue_per_customer", "margin_per_customer", "cumulative_revenue",
                "cumulative_margin"]].reset_index(drop=True)


def clv_by_segment(customers: pd.DataFrame, *, segment: str = "pyramid_layer") -> pd.DataFrame:
    """Per segment: customers with a prediction, their average p-alive, expected purchases and CLV, total CLV.

    Parameters
    ----------
    customers : DataFrame
        The customer table with ``p_alive``, ``expected_purchases_12m``, ``clv`` and the
        ``segment`` column.

    Returns
    -------
    DataFrame
        One row per segment value (categories in their order): ``segment``,
        ``customers`` (with a CLV), ``p_alive``, ``expected_purchases_12m``,
        ``clv_per_customer`` (means), ``clv`` (total, euro), ``clv_share`` (0-1).

    Examples
    --------
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small", "small"], "p_alive": [0.9, 0.5, 0.7],
    ...                   "expected_purchases_12m": [4.0, 1.0, 2.0], "clv": [300.0, 50.0, 50.0]})
    >>> clv_by_segment(c)[["segment", "customers", "clv_per_customer", "clv_share"]].values.tolist()
    [['top', 1, 300.0, 0.75], ['small', 2, 50.0, 0.25]]
    """
    _check_summary(customers, (segment, "p_alive", "expected_purchases_12m", "clv"), "clv_by_segment")
    known = customers[customers["clv"].notna()]
    categorical = isinstance(customers[segment].dtype, pd.CategoricalDtype)
    g = known.groupby(segment, sort=categorical, observed=False)
    out = pd.DataFrame({"customers": g.size(), "p_alive": g["p_alive"].mean(),
                        "expected_purchases_12m": g["expected_purchases_12m"].mean(),
                        "clv_per_customer": g["clv"].mean(), "clv": g["clv"].sum()})
    total = out["clv"].sum()
    out["clv_share"] = out["clv"] / total if total else np.nan
    out = out.rename_axis("segment").reset_index()
    out["segment"] = out["segment"].astype(object)
    out["customers"] = out["customers"].astype("int64")
    return out


def churn_risk_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """Per churn-risk band: customers, their period revenue, expected purchases and CLV.

    Returns
    -------
    DataFrame
        One row per band in :data:`RISK_BANDS` order: ``churn_risk``, ``customers``,
        ``share`` (of customers with a band, 0-1), ``revenue`` (period revenue, euro),
        ``expected_purchases_12m`` (total), ``clv`` (total, euro).

    Examples
    --------
    >>> c = pd.DataFrame({"churn_risk": ["low", "high", None], "revenue": [10.0, 5.0, 0.0],
    ...                   "expected_purchases_12m": [2.0, 0.1, None], "clv": [80.0, 3.0, None]})
    >>> churn_risk_summary(c)[["churn_risk", "customers", "clv"]].values.tolist()
    [['low', 1, 80.0], ['medium', 0, 0.0], ['high', 1, 3.0], ['one_time', 0, 0.0]]
    """
    _check_summary(customers, ("churn_risk", "revenue", "expected_purchases_12m", "clv"), "churn_risk_summary")
    band = pd.Categorical(customers["churn_risk"], categories=RISK_BANDS)
    g = customers.groupby(band, observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(),
                        "expected_purchases_12m": g["expected_purchases_12m"].sum(), "clv": g["clv"].sum()})
    n = out["customers"].sum()
    out["share"] = out["customers"] / n if n else np.nan
    out = out.rename_axis("churn_risk").reset_index()
    out["churn_risk"] = out["churn_risk"].astype(object)
    out["customers"] = out["customers"].astype("int64")
    return out[["churn_risk", "customers", "share", "revenue", "expected_purchases_12m", "clv"]]



#: Columns :func:`customer_predictions` adds per customer (``customers.csv``).
PREDICTION_COLUMNS = ("p_alive", "churn_probability", "churn_risk", "expected_purchases_12m", "expected_spend", "clv")


def customer_predictions(summary: pd.DataFrame, bgnbd: BGNBDFit | None, gamma_gamma: GammaGammaFit | None, *,
                         horizon_months: int = 36, discount_rate: float = 0.10, margin_rate: float = 1.0,
                         risk_thresholds: tuple[float, float] = (0.3, 0.7)) -> pd.DataFrame:
    """Every prediction per customer, from a weekly summary and the fitted models (None: not available).

    Returns
    -------
    DataFrame
        ``customer_id`` and :data:`PREDICTION_COLUMNS`: ``p_alive`` (0-1; 1 for one-time
        buyers by the model's assumption), ``churn_probability`` (1 - p_alive for repeat
        buyers, NaN for one-time buyers), ``churn_risk`` (:func:`churn_risk`),
        ``expected_purchases_12m`` (purchase occasions in the next 12 months),
        ``expected_spend`` (euro per occasion), ``clv`` (euro over ``horizon_months``).
        Columns of a missing model are NaN.

    Examples
    --------
    >>> f = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, True, 0, 0, "")
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "frequency": [2.0, 0.0], "recency": [30.43, 0.0],
    ...                   "T": [38.86, 38.86], "monetary_value": [22.35, 0.0]})
    >>> customer_predictions(s, f, None)[["churn_risk", "expected_spend"]].values.tolist()
    [['low', nan], ['one_time', nan]]
    """
    _check_summary(summary, ("customer_id", *SUMMARY_COLUMNS[1:]), "customer_predictions")
    n = len(summary)
    out = pd.DataFrame({"customer_id": summary["customer_id"].astype("string").to_numpy()})
    nothing = np.full(n, np.nan)
    frequency = summary["frequency"].to_numpy(dtype=float)
    if bgnbd is not None:
        alive = p_alive(bgnbd, summary)
        out["p_alive"] = alive
        out["churn_probability"] = np.where(frequency > 0, 1 - alive, np.nan)
        out["churn_risk"] = churn_risk(alive, frequency, thresholds=risk_thresholds)
        out["expected_purchases_12m"] = expected_purchases(bgnbd, summary, horizon=DAYS_PER_UNIT["M"] * 12 / 7)
    else:
        out["p_alive"] = out["churn_probability"] = out["expected_purchases_12m"] = nothing
        out["churn_risk"] = None
    out["expected_spend"] = expected_spend(gamma_gamma, summary) if gamma_gamma is not None else nothing
    if bgnbd is not None and gamma_gamma is not None:
        out["clv"] = customer_lifetime_value(bgnbd, gamma_gamma, summary, horizon_months=horizon_months,
                                             discount_rate=discount_rate, margin_rate=margin_rate, time_unit="W")
    else:
        out["clv"] = nothing
    return out[["customer_id", *PREDICTION_COLUMNS]]


def fit_status(summary: pd.DataFrame, *, repeat_only: bool = False) -> str | None:
    """``"too_few"`` when the summary is too small to fit a model on (see :data:`MIN_CUSTOMERS`), else None.

    Examples
    --------
    >>> fit_status(pd.DataFrame({"frequency": [0, 1], "monetary_value": [0, 5]}))
    'too_few'
    """
    repeat = int(((summary["frequency"] > 0) & (summary["monetary_value"] > 0)).sum()) if repeat_only \
        else int((summary["frequency"] > 0).sum())
    if (not repeat_only and len(summary) < MIN_CUSTOMERS) or repeat < MIN_REPEAT_BUYERS:
        return "too_few"
    return None


def parameters_row(fit: BGNBDFit | GammaGammaFit | None, *, model: str, stage: str, status: str) -> dict:
    """One row of the run's parameter table: model, stage, status and every parameter (NaN when absent)."""
    row = {"model": model, "stage": stage, "status": status}
    for name in ("r", "alpha", "a", "b", "p", "q", "gamma", "loglik"):
        row[name] = float(getattr(fit, name)) if fit is not None and hasattr(fit, name) else np.nan
    row["n_customers"] = fit.n_customers if fit is not None else 0
    row["iterations"] = fit.iterations if fit is not None else 0
    return row
