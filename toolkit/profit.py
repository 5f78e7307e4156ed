"""Cost to serve, customer profit, the whale curve and why customers lose money.

Customer profit = gross margin - cost to serve, where the cost to serve adds up what
serving the customer took in the period, each at a configurable cost per unit
(``cost_to_serve`` in the params):

- orders (deliveries): per order, or per order by sales channel;
- order lines (picking, handling): per line;
- returns: per credit note (an order with negative lines);
- support contacts: per contact, or per contact type (from an optional contacts table).

The drivers are counted over transaction lines with Ibis (:func:`cost_drivers_expr`,
:func:`contact_drivers_expr`), so they run on the run's engine; everything after that
works on one row per customer.

References
----------
Kaplan, R. S. & Narayanan, V. G. (2001). Measuring and managing customer profitability.
*Journal of Cost Management* 15(5), 5-15 (the whale curve).
Curry, J. & Curry, A. (2000). *The Customer Marketing Method*. Free Press.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import ibis
import numpy as np
import pandas as pd

from toolkit.columns import as_categories
from toolkit.errors import DataError
from toolkit.params import CostToServeParams
from toolkit.segments import _ranked_values, _require, id_order, is_in, positions_in, relayer

#: Columns the profitability analysis adds to the customer table, in order.
PROFIT_COLUMNS = ("cost_to_serve", "profit", "profit_reason")

#: Driver columns of :func:`cost_drivers_expr` (per customer, one window).
DRIVER_COLUMNS = ("gross_sales", "purchase_margin", "orders", "order_lines", "returns", "returns_amount",
                  "returns_margin", "order_cost")

#: Cost components of :func:`cost_to_serve`, in report order.
COST_COMPONENTS = ("order_cost", "line_cost", "return_cost", "contact_cost")

#: Why an unprofitable customer loses money, in report order.
REASONS = ("low_margin", "returns", "contacts", "orders")


def _window(t: ibis.Table, start: dt.date, end: dt.date) -> ibis.Table:
    """Lines of the window ``(start, end]`` (start exclusive, like :class:`toolkit.engine.Period`)."""
    return t.filter(t.date > ibis.date(start), t.date <= ibis.date(end))


def cost_drivers_expr(lines: ibis.Table, *, start: dt.date, end: dt.date, has_margin: bool = True,
                      order_cost_by_channel: Mapping[str, float] | None = None,
                      default_order_cost: float = 0.0) -> ibis.Table:
    """Ibis expression: per customer, what drives the cost to serve in the window ``(start, end]``.

    Parameters
    ----------
    lines : ibis.Table
        Usable transaction lines with canonical columns.
    start, end : date
        Window, start exclusive, end inclusive.
    has_margin : bool, default True
        Whether ``margin`` holds values (else the margin drivers are 0).
    order_cost_by_channel : mapping, optional
        Cost per order by ``sales_channel`` value; orders of other channels cost
        ``default_order_cost``. Without it ``order_cost`` is 0 (orders are priced later).

    Returns
    -------
    ibis.Table
        ``customer_id`` and :data:`DRIVER_COLUMNS`: ``gross_sales`` (sum of positive lines,
        euro), ``purchase_margin`` (their margin), ``orders`` (distinct orders with a
        positive line), ``order_lines`` (positive lines), ``returns`` (distinct orders with
        a negative line: credit notes), ``returns_amount`` (sum of negative lines, <= 0),
        ``returns_margin`` (their margin, usually <= 0), ``order_cost`` (euro, by channel).
    """
    t = _window(lines, start, end)
    pos, neg = t.amount > 0, t.amount < 0
    # Without a margin column the margin drivers are 0 (a column, so it can be summed).
    margin = t.margin.cast("float64") if has_margin else t.amount.cast("float64") * 0.0
    per_customer = t.group_by("customer_id").aggregate(
        gross_sales=t.amount.sum(where=pos).cast("float64").fill_null(0),
        purchase_margin=margin.sum(where=pos).fill_null(0),
        order_lines=t.count(where=pos),
        returns_amount=t.amount.sum(where=neg).cast("float64").fill_null(0),
        returns_margin=margin.sum(where=neg).fill_null(0),
    )
    # An order belongs to one channel: the first in name order when its lines disagree.
    orders = t.filter(pos).group_by(["customer_id", "order_key"]).aggregate(channel=t.sales_channel.min())
    metrics = {"orders": orders.count()}
    if order_cost_by_channel:
        metrics["order_cost"] = orders.channel.cases(*order_cost_by_channel.items(), else_=default_order_cost).sum()
    per_order = orders.group_by("customer_id").aggregate(**metrics)
    credits = (t.filter(neg).select("customer_id", "order_key").distinct()
               .group_by("customer_id").aggregate(returns=ibis._.count()))
    j = per_customer.left_join(per_order, "customer_id").left_join(credits, "customer_id")
    return j.select(customer_id=per_customer.customer_id, gross_sales=per_customer.gross_sales,
                    purchase_margin=per_customer.purchase_margin, orders=per_order.orders.fill_null(0),
                    order_lines=per_customer.order_lines, returns=credits.returns.fill_null(0),
                    returns_amount=per_customer.returns_amount, returns_margin=per_customer.returns_margin,
                    order_cost=per_order.order_cost.cast("float64").fill_null(0) if order_cost_by_channel
                    else ibis.literal(0.0))


def contact_drivers_expr(contacts: ibis.Table, *, start: dt.date, end: dt.date, per_contact: float = 0.0,
                         per_type: Mapping[str, float] | None = None) -> ibis.Table:
    """Ibis expression: support contacts and their cost per customer in the window ``(start, end]``.

    Parameters
    ----------
    contacts : ibis.Table
        ``customer_id``, ``date`` and, when ``per_type`` is given, ``type``.
    per_contact : float
        Cost of a contact whose type has no cost of its own.
    per_type : mapping, optional
        Cost per contact type (e.g. ``{"klacht": 25}``).

    Returns
    -------
    ibis.Table
        ``customer_id``, ``contacts`` (count), ``contact_cost`` (euro).
    """
    t = _window(contacts, start, end)
    cost = t.type.cases(*per_type.items(), else_=per_contact) if per_type else ibis.literal(per_contact)
    return t.group_by("customer_id").aggregate(contacts=t.count(), contact_cost=cost.sum().cast("float64"))


def cost_to_serve(drivers: pd.DataFrame, contacts: pd.DataFrame | None = None, *,
                  costs: CostToServeParams | None = None) -> pd.DataFrame:
    """Cost to serve per customer from its drivers and the unit costs.

    Parameters
    ----------
    drivers : DataFrame
        Output of :func:`cost_drivers_expr` (``customer_id`` plus :data:`DRIVER_COLUMNS`).
    contacts : DataFrame, optional
        Output of :func:`contact_drivers_expr`; customers missing there had no contact.
    costs : CostToServeParams, optional
        Unit costs; None means every cost is 0.

    Returns
    -------
    DataFrame
        One row per customer of ``drivers`` (same order), then the customers with only
        contacts (drivers 0): ``customer_id``, the drivers,
        ``contacts``, then :data:`COST_COMPONENTS` (euro): ``order_cost`` (by channel when
        configured, else orders x per_order), ``line_cost``, ``return_cost``,
        ``contact_cost``; and ``cost_to_serve`` (their sum, euro).

    Examples
    --------
    >>> d = pd.DataFrame({"customer_id": ["1", "2"], "gross_sales": [100.0, 50.0], "purchase_margin": [30.0, 5.0],
    ...     "orders": [2, 1], "order_lines": [3, 1], "returns": [0, 1], "returns_amount": [0.0, -20.0],
    ...     "returns_margin": [0.0, -8.0], "order_cost": [0.0, 0.0]})
    >>> c = pd.DataFrame({"customer_id": ["2"], "contacts": [3], "contact_cost": [15.0]})
    >>> out = cost_to_serve(d, c, costs=CostToServeParams(per_order=4, per_return=10, per_line=0.5))
    >>> out["cost_to_serve"].tolist()  # 2x4 + 3x0.5 = 9.5; 1x4 + 1x0.5 + 1x10 + 15 = 29.5
    [9.5, 29.5]
    """
    _require(drivers, ["customer_id", *DRIVER_COLUMNS], "cost_to_serve")
    costs = costs or CostToServeParams()
    out = drivers.reset_index(drop=True).copy()
    out["customer_id"] = out["customer_id"].astype(str)
    if contacts is not None and len(contacts):
        keyed = contacts.set_index(contacts["customer_id"].astype(str))
        # Customers who only contacted support in the window cost money too.
        extra = keyed.index.difference(pd.Index(out["customer_id"]), sort=False)
        if len(extra):
            zeros = pd.DataFrame(0, index=range(len(extra)), columns=list(DRIVER_COLUMNS))
            out = pd.concat([out, zeros.assign(customer_id=list(extra))[out.columns]], ignore_index=True)
        ids = out["customer_id"]
        out["contacts"] = keyed["contacts"].reindex(ids).fillna(0).astype("int64").to_numpy()
        out["contact_cost"] = keyed["contact_cost"].reindex(ids).fillna(0.0).astype(float).to_numpy()
    else:
        out["contacts"] = 0
        out["contact_cost"] = 0.0
    for col in DRIVER_COLUMNS:
        out[col] = out[col].astype("int64" if col in ("orders", "order_lines", "returns") else float)
    if not costs.per_order_by_channel:
        out["order_cost"] = out["orders"].astype(float) * costs.per_order
    out["line_cost"] = out["order_lines"].astype(float) * costs.per_line
    out["return_cost"] = out["returns"].astype(float) * costs.per_return
    out["cost_to_serve"] = out[list(COST_COMPONENTS)].sum(axis=1)
    return out


def window_costs(lines: ibis.Table, contacts: ibis.Table | None, *, start: dt.date, end: dt.date,
                 costs: CostToServeParams | None, has_margin: bool) -> pd.DataFrame:
    """Drivers and cost to serve per customer in the window ``(start, end]``, sorted by customer id.

    Runs :func:`cost_drivers_expr` (and :func:`contact_drivers_expr` when a contacts table
    is given) on the engine and prices the result with :func:`cost_to_serve`.
    """
    cfg = costs or CostToServeParams()
    drivers = cost_drivers_expr(lines, start=start, end=end, has_margin=has_margin,
                                order_cost_by_channel=cfg.per_order_by_channel, default_order_cost=cfg.per_order
                                ).to_pandas()
    per_contact = None
    if contacts is not None:
        per_contact = contact_drivers_expr(contacts, start=start, end=end, per_contact=cfg.per_contact,
                                           per_type=cfg.per_contact_type or None).to_pandas()
    out = cost_to_serve(drivers, per_contact, costs=cfg)
    return out.iloc[np.argsort(id_order(out["customer_id"]), kind="stable")].reset_index(drop=True)


def unprofitable_reasons(costs: pd.DataFrame, profit: pd.Series, *, low_margin_factor: float = 0.5
                         ) -> pd.Series:
    """Why each unprofitable customer loses money, as reason codes joined by ``+`` (main reason first).

    ``low_margin`` when the margin rate on purchases is below ``low_margin_factor`` times
    the average rate of all customers (or the purchase margin is not positive); then the
    cost burdens ``returns`` (return cost plus the margin lost on returns), ``contacts``
    and ``orders`` (order and line cost) that make up at least a third of the customer's
    total burden, largest first. Every customer with ``profit < 0`` gets at least one reason.

    Parameters
    ----------
    costs : DataFrame
        Output of :func:`cost_to_serve`.
    profit : Series
        Profit per row of ``costs`` (euro).
    low_margin_factor : float, default 0.5

    Returns
    -------
    Series of str
        Same index as ``costs``; empty string for customers with ``profit >= 0``.

    Examples
    --------
    >>> c = pd.DataFrame({"gross_sales": [100.0, 100.0, 100.0], "purchase_margin": [30.0, 5.0, 30.0],
    ...     "returns_margin": [-40.0, 0.0, 0.0], "return_cost": [10.0, 0.0, 0.0], "contact_cost": [0.0, 6.0, 0.0],
    ...     "order_cost": [4.0, 4.0, 4.0], "line_cost": [0.0, 0.0, 0.0]})
    >>> unprofitable_reasons(c, pd.Series([-24.0, -5.0, 26.0])).tolist()  # average rate 65/300
    ['returns', 'low_margin+contacts+orders', '']
    """
    _require(costs, ["gross_sales", "purchase_margin", "returns_margin", "return_cost", "contact_cost", "order_cost",
                     "line_cost"], "unprofitable_reasons")
    gross = costs["gross_sales"].astype(float).to_numpy()
    pmargin = costs["purchase_margin"].astype(float).to_numpy()
    avg_rate = pmargin.sum() / gross.sum() if gross.sum() > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(gross > 0, pmargin / gross, -np.inf)
    low = (pmargin <= 0) | (rate < low_margin_factor * avg_rate)
    burden = np.column_stack([
        costs["return_cost"].to_numpy(float) - np.minimum(costs["returns_margin"].to_numpy(float), 0),
        costs["contact_cost"].to_numpy(float),
        costs["order_cost"].to_numpy(float) + costs["line_cost"].to_numpy(float)])
    total = burden.sum(axis=1)
    rows = np.flatnonzero(profit.to_numpy(float) < 0)
    b, tot = burden[rows], total[rows, None]
    order = np.argsort(-b, axis=1, kind="stable")
    qualifies = np.take_along_axis((b > 0) & (b * 3 >= tot - 1e-9), order, axis=1)
    names = np.array(REASONS[1:], dtype=object)[order]
    text = np.where(low[rows], "low_margin", "").astype(object)
    for k in range(b.shape[1]):
        add = np.where(qualifies[:, k], names[:, k], "").astype(object)
        text = np.where((text != "") & (add != ""), text + "+" + add, text + add)
    out = np.full(len(costs), "", dtype=object)
    out[rows] = np.where(text == "", "low_margin", text)
    return pd.Series(out, index=costs.index, dtype=object)


def customer_profit(customers: pd.DataFrame, costs: pd.DataFrame, *, low_margin_factor: float = 0.5
                    ) -> pd.DataFrame:
    """Profit per customer: margin minus cost to serve, with the reasons of the unprofitable.

    Parameters
    ----------
    customers : DataFrame
        The customer table: ``customer_id``, ``margin`` (period, euro; all missing when
        no margin is mapped) and ``first_purchase`` (missing for prospects).
    costs : DataFrame
        Output of :func:`cost_to_serve`; customers not in it cost nothing.
    low_margin_factor : float, default 0.5
        See :func:`unprofitable_reasons`.

    Returns
    -------
    DataFrame
        Same rows and order as ``customers``: ``customer_id``, ``cost_to_serve`` (euro;
        0 where nothing is known, empty for prospects), ``profit`` (margin - cost to
        serve, euro; empty for prospects and when no margin is mapped),
        ``profit_reason`` (see :func:`unprofitable_reasons`; missing unless profit < 0).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3"], "margin": [30.0, 5.0, 0.0],
    ...                   "first_purchase": pd.to_datetime(["2025-01-01", "2025-02-01", None])})
    >>> k = pd.DataFrame({"customer_id": ["2"], "gross_sales": [50.0], "purchase_margin": [5.0],
    ...     "returns_margin": [0.0], "return_cost": [0.0], "contact_cost": [8.0], "order_cost": [4.0],
    ...     "line_cost": [0.0], "cost_to_serve": [12.0]})
    >>> customer_profit(c, k)[["cost_to_serve", "profit", "profit_reason"]].values.tolist()
    [[0.0, 30.0, <NA>], [12.0, -7.0, 'contacts+orders'], [nan, nan, <NA>]]
    """
    _require(customers, ["customer_id", "margin", "first_purchase"], "customer_profit")
    if not costs["customer_id"].is_unique:
        raise DataError("customer_profit: the costs frame has a customer_id more than once; pass one row per "
                        "customer (the output of cost_to_serve).")
    # By positions (a hash on the ids), not pandas' reindex on text labels: 2.8 s each at 3.5M customers.
    at = positions_in(customers["customer_id"], costs["customer_id"])
    aligned = costs.reset_index(drop=True).reindex(at).reset_index(drop=True)  # position -1: a row of NaN
    prospect = customers["first_purchase"].isna().to_numpy()
    cts = aligned["cost_to_serve"].fillna(0.0).to_numpy(float, copy=True)
    cts[prospect] = np.nan
    margin = customers["margin"].astype(float).to_numpy()
    profit = margin - cts
    for col in ("gross_sales", "purchase_margin", "returns_margin", "return_cost", "contact_cost", "order_cost",
                "line_cost"):
        aligned[col] = aligned[col].fillna(0.0) if col in aligned else 0.0
    reasons = unprofitable_reasons(aligned, pd.Series(profit), low_margin_factor=low_margin_factor)
    reason = pd.array(np.where(reasons.to_numpy() == "", None, reasons.to_numpy()), dtype="string")
    return pd.DataFrame({"customer_id": customers["customer_id"].to_numpy(), "cost_to_serve": cts, "profit": profit,
                         "profit_reason": reason}, index=customers.index)


def _served(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers in the whale curve: a known profit and a purchase or any profit or loss in the period."""
    profit = customers["profit"].astype(float)
    return customers[profit.notna() & ((customers["revenue"].astype(float) > 0) | (profit != 0))]


