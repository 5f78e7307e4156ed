"""Report style and the spine's charts: customer pyramid, Pareto curve, revenue per month.

Plots never read transactions, never call ``show()`` or ``savefig()``; the report
(or the analyst) decides how to display them. Colours come from :data:`PALETTE`
and :data:`LAYER_COLORS`: a sequential blue ramp that stays ordered for colour-blind
readers and in greyscale print.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

import matplotlib

# Headless for scripts and the report; in a Jupyter kernel keep its inline backend so an analyst
# sees the charts (report chapters close every figure after turning it into SVG).
if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_month, fmt_number, fmt_pct, t
from toolkit.params import DEFAULT_PYRAMID_SHARES
from toolkit.segments import BUYING_LAYERS

#: Okabe-Ito colour-blind-safe palette, for categories without an order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PRIMARY = "#0B4F8A"
MUTED = "#9AA5B1"
TEXT = "#1F2933"
#: Layer colours: dark (top) to light (small), then greys for inactive and prospects.
LAYER_COLORS: dict[str, str] = {
    "top": "#08306B", "large": "#1D5A9E", "medium_large": "#3A84C1", "medium_small": "#78AED8",
    "small": "#B8D4EA", "inactive": "#B5B9BE", "prospect": "#DDE1E5",
}

#: A4 content width in inches (210 mm minus margins), so charts print at 100 %.
PAGE_WIDTH_IN = 6.7

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "axes.edgecolor": "#CBD2D9",
    "axes.labelcolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "text.color": TEXT,
    "legend.frameon": False,
    "svg.hashsalt": "klantpiramide",
    "svg.fonttype": "path",
}


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """The given Axes, or a new figure of ``size`` inches in the report style."""
    if ax is not None:
        return ax
    with plt.rc_context(RC):
        _fig, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def text_color(hex_color: str) -> str:
    """White or dark text, whichever reads better on ``hex_color``."""
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else TEXT


def plot_pyramid(layers: pd.DataFrame, *, lang: str = "nl", shares: Mapping[str, float] | None = None,
                 ax: Axes | None = None) -> Axes:
    """Draw the customer pyramid: five buying layers as a pyramid, inactive and prospects below.

    Parameters
    ----------
    layers : DataFrame
        Output of :func:`toolkit.segments.pyramid_summary`.
    lang : {"nl", "en"}
    shares : mapping, optional
        Layer shares (%) for the labels; default 1/4/15/30/50.
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> from toolkit.segments import pyramid_summary
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small", "inactive"], "revenue": [80.0, 20.0, 0.0]})
    >>> ax = plot_pyramid(pyramid_summary(c), lang="en")
    """
    shares = shares or DEFAULT_PYRAMID_SHARES
    ax = new_axes(ax, (PAGE_WIDTH_IN, 4.3))
    rows = layers.set_index("layer")
    n_layers = len(BUYING_LAYERS)
    apex, half_base = n_layers + 0.55, 1.0

    def half_width(y: float) -> float:
        return half_base * (apex - y) / apex

    for i, name in enumerate(reversed(BUYING_LAYERS)):
        y0, y1 = i + 0.04, i + 0.96
        poly = [(-half_width(y0), y0), (half_width(y0), y0), (half_width(y1), y1), (-half_width(y1), y1)]
        color = LAYER_COLORS[name]
        ax.add_patch(Polygon(poly, closed=True, facecolor=color, edgecolor="white", linewidth=1))
        share = fmt_number(shares[name], lang, 0 if float(shares[name]).is_integer() else 1) + "%"
        ax.text(0, (y0 + y1) / 2, f"{t('layer.' + name, lang)}\n{share}", ha="center", va="center",
                fontsize=8 if name == "top" else 9, fontweight="bold", color=text_color(color), linespacing=1.1)
        r = rows.loc[name]
        label = t("pyramid.label", lang, n=fmt_int(r["customers"], lang), share=fmt_pct(r["revenue_share"], lang))
        ax.plot([half_width((y0 + y1) / 2) + 0.03, 1.12], [(y0 + y1) / 2] * 2, color="#CBD2D9", lw=0.8)
        ax.text(1.15, (y0 + y1) / 2, label, ha="left", va="center", fontsize=8.5)
    for j, name in enumerate(("inactive", "prospect")):
        y0 = -0.9 - j * 0.85
        color = LAYER_COLORS[name]
        ax.add_patch(Rectangle((-half_base, y0), 2 * half_base, 0.72, facecolor=color, edgecolor="white"))
        ax.text(0, y0 + 0.36, t("layer." + name, lang), ha="center", va="center", fontsize=9, fontweight="bold",
                color=text_color(color))
        n = rows.loc[name, "customers"]
        label = t("pyramid.label_base", lang, n=fmt_int(n, lang))
        if name == "inactive" and rows.loc[name, "revenue"] != 0:
            label = t("pyramid.label", lang, n=fmt_int(n, lang), share=fmt_pct(rows.loc[name, "revenue_share"], lang))
        ax.plot([half_base + 0.03, 1.12], [y0 + 0.36] * 2, color="#CBD2D9", lw=0.8)
        ax.text(1.15, y0 + 0.36, label, ha="left", va="center", fontsize=8.5)
    ax.set_xlim(-1.05, 2.35)
    ax.set_ylim(-1.8, apex - 0.3)
    ax.set_aspect("auto")
    ax.axis("off")
    return ax


def pct_axis(lang: str) -> FuncFormatter:
    """Axis formatter for shares (0-1) as whole percentages in the report language."""
    return FuncFormatter(lambda v, _: fmt_number(100 * v, lang, 0) + "%")


def plot_pareto(curve: pd.DataFrame, *, lang: str = "nl", thresholds: Sequence[float] = (80, 95),
                ax: Axes | None = None) -> Axes:
    """Draw the Pareto (concentration) curve with the top-20 % point and ABC bands.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`toolkit.segments.pareto_curve` (``customer_share, value_share``).
    lang : {"nl", "en"}
    thresholds : (float, float)
        ABC cut-offs in % of revenue, shaded as bands.
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_pareto(pd.DataFrame({"customer_share": [0, .2, 1], "value_share": [0, .75, 1]}))
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 3.4))
    a, b = thresholds[0] / 100, thresholds[1] / 100
    for lo, hi, label, alpha in ((0, a, "A", 0.10), (a, b, "B", 0.06), (b, 1, "C", 0.03)):
        ax.axhspan(lo, hi, color=PRIMARY, alpha=alpha, lw=0)
        ax.text(1.01, (lo + hi) / 2, label, transform=ax.get_yaxis_transform(), va="center", fontsize=8,
                color=PRIMARY, fontweight="bold")
    ax.plot([0, 1], [0, 1], ls="--", lw=0.8, color=MUTED, label=t("pyramid.equal_line", lang))
    x, y = curve["customer_share"].to_numpy(), curve["value_share"].to_numpy()
    ax.plot(x, y, color=PRIMARY, lw=2)
    y20 = float(np.interp(0.2, x, y))
    ax.plot([0.2, 0.2], [0, y20], color=TEXT, lw=0.8, ls=":")
    ax.plot([0, 0.2], [y20, y20], color=TEXT, lw=0.8, ls=":")
    ax.scatter([0.2], [y20], color=PRIMARY, zorder=3, s=18)
    ax.annotate(t("pyramid.top20_marker", lang, share=fmt_pct(y20, lang, 0)), (0.2, y20), xytext=(0.27, y20 - 0.2),
                fontsize=8.5, arrowprops={"arrowstyle": "-", "color": TEXT, "lw": 0.6})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.0)
    ax.xaxis.set_major_formatter(pct_axis(lang))
    ax.yaxis.set_major_formatter(pct_axis(lang))
    ax.set_xlabel(t("pyramid.axis_customers", lang))
    ax.set_ylabel(t("pyramid.axis_revenue", lang))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, color="#E4E7EB", lw=0.5)
    return ax


