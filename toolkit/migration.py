"""Movement through the pyramid between two periods, and the upgrade scenario.

A customer's *state* in a period is its pyramid layer when it bought (positive net
revenue) in that period, ``inactive`` when it bought before but not in it, and, for the
earlier period only, ``new`` when it had not bought at all yet. Both periods are ranked
into layers the same way as the pyramid (:func:`toolkit.segments.pyramid_layers`: same
shares, same basis, ties by customer id), each on its own revenue (or margin, profit).

Flows: ``stayed`` (same layer), ``up``, ``down``, ``lost`` (bought, then inactive),
``new`` (first purchases in the later period), ``reactivated`` (inactive, then bought)
and ``still_inactive``.

References
----------
Curry, J. & Curry, A. (2000). *The Customer Marketing Method*. Free Press (customer
migration; "develop 2 % of existing customers one layer up").
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping

import ibis
import numpy as np
import pandas as pd

from toolkit.columns import as_categories
from toolkit.segments import BUYING_LAYERS, LAYERS, _require, id_order, pyramid_layers

#: States in the earlier period, top first; ``new`` = not a customer yet.
EARLIER_STATES: tuple[str, ...] = (*BUYING_LAYERS, "inactive", "new")
#: States in the later period.
LATER_STATES: tuple[str, ...] = (*BUYING_LAYERS, "inactive")
#: Flow types in report order.
FLOWS: tuple[str, ...] = ("stayed", "up", "down", "new", "reactivated", "lost", "still_inactive")


def window_values_expr(lines: ibis.Table, *, earlier: tuple[dt.date, dt.date], later: tuple[dt.date, dt.date],
                       has_margin: bool) -> ibis.Table:
    """Ibis expression: per customer with a line up to the later period's end, its values in both periods.

    Parameters
    ----------
    lines : ibis.Table
        Usable transaction lines with canonical columns.
    earlier, later : (date, date)
        Windows ``(start, end]``: start exclusive, end inclusive.
    has_margin : bool

    Returns
    -------
    ibis.Table
        ``customer_id``, ``revenue_earlier``, ``revenue_later``, ``margin_earlier``,
        ``margin_later`` (euro; 0 without margin), ``first_date`` (first line up to the
        later end) and ``seen_earlier`` (a line on or before the earlier end).
    """
    t = lines.filter(lines.date <= ibis.date(later[1]))
    in_e = (t.date > ibis.date(earlier[0])) & (t.date <= ibis.date(earlier[1]))
    in_l = (t.date > ibis.date(later[0])) & (t.date <= ibis.date(later[1]))
    margin = t.margin.cast("float64") if has_margin else t.amount.cast("float64") * 0.0
    return t.group_by("customer_id").aggregate(
        revenue_earlier=t.amount.sum(where=in_e).cast("float64").fill_null(0),
        revenue_later=t.amount.sum(where=in_l).cast("float64").fill_null(0),
        margin_earlier=margin.sum(where=in_e).fill_null(0),
        margin_later=margin.sum(where=in_l).fill_null(0),
        first_date=t.date.min(),
        seen_earlier=(t.date <= ibis.date(earlier[1])).any(),
    )


def _layers(ids: pd.Series, buying: np.ndarray, basis: np.ndarray, known: np.ndarray,
            shares: Mapping[str, float] | None, order: np.ndarray) -> np.ndarray:
    """Layer codes for one period (positions in :data:`LAYERS`; ``prospect`` there means ``new`` here)."""
    frame = pd.DataFrame({"customer_id": ids.to_numpy(), "revenue": np.where(buying, 1.0, 0.0),
                          "basis": np.where(buying, basis, 0.0),
                          "first_purchase": np.where(known | buying, 1.0, np.nan)})
    return pyramid_layers(frame, basis="basis", shares=shares, order=order)["pyramid_layer"].cat.codes.to_numpy()


def migration_states(windows: pd.DataFrame, *, basis_earlier: str = "revenue_earlier",
                     basis_later: str = "revenue_later", shares: Mapping[str, float] | None = None,
                     id_col: str = "customer_id") -> pd.DataFrame:
    """Each customer's state in both periods and its flow.

    A customer buys in a period when its net *revenue* there is positive; buyers are
    ranked into layers on ``basis_earlier`` / ``basis_later`` (revenue, margin or profit).

    Parameters
    ----------
    windows : DataFrame
        ``customer_id``, ``revenue_earlier``, ``revenue_later``, ``seen_earlier`` (bool)
        and the basis columns (see :func:`window_values_expr`).
    basis_earlier, basis_later : str
        Columns to rank each period on.
    shares : mapping, optional
        Layer shares (%), as for the pyramid.

    Returns
    -------
    DataFrame
        Sorted by customer id: ``customer_id``, ``layer_earlier`` (one of
        :data:`EARLIER_STATES`), ``layer_later`` (one of :data:`LATER_STATES`),
        ``revenue_earlier``, ``revenue_later`` (euro), ``flow`` (one of :data:`FLOWS`).

    Examples
    --------
    >>> w = pd.DataFrame({"customer_id": ["1", "2", "3", "4"], "revenue_earlier": [100.0, 50.0, 0.0, 0.0],
    ...                   "revenue_later": [20.0, 80.0, 0.0, 30.0], "seen_earlier": [True, True, True, False]})
    >>> s = migration_states(w, shares={"top": 50, "large": 10, "medium_large": 10, "medium_small": 10,
    ...                                 "small": 20})
    >>> # later: 3 buyers, the top holds ceil(50 % x 3) = 2 of them (80, 30); 20 is medium-large
    >>> s[["layer_earlier", "layer_later", "flow"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['top', 'medium_large', 'down'], ['large', 'top', 'up'], ['inactive', 'inactive', 'still_inactive'],
     ['new', 'top', 'new']]
    """
    _require(windows, [id_col, "revenue_earlier", "revenue_later", "seen_earlier", basis_earlier, basis_later],
             "migration_states")
    w = windows.reset_index(drop=True)
    order = id_order(w[id_col])
    w = w.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    order = np.sort(order)
    rev_e = w["revenue_earlier"].astype(float).to_numpy()
    rev_l = w["revenue_later"].astype(float).to_numpy()

    earlier = _layers(w[id_col], rev_e > 0, w[basis_earlier].astype(float).to_numpy(),
                      w["seen_earlier"].astype(bool).to_numpy(), shares, order)
    later = _layers(w[id_col], rev_l > 0, w[basis_later].astype(float).to_numpy(), np.ones(len(w), dtype=bool),
                    shares, order)
    # Codes follow LAYERS, whose order EARLIER_STATES and LATER_STATES share (new = prospect's place).
    e_buy, l_buy = earlier < len(BUYING_LAYERS), later < len(BUYING_LAYERS)
    inactive, new = LAYERS.index("inactive"), LAYERS.index("prospect")
    flow = np.select(
        [e_buy & l_buy & (earlier == later), e_buy & l_buy & (later < earlier), e_buy & l_buy, e_buy,
         (earlier == inactive) & l_buy, (earlier == new) & l_buy],
        [0, 1, 2, 5, 4, 3], 6)
    return pd.DataFrame({id_col: w[id_col].astype("string"),
                         "layer_earlier": pd.Categorical.from_codes(earlier, categories=EARLIER_STATES),
                         "layer_later": pd.Categorical.from_codes(later, categories=LATER_STATES),
                         "revenue_earlier": rev_e, "revenue_later": rev_l,
                         "flow": pd.Categorical.from_codes(flow, categories=FLOWS)})


def migration_matrix(states: pd.DataFrame) -> pd.DataFrame:
    """Customers and revenue per (earlier state, later state): the migration matrix, long form.

    Returns
    -------
    DataFrame
        Every combination of :data:`EARLIER_STATES` x :data:`LATER_STATES`, earlier top
        first: ``layer_earlier``, ``layer_later``, ``customers``, ``revenue_earlier``,
        ``revenue_later``, ``effect`` (later - earlier revenue, euro). The customers of one
        ``layer_earlier`` add up to that state's customers in the earlier period.

    Examples
    --------
    >>> s = pd.DataFrame({"layer_earlier": ["top", "top"], "layer_later": ["top", "inactive"],
    ...                   "revenue_earlier": [10.0, 5.0], "revenue_later": [12.0, 0.0]})
    >>> m = migration_matrix(s)
    >>> m[m["customers"] > 0][["layer_later", "customers", "effect"]].values.tolist()
    [['top', 1, 2.0], ['inactive', 1, -5.0]]
    """
    _require(states, ["layer_earlier", "layer_later", "revenue_earlier", "revenue_later"], "migration_matrix")
    frame = pd.DataFrame({"layer_earlier": as_categories(states["layer_earlier"], EARLIER_STATES),
                          "layer_later": as_categories(states["layer_later"], LATER_STATES),
                          "revenue_earlier": states["revenue_earlier"].astype(float),
                          "revenue_later": states["revenue_later"].astype(float)})
    g = frame.groupby(["layer_earlier", "layer_later"], observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue_earlier": g["revenue_earlier"].sum(),
                        "revenue_later": g["revenue_later"].sum()}).reset_index()
    out["customers"] = out["customers"].astype("int64")
    out["effect"] = out["revenue_later"] - out["revenue_earlier"]
    for col in ("layer_earlier", "layer_later"):
        out[col] = out[col].astype(str)
    return out


def flow_summary(states: pd.DataFrame) -> pd.DataFrame:
    """Customers and revenue effect per flow type: the revenue bridge from one period to the next.

    Returns
    -------
    DataFrame
        One row per flow in :data:`FLOWS` order: ``flow``, ``customers``,
        ``revenue_earlier``, ``revenue_later``, ``effect`` (euro). The effects add up to
        the later minus the earlier period's revenue.

    Examples
    --------
    >>> s = pd.DataFrame({"flow": ["up", "lost", "new"], "revenue_earlier": [10.0, 5.0, 0.0],
    ...                   "revenue_later": [30.0, 0.0, 7.0]})
    >>> flow_summary(s).set_index("flow").loc[["up", "new", "lost"], "effect"].tolist()
    [20.0, 7.0, -5.0]
    """
    _require(states, ["flow", "revenue_earlier", "revenue_later"], "flow_summary")
    frame = pd.DataFrame({"flow": as_categories(states["flow"], FLOWS),
                          "revenue_earlier": states["revenue_earlier"].astype(float),
                          "revenue_later": states["revenue_later"].astype(float)})
    g = frame.groupby("flow", observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue_earlier": g["revenue_earlier"].sum(),
                        "revenue_later": g["revenue_later"].sum()}).reindex(list(FLOWS))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out = out.fillna(0.0)
    out["effect"] = out["revenue_later"] - out["revenue_earlier"]
    return out.rename_axis("flow").reset_index()


def upgrade_scenario(layers: pd.DataFrame, *, percent: float = 2.0, include_inactive: bool = True) -> pd.DataFrame:
    """What the client gains when ``percent`` % of each layer moves one layer up.

    A mover's revenue goes from its layer's average to the next layer's average (the
    method's "develop 2 % of existing customers" rule). Movers per layer are rounded half
    up, so the table's numbers multiply out.

    Parameters
    ----------
    layers : DataFrame
        :func:`toolkit.segments.pyramid_summary` output (``layer``, ``customers``,
        ``revenue``, ``margin``).
    percent : float, default 2
    include_inactive : bool, default True
        Also move inactive customers up into the small layer (reactivation).

    Returns
    -------
    DataFrame
        One row per move, bottom first: ``layer_from``, ``layer_to``, ``customers`` (in
        the layer), ``movers``, ``revenue_from``, ``revenue_to`` (average revenue per
        customer of both layers, euro), ``gain_per_mover``, ``gain`` (revenue, euro),
        ``margin_gain`` (euro; NaN without margin).

    Examples
    --------
    >>> from toolkit.segments import pyramid_summary
    >>> n = {"top": 1, "large": 4, "medium_large": 15, "medium_small": 30, "small": 50}
    >>> avg = {"top": 1000.0, "large": 400.0, "medium_large": 100.0, "medium_small": 40.0, "small": 10.0}
    >>> c = pd.DataFrame({"pyramid_layer": [k for k in n for _ in range(n[k])],
    ...                   "revenue": [avg[k] for k in n for _ in range(n[k])]})
    >>> u = upgrade_scenario(pyramid_summary(c), percent=2, include_inactive=False)
    >>> u[["layer_from", "movers", "gain"]].values.tolist()  # 50 -> 1 x 30; 30 -> 0.6 -> 1 x 60; 0.3 and 0.08 -> 0
    [['small', 1, 30.0], ['medium_small', 1, 60.0], ['medium_large', 0, 0.0], ['large', 0, 0.0]]
    """
    _require(layers, ["layer", "customers", "revenue"], "upgrade_scenario")
    rows = layers.set_index(layers["layer"].astype(str))
    margin = rows["margin"] if "margin" in rows else pd.Series(np.nan, index=rows.index)
    chain = (["inactive"] if include_inactive else []) + list(reversed(BUYING_LAYERS))
    out = []
    for lo, hi in itertools.pairwise(chain):
        n = int(rows.loc[lo, "customers"])
        movers = math.floor(n * percent / 100 + 0.5)
        per = {layer: rows.loc[layer, "revenue"] / rows.loc[layer, "customers"] if rows.loc[layer, "customers"]
               else np.nan for layer in (lo, hi)}
        mper = {layer: margin[layer] / rows.loc[layer, "customers"] if rows.loc[layer, "customers"] else np.nan
                for layer in (lo, hi)}
        gain_per = per[hi] - per[lo]
        out.append({"layer_from": lo, "layer_to": hi, "customers": n, "movers": movers, "revenue_from": per[lo],
                    "revenue_to": per[hi], "gain_per_mover": gain_per,
                    "gain": movers * gain_per if movers else 0.0,
                    "margin_gain": movers * (mper[hi] - mper[lo]) if movers else (0.0 if margin.notna().any()
                                                                                   else np.nan)})
    return pd.DataFrame(out)