def whale_curve(customers: pd.DataFrame, *, value: str = "profit", max_points: int | None = 2000) -> pd.DataFrame:
    """Cumulative profit against customers ranked by profit, most profitable first.

    Customers count when their profit is known and they bought or cost or earned
    something in the period. The curve starts at (0, 0), rises to its peak at the last
    profitable customer and ends at the total profit. Only the values count (customers
    with equal profit give the same curve in any order), so no id column is needed.

    Parameters
    ----------
    customers : DataFrame
        Columns ``revenue`` and ``value``.
    value : str, default "profit"
    max_points : int or None, default 2000
        Thin to about this many points (the peak and the end stay); None keeps all.

    Returns
    -------
    DataFrame
        ``customers`` (number ranked so far), ``customer_share`` (0-1), ``cum_profit``
        (euro) and ``cum_share`` (of total profit; NaN when the total is not positive).

    Examples
    --------
    >>> c = pd.DataFrame({"revenue": [1.0] * 4, "profit": [60.0, 50.0, -5.0, -5.0]})
    >>> whale_curve(c)["cum_profit"].tolist()
    [0.0, 60.0, 110.0, 105.0, 100.0]
    """
    _require(customers, [value, "revenue"], "whale_curve")
    served = _served(customers.rename(columns={value: "profit"}) if value != "profit" else customers)
    vals = served["profit"].astype(float).to_numpy()
    vals = _ranked_values(vals)
    n = len(vals)
    cum = np.concatenate([[0.0], np.cumsum(vals)])
    x = np.arange(n + 1)
    if max_points and n + 1 > max_points:
        keep = np.unique(np.concatenate([np.linspace(0, n, max_points).round().astype(int),
                                         [int(np.argmax(cum)), n]]))
        x, cum = x[keep], cum[keep]
    total = cum[-1]
    return pd.DataFrame({"customers": x, "customer_share": x / n if n else x * 0.0, "cum_profit": cum,
                         "cum_share": cum / total if total > 0 else np.nan})


