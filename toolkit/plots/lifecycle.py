"""Charts of the churn-and-acquisition and cohort chapters.

Each function takes a frame computed by :mod:`toolkit.lifecycle` and returns the Axes it
drew on; none reads transactions or calls ``show()``/``savefig()``. Colours come from
the Okabe-Ito palette of :mod:`toolkit.plots.core` (colour-blind safe); the cohort heat
maps use a sequential blue ramp that also reads in greyscale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import FuncFormatter, MaxNLocator

from toolkit.i18n import fmt_int, fmt_number, t
from toolkit.lifecycle import OTHER_CHANNEL, UNKNOWN_CHANNEL
from toolkit.plots.core import MUTED, PAGE_WIDTH_IN, PALETTE, RC, TEXT, new_axes, text_color
from toolkit.views.lifecycle import channel_label, period_label

#: Colours of the flows: won (blue, light blue) and lost (vermilion), from the Okabe-Ito palette.
NEW_COLOR, BACK_COLOR, LOST_COLOR = PALETTE[0], PALETTE[4], PALETTE[5]
#: Sequential blues for heat maps (light = low).
HEAT = LinearSegmentedColormap.from_list("kp_blues", ["#F4F8FC", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B"])


def _thousands(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _: fmt_int(v, lang))


def plot_churn_flow(flow: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Customers won (new, back) above and lost below the axis per period; active customers in a panel above.

    Two panels on one period axis, each with its own zero: a line of active customers on a
    second y axis of the bar chart either had a zero of its own (misleading) or ran through
    the bars' figures.

    Parameters
    ----------
    flow : DataFrame
        Output of :func:`toolkit.lifecycle.churn_by_period`.
    lang : {"nl", "en"}
    ax : Axes, optional
        Its place in the figure is split into the two panels.

    Returns
    -------
    Axes
        The bar axes; the panel of active customers shares its x axis.

    Examples
    --------
    >>> import datetime as dt
    >>> f = pd.DataFrame({"period_start": [dt.date(2025, 1, 1)], "period_end": [dt.date(2025, 12, 31)],
    ...                   "new": [10], "reactivated": [3], "lost": [6], "customers_end": [40]})
    >>> ax = plot_churn_flow(f, lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 3.9))
    fig, place = ax.figure, ax.get_subplotspec()
    ax.remove()
    with plt.rc_context(RC):
        grid = place.subgridspec(2, 1, height_ratios=[1.0, 2.6])
        ax = fig.add_subplot(grid[1])
        active = fig.add_subplot(grid[0], sharex=ax)
    x = np.arange(len(flow))
    new, back, lost = (flow[c].to_numpy(dtype=float) for c in ("new", "reactivated", "lost"))
    width = 0.55
    ax.bar(x, new, width, color=NEW_COLOR, label=t("lifecycle.legend_new", lang))
    ax.bar(x, back, width, bottom=new, color=BACK_COLOR, label=t("lifecycle.legend_back", lang))
    ax.bar(x, -lost, width, color=LOST_COLOR, label=t("lifecycle.legend_lost", lang))
    small = len(flow) <= 8
    for xi, up, down in zip(x, new + back, lost, strict=True):
        if small and up:
            ax.text(xi, up, "+" + fmt_int(up, lang), ha="center", va="bottom", fontsize=7.5, color=TEXT)
        if small and down:  # none for a zero bar (the first period loses nobody)
            ax.text(xi, -down, "−" + fmt_int(down, lang), ha="center", va="top", fontsize=7.5, color=TEXT)
    ax.axhline(0, color=TEXT, lw=0.6)
    top = max(float((new + back).max()), float(lost.max()), 1.0) * 1.25
    ax.set_ylim(-top, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_int(abs(v), lang)))
    ax.set_ylabel(t("lifecycle.axis_flow", lang))
    labels = [period_label(s, e, lang) for s, e in zip(flow["period_start"], flow["period_end"], strict=True)]
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=7.5, rotation=0 if len(flow) <= 8 else 45,
                       ha="center" if len(flow) <= 8 else "right")
    ax.set_xlim(-0.6, len(flow) - 0.4)
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)

    customers = flow["customers_end"].to_numpy(dtype=float)
    active.plot(x, customers, color=TEXT, marker="o", lw=1.4, ms=4, label=t("lifecycle.legend_active", lang))
    if small:
        for xi, n in zip(x, customers, strict=True):
            active.annotate(fmt_int(n, lang), (xi, n), xytext=(0, 4), textcoords="offset points", ha="center",
                            va="bottom", fontsize=7.5, color=TEXT)
    active.set_ylim(0, float(customers.max()) * 1.3 or 1.0)  # from zero: the level itself is the message
    active.yaxis.set_major_locator(MaxNLocator(nbins=3))
    active.yaxis.set_major_formatter(_thousands(lang))
    # A title, not a y label: the low panel cuts a label of this length (as "Active customer").
    active.set_title(t("lifecycle.axis_active", lang), loc="left", fontsize=8, color=TEXT)
    active.tick_params(axis="x", labelbottom=False, length=0)
    active.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    active.set_axisbelow(True)
    handles = ax.get_legend_handles_labels()[0] + active.get_legend_handles_labels()[0]
    names = ax.get_legend_handles_labels()[1] + active.get_legend_handles_labels()[1]
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.14 if small else -0.3), ncol=4,
              fontsize=7.5)
    return ax


def channel_colors(channels: list[str]) -> dict[str, str]:
    """A colour per channel: the palette in order, muted grey for grouped and light grey for unknown ones."""
    named = [c for c in channels if c not in (OTHER_CHANNEL, UNKNOWN_CHANNEL)]
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(named)}
    colors[OTHER_CHANNEL] = MUTED
    colors[UNKNOWN_CHANNEL] = "#D9DDE1"
    return colors


def plot_new_by_channel(acquisitions: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Stacked bars: new customers per period by acquisition channel.

    Parameters
    ----------
    acquisitions : DataFrame
        Output of :func:`toolkit.lifecycle.group_channels` (a few named channels).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import datetime as dt
    >>> a = pd.DataFrame({"period_start": [dt.date(2025, 1, 1)] * 2, "period_end": [dt.date(2025, 12, 31)] * 2,
    ...                   "channel": ["web", "(unknown)"], "new_customers": [8, 2]})
    >>> ax = plot_new_by_channel(a, lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.9))
    pivot = acquisitions.pivot_table(index=["period_start", "period_end"], columns="channel",
                                     values="new_customers", aggfunc="sum", sort=False).fillna(0)
    order = list(dict.fromkeys(acquisitions["channel"]))
    pivot = pivot[[c for c in order if c in pivot.columns]]
    colors = channel_colors(list(pivot.columns))
    x = np.arange(len(pivot))
    bottom = np.zeros(len(pivot))
    for channel in pivot.columns:
        values = pivot[channel].to_numpy(dtype=float)
        ax.bar(x, values, 0.6, bottom=bottom, color=colors[channel], label=channel_label(channel, lang),
               edgecolor="white", linewidth=0.4)
        bottom += values
    if len(pivot) <= 8:
        for xi, total in zip(x, bottom, strict=True):
            ax.text(xi, total, fmt_int(total, lang), ha="center", va="bottom", fontsize=7.5, color=TEXT)
    labels = [period_label(s, e, lang) for s, e in pivot.index]
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=7.5, rotation=0 if len(pivot) <= 8 else 45,
                       ha="center" if len(pivot) <= 8 else "right")
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.12)
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.set_ylabel(t("lifecycle.axis_new", lang))
    ax.grid(True, axis="y", color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5, reverse=True)
    return ax


def plot_cohort_heatmap(cohorts: pd.DataFrame, *, lang: str = "nl", value: str = "customer_retention",
                        unit: str = "quarter", ax: Axes | None = None) -> Axes:
    """Heat map of acquisition cohorts (rows, oldest on top) by periods since the first purchase (columns).

    Cells hold the percentage when they are large enough to read at A4 (up to about 26
    columns); the first column (100 % by definition for customers) is left out of the
    colour scale so the differences between later periods show. Up to about 60 cohorts
    stay readable: the row labels thin out as the rows get lower.

    Parameters
    ----------
    cohorts : DataFrame
        Output of :func:`toolkit.lifecycle.cohort_retention`.
    value : {"customer_retention", "revenue_retention"}
    unit : {"year", "quarter", "month"}
        The cohort period, for the axis title.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import datetime as dt
    >>> c = pd.DataFrame({"cohort_start": [dt.date(2025, 1, 1)] * 2, "cohort_end": [dt.date(2025, 3, 31)] * 2,
    ...                   "age": [0, 1], "customer_retention": [1.0, 0.4]})
    >>> ax = plot_cohort_heatmap(c, lang="en")
    """
    grid = cohorts.pivot_table(index=["cohort_start", "cohort_end"], columns="age", values=value, aggfunc="first")
    grid = grid.sort_index()
    n_rows, n_cols = grid.shape
    height = min(9.0, 0.9 + max(n_rows, 3) * (0.24 if n_rows <= 20 else 0.15 if n_rows <= 40 else 0.12))
    if ax is None:
        with plt.rc_context(RC):
            _fig, ax = plt.subplots(figsize=(PAGE_WIDTH_IN, height), layout="constrained")
    values = grid.to_numpy(dtype=float)
    later = values[:, 1:] if n_cols > 1 else values
    finite = later[np.isfinite(later)]
    vmax = float(np.quantile(finite, 0.98)) if finite.size else 1.0
    vmax = max(vmax, 0.05)
    masked = np.ma.masked_invalid(values)
    mesh = ax.pcolormesh(np.arange(n_cols + 1) - 0.5, np.arange(n_rows + 1) - 0.5, masked, cmap=HEAT, vmin=0,
                         vmax=vmax, edgecolors="white", linewidth=0.4 if n_cols <= 30 else 0)
    ax.set_ylim(n_rows - 0.5, -0.5)
    if n_cols <= 26 and n_rows <= 40:
        size = 7.0 if n_cols <= 12 else 6.0 if n_cols <= 18 else 5.0
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                color = text_color(_hex(HEAT(min(v / vmax, 1.0))))
                ax.text(j, i, fmt_number(100 * v, lang, 0), ha="center", va="center", fontsize=size, color=color)
    labels = [period_label(s, e, lang) for s, e in grid.index]
    step = 1 if n_rows <= 24 else 2 if n_rows <= 48 else 3
    ax.set_yticks(range(0, n_rows, step))
    ax.set_yticklabels(labels[::step], fontsize=7 if n_rows <= 24 else 6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(n_cols, 24)))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_xlabel(t(f"cohort.axis_age.{unit}", lang))
    ax.set_ylabel(t("cohort.axis_cohort", lang))
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    bar = ax.figure.colorbar(mesh, ax=ax, fraction=0.035, pad=0.015, extend="max")
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(100 * v, lang, 0) + "%"))
    bar.ax.tick_params(labelsize=7)
    bar.outline.set_visible(False)
    bar.set_label(t(f"cohort.legend.{value}", lang), fontsize=7.5)
    return ax


def _hex(rgba: tuple[float, float, float, float]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(round(255 * c) for c in rgba[:3]))

