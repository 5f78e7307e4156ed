"""Charts of the profitability chapter: the whale curve."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_pct, t
from toolkit.plots.core import MUTED, PAGE_WIDTH_IN, PRIMARY, TEXT, new_axes, pct_axis

#: Okabe-Ito vermillion: the part of the curve where customers destroy profit.
LOSS = "#D55E00"


def plot_whale_curve(curve: pd.DataFrame, summary: Mapping[str, float], *, lang: str = "nl",
                     ax: Axes | None = None) -> Axes:
    """Draw the whale curve: cumulative profit (% of total) against the share of customers.

    When total profit is not positive the vertical axis shows euros instead.

    Parameters
    ----------
    curve : DataFrame
        :func:`toolkit.profit.whale_curve` output.
    summary : mapping
        :func:`toolkit.profit.whale_summary` output.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from toolkit.profit import whale_curve, whale_summary
    >>> c = pd.DataFrame({"customer_id": list("abc"), "revenue": [1.0] * 3, "profit": [80.0, 40.0, -20.0]})
    >>> ax = plot_whale_curve(whale_curve(c), whale_summary(c), lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.9))
    x = curve["customer_share"].to_numpy(float)
    as_share = summary["total_profit"] > 0
    y = curve["cum_share"].to_numpy(float) if as_share else curve["cum_profit"].to_numpy(float) / 1000
    peak_i = int(np.argmax(y)) if len(y) else 0
    ax.plot(x[:peak_i + 1], y[:peak_i + 1], color=PRIMARY, lw=2)
    ax.plot(x[peak_i:], y[peak_i:], color=LOSS, lw=2)
    ax.fill_between(x[peak_i:], y[peak_i:], y[peak_i], color=LOSS, alpha=0.12, lw=0)
    if as_share:
        ax.axhline(1.0, color=MUTED, lw=0.8, ls="--")
        ax.text(0.01, 1.0, t("profit.total_marker", lang), va="bottom", fontsize=8, color=MUTED,
                transform=ax.get_yaxis_transform())
        ax.yaxis.set_major_formatter(pct_axis(lang))
        ax.set_ylabel(t("profit.axis_profit", lang))
        label = t("profit.peak_marker", lang, share=fmt_pct(summary["peak_share"], lang, 0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang)))
        ax.set_ylabel(t("profit.axis_profit_eur", lang))
        label = t("profit.peak_marker", lang, share=fmt_int(summary["peak_profit"], lang))
    if len(y):
        ax.scatter([x[peak_i]], [y[peak_i]], color=TEXT, s=18, zorder=3)
        ax.annotate(label, (x[peak_i], y[peak_i]), xytext=(0, 8), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8.5)
    top = max(float(np.nanmax(y)) if len(y) else 1.0, 1.0 if as_share else 0.0)
    bottom = min(float(np.nanmin(y)) if len(y) else 0.0, 0.0)
    ax.set_ylim(bottom, top * 1.12 if top > 0 else 1)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(pct_axis(lang))
    ax.set_xlabel(t("profit.axis_customers", lang))
    ax.grid(True, color="#E4E7EB", lw=0.5)
    if not math.isfinite(top):
        ax.set_ylim(0, 1)
    return ax