def whale_summary(customers: pd.DataFrame) -> dict[str, float]:
    """The whale curve's key figures.

    Returns
    -------
    dict
        ``customers`` (in the curve), ``total_profit``, ``peak_profit`` (the highest point,
        euro), ``peak_share`` (peak / total; NaN when the total is not positive),
        ``profitable`` (customers with profit > 0, up to the peak), ``beyond_peak``
        (customers with profit < 0), ``beyond_share`` (of the customers in the curve),
        ``destroyed`` (their total loss, euro >= 0), ``destroyed_share`` (of the peak).

    Examples
    --------
    >>> c = pd.DataFrame({"revenue": [1.0] * 4, "profit": [60.0, 50.0, -5.0, -5.0]})
    >>> s = whale_summary(c)
    >>> s["peak_profit"], round(s["peak_share"], 2), s["beyond_peak"], s["destroyed"]
    (110.0, 1.1, 2, 10.0)
    """
    _require(customers, ["profit", "revenue"], "whale_summary")
    p = _served(customers)["profit"].astype(float)
    total = float(p.sum())
    peak = float(p[p > 0].sum())
    destroyed = float(-p[p < 0].sum())
    n = len(p)
    return {"customers": n, "total_profit": total, "peak_profit": peak,
            "peak_share": peak / total if total > 0 else math.nan, "profitable": int((p > 0).sum()),
            "beyond_peak": int((p < 0).sum()), "beyond_share": (p < 0).sum() / n if n else math.nan,
            "destroyed": destroyed, "destroyed_share": destroyed / peak if peak > 0 else math.nan}


