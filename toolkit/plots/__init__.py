"""Charts for the report: each takes a computed frame and returns a matplotlib Axes.

One module per concern (:mod:`toolkit.plots.core` holds the style and the pyramid,
Pareto and monthly charts); the common names are re-exported here.
"""

from __future__ import annotations

from toolkit.plots.core import (
    LAYER_COLORS,
    MUTED,
    PAGE_WIDTH_IN,
    PALETTE,
    PRIMARY,
    RC,
    TEXT,
    new_axes,
    pct_axis,
    plot_monthly_revenue,
    plot_pareto,
    plot_pyramid,
    text_color,
)

__all__ = [
    "LAYER_COLORS", "MUTED", "PAGE_WIDTH_IN", "PALETTE", "PRIMARY", "RC", "TEXT", "new_axes", "pct_axis",
    "plot_monthly_revenue", "plot_pareto", "plot_pyramid", "text_color",
]
