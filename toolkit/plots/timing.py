"""Charts of the purchase-timing chapter: revenue and orders by month and weekday, inter-purchase times.

Each function takes a frame computed by :mod:`toolkit.timing` and returns its Axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import MONTHS_SHORT, fmt_int, fmt_number, t
from toolkit.plots.core import PAGE_WIDTH_IN, PALETTE, PRIMARY, TEXT, new_axes, pct_axis

ORDERS_COLOR = PALETTE[1]  # Okabe-Ito orange: the second series, apart from the blue bars


def _index_chart(ax: Axes, labels: Sequence[str], revenue: np.ndarray, orders: np.ndarray, lang: str) -> Axes:
    """Bars of the revenue index with the orders index as markers, 1 = average, highlighting the peak."""
    x = np.arange(len(labels))
    peak = int(np.argmax(revenue))
    colors = [PRIMARY if i == peak else "#78AED8" for i in x]
    ax.bar(x, revenue, 0.7, color=colors, label=t("timing.legend_revenue", lang))
    ax.plot(x, orders, ls="none", marker="D", ms=4.5, color=ORDERS_COLOR, label=t("timing.legend_orders", lang))
    ax.axhline(1.0, color=TEXT, lw=0.7, ls="--")
    ax.text(-0.55, 1.0, t("timing.average", lang), fontsize=7, va="bottom", ha="left", color=TEXT)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=7.5)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    top = float(np.nanmax(np.concatenate([revenue, orders]))) if len(revenue) else 1.0
    ax.set_ylim(0, max(top * 1.15, 1.2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang, 1) + "×"))
    ax.set_ylabel(t("timing.axis_index", lang))
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="upper right", fontsize=7.5, ncol=2)
    return ax


def plot_seasonality_month(months: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Revenue (bars) and orders (markers) per calendar month against the average month.

    Parameters
    ----------
    months : DataFrame
        Output of :func:`toolkit.timing.seasonality_by_month`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> m = pd.DataFrame({"month": range(1, 13), "revenue_index": [1.0] * 12, "orders_index": [1.0] * 12})
    >>> ax = plot_seasonality_month(m, lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.5))
    labels = [MONTHS_SHORT[lang][m - 1] for m in months["month"].astype(int)]
    return _index_chart(ax, labels, months["revenue_index"].to_numpy(dtype=float),
                        months["orders_index"].to_numpy(dtype=float), lang)


def plot_seasonality_weekday(weekdays: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Revenue (bars) and orders (markers) per weekday, per occurrence of the day, against the average day.

    Parameters
    ----------
    weekdays : DataFrame
        Output of :func:`toolkit.timing.seasonality_by_weekday`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> w = pd.DataFrame({"weekday": range(7), "revenue_index": [1.0] * 7, "orders_index": [1.0] * 7})
    >>> ax = plot_seasonality_weekday(w, lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.2))
    labels = [t(f"timing.weekday.{d}", lang) for d in weekdays["weekday"].astype(int)]
    return _index_chart(ax, labels, weekdays["revenue_index"].to_numpy(dtype=float),
                        weekdays["orders_index"].to_numpy(dtype=float), lang)


def plot_interval_distribution(distribution: pd.DataFrame, *, labels: Sequence[str], lang: str = "nl",
                               ax: Axes | None = None) -> Axes:
    """Bars: share of customers by their usual time between purchases.

    Parameters
    ----------
    distribution : DataFrame
        Output of :func:`toolkit.timing.interval_distribution`.
    labels : sequence of str
        One label per bin.

    Returns
    -------
    Axes

    Examples
    --------
    >>> d = pd.DataFrame({"customers": [3, 5], "share": [0.375, 0.625]})
    >>> ax = plot_interval_distribution(d, labels=["< 1 mnd", "1-2 mnd"])
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.5))
    x = np.arange(len(distribution))
    share = distribution["share"].to_numpy(dtype=float)
    ax.bar(x, share, 0.75, color=PRIMARY)
    for xi, s, n in zip(x, share, distribution["customers"], strict=True):
        ax.text(xi, s, fmt_int(n, lang), ha="center", va="bottom", fontsize=7, color=TEXT)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=7, rotation=30, ha="right")
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, max(float(np.nanmax(share)) if len(share) else 0.0, 0.01) * 1.15)
    ax.yaxis.set_major_formatter(pct_axis(lang))
    ax.set_ylabel(t("timing.axis_customers", lang))
    ax.set_xlabel(t("timing.axis_interval", lang))
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    return ax