def profit_by_layer(customers: pd.DataFrame, *, layers: Sequence[str], layer_col: str = "pyramid_layer"
                    ) -> pd.DataFrame:
    """Revenue, margin, cost to serve and profit per pyramid layer.

    Returns
    -------
    DataFrame
        One row per layer in ``layers`` (empty layers included): ``layer, customers,
        revenue, margin, cost_to_serve, profit`` (euro), ``unprofitable`` (customers with
        profit < 0), ``profit_per_customer`` (euro; NaN for an empty layer).

    Examples
    --------
    >>> c = pd.DataFrame({"pyramid_layer": ["top", "small", "small"], "revenue": [90.0, 8.0, 2.0],
    ...     "margin": [30.0, 3.0, 1.0], "cost_to_serve": [5.0, 2.0, 4.0], "profit": [25.0, 1.0, -3.0]})
    >>> profit_by_layer(c, layers=["top", "small"])[["layer", "profit", "unprofitable"]].values.tolist()
    [['top', 25.0, 0], ['small', -2.0, 1]]
    """
    _require(customers, [layer_col, "revenue", "margin", "cost_to_serve", "profit"], "profit_by_layer")
    frame = customers[[layer_col, "revenue", "margin", "cost_to_serve", "profit"]].copy()
    frame["unprofitable"] = (frame["profit"].astype(float) < 0).astype("int64")
    frame[layer_col] = as_categories(frame[layer_col], list(layers))
    g = frame.groupby(layer_col, observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(), "margin": g["margin"].sum(min_count=1),
                        "cost_to_serve": g["cost_to_serve"].sum(), "profit": g["profit"].sum(min_count=1),
                        "unprofitable": g["unprofitable"].sum()}).reindex(list(layers))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["unprofitable"] = out["unprofitable"].fillna(0).astype("int64")
    out["profit_per_customer"] = out["profit"] / out["customers"].replace(0, np.nan)
    return out.rename_axis("layer").reset_index()