def plot_monthly_revenue(monthly: pd.DataFrame, *, lang: str = "nl", period_start=None, period_end=None,
                         ax: Axes | None = None) -> Axes:
    """Bar chart of net revenue per month, the analysis period highlighted.

    Parameters
    ----------
    monthly : DataFrame
        ``month`` (first day of the month, date) and ``revenue`` (euro).
    period_start, period_end : date, optional
        Months after ``period_start`` up to ``period_end`` are drawn in the primary colour.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import datetime as dt
    >>> m = pd.DataFrame({"month": [dt.date(2025, 1, 1), dt.date(2025, 2, 1)], "revenue": [10.0, 12.0]})
    >>> ax = plot_monthly_revenue(m)
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.4))
    months = pd.to_datetime(monthly["month"])
    rev = monthly["revenue"].astype(float).to_numpy()
    inside = np.ones(len(months), dtype=bool)
    if period_start is not None:
        inside &= months > pd.Timestamp(period_start) - pd.offsets.MonthBegin(1)
    if period_end is not None:
        inside &= months <= pd.Timestamp(period_end)
    colors = np.where(inside, PRIMARY, MUTED)
    x = np.arange(len(months))
    ax.bar(x, rev / 1000, color=colors, width=0.85)
    # Fewer labels for longer histories: quarters, half years, then years.
    label_months = (1, 4, 7, 10) if len(months) <= 18 else (1, 7) if len(months) <= 48 else (1,)
    ticks = [i for i, m in enumerate(months) if m.month in label_months]
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt_month(months.iloc[i].date(), lang) for i in ticks], fontsize=7.5)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(v, lang)))
    ax.set_ylabel(t("col.revenue", lang) + (" (× € 1.000)" if lang == "nl" else " (× €1,000)"))
    ax.set_xlim(-0.6, len(months) - 0.4)
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    return ax
