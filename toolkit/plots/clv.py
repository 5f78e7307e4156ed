"""Charts of the customer-lifetime-value chapter.

:func:`plot_holdout` is the standard validation chart of the BG/NBD papers: mean
purchases in the holdout period per number of repeat purchases in the calibration
period, actual against predicted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from toolkit.i18n import fmt_int, fmt_number, t
from toolkit.plots.core import PAGE_WIDTH_IN, PALETTE, PRIMARY, TEXT, new_axes


def plot_holdout(holdout: pd.DataFrame, *, lang: str = "nl", ax: Axes | None = None) -> Axes:
    """Actual and predicted mean purchases in the holdout period per calibration frequency.

    Parameters
    ----------
    holdout : DataFrame
        Output of :func:`toolkit.clv.holdout_comparison` (the last group means "or more").

    Returns
    -------
    Axes

    Examples
    --------
    >>> h = pd.DataFrame({"frequency": [0, 1, 2], "customers": [10, 5, 2], "actual": [0.2, 0.8, 1.5],
    ...                   "predicted": [0.25, 0.7, 1.6]})
    >>> ax = plot_holdout(h, lang="en")
    """
    ax = new_axes(ax, (PAGE_WIDTH_IN, 2.8))
    shown = holdout[holdout["customers"] > 0]
    x = shown["frequency"].to_numpy(dtype=int)
    last = int(holdout["frequency"].max())
    labels = [f"{v}+" if v == last else str(v) for v in x]
    ax.plot(range(len(x)), shown["actual"].to_numpy(dtype=float), color=PRIMARY, marker="o", lw=1.8, ms=5,
            label=t("clv.legend_actual", lang))
    ax.plot(range(len(x)), shown["predicted"].to_numpy(dtype=float), color=PALETTE[1], marker="s", lw=1.4, ms=4,
            ls="--", label=t("clv.legend_predicted", lang))
    for i, n in enumerate(shown["customers"]):
        ax.text(i, 0, fmt_int(n, lang), ha="center", va="bottom", fontsize=6.5, color="#616E7C",
                transform=ax.get_xaxis_transform())
    ax.set_xticks(range(len(x)))
    ax.set_xticklabels(labels, fontsize=7.5)
    top = float(np.nanmax(shown[["actual", "predicted"]].to_numpy(dtype=float))) if len(shown) else 1.0
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, lang, 1)))
    ax.set_xlabel(t("clv.axis_frequency", lang))
    ax.set_ylabel(t("clv.axis_holdout", lang))
    ax.grid(True, color="#E4E7EB", lw=0.5)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", fontsize=7.5)
    ax.tick_params(colors=TEXT)
    return ax