def reason_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """Unprofitable customers per reason (a customer counts once per reason it has).

    Returns
    -------
    DataFrame
        One row per reason in :data:`REASONS` order: ``reason``, ``customers`` (with that
        reason), ``main`` (with it as main reason), ``loss`` (their total profit, euro <= 0).

    Examples
    --------
    >>> c = pd.DataFrame({"profit": [-10.0, -4.0, 5.0], "profit_reason": ["returns+orders", "orders", ""]})
    >>> reason_summary(c)[["reason", "customers", "main", "loss"]].values.tolist()[1:]
    [['returns', 1, 1, -10.0], ['contacts', 0, 0, 0.0], ['orders', 2, 1, -14.0]]
    """
    _require(customers, ["profit", "profit_reason"], "reason_summary")
    losing = customers[customers["profit"].astype(float) < 0]
    codes = losing["profit_reason"].fillna("").astype(str)
    main = codes.str.split("+", regex=False).str[0]
    rows = []
    for reason in REASONS:
        has = codes.str.contains(rf"(?:^|\+){reason}(?:$|\+)", regex=True).to_numpy(dtype=bool)
        rows.append({"reason": reason, "customers": int(has.sum()), "main": int((main == reason).sum()),
                     "loss": float(losing.loc[has, "profit"].astype(float).sum())})
    return pd.DataFrame(rows)


def final_layers(customers: pd.DataFrame, *, basis: str, shares: Mapping[str, float] | None = None) -> pd.Series:
    """The pyramid layers as they stand at the end of the run.

    With ``pyramid_basis: profit`` the run ranks the pyramid on ``profit`` after every
    analysis has added its columns (:func:`toolkit.segments.relayer`); an analysis that
    needs the final layers earlier gets them from here, computed the same way.

    Returns
    -------
    Series
        ``pyramid_layer`` per row of ``customers`` (same index).
    """
    if basis != "profit" or "profit" not in customers:
        return customers["pyramid_layer"]
    ranked = relayer(customers.assign(_pos=np.arange(len(customers))), basis="profit", shares=shares)
    layers = pd.Series(ranked["pyramid_layer"].to_numpy(), index=ranked["_pos"].to_numpy()).sort_index()
    return pd.Series(pd.Categorical(layers.to_numpy(), dtype=ranked["pyramid_layer"].dtype),
                     index=customers.index, name="pyramid_layer")


def cost_components(costs: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Units and cost per cost component over the customers that have a profit (not prospects).

    Parameters
    ----------
    costs : DataFrame
        :func:`cost_to_serve` output.
    customers : DataFrame
        The customer table (``customer_id``, ``first_purchase``).

    Returns
    -------
    DataFrame
        One row per component of :data:`COST_COMPONENTS`: ``component``, ``units``
        (orders, order lines, returns, contacts), ``cost`` (euro), ``unit_cost`` (cost /
        units; NaN without units).

    Examples
    --------
    >>> k = pd.DataFrame({"customer_id": ["1", "9"], "orders": [2, 1], "order_lines": [3, 1], "returns": [1, 0],
    ...     "contacts": [0, 4], "order_cost": [8.0, 4.0], "line_cost": [1.5, 0.5], "return_cost": [10.0, 0.0],
    ...     "contact_cost": [0.0, 24.0]})
    >>> c = pd.DataFrame({"customer_id": ["1", "9"], "first_purchase": pd.to_datetime(["2025-01-01", None])})
    >>> cost_components(k, c)[["component", "units", "cost"]].values.tolist()  # 9 is a prospect
    [['order_cost', 2, 8.0], ['line_cost', 3, 1.5], ['return_cost', 1, 10.0], ['contact_cost', 0, 0.0]]
    """
    _require(costs, ["customer_id", "orders", "order_lines", "returns", "contacts", *COST_COMPONENTS],
             "cost_components")
    known = customers.loc[customers["first_purchase"].notna(), "customer_id"].astype(str)
    rows = costs[is_in(costs["customer_id"].astype(str), known)]
    units = {"order_cost": "orders", "line_cost": "order_lines", "return_cost": "returns", "contact_cost": "contacts"}
    out = pd.DataFrame({"component": list(COST_COMPONENTS),
                        "units": [int(rows[units[c]].sum()) for c in COST_COMPONENTS],
                        "cost": [float(rows[c].sum()) for c in COST_COMPONENTS]})
    out["unit_cost"] = out["cost"] / out["units"].replace(0, np.nan)
    return out
