"""From segment to action: strategy per layer, price hints for C customers, the contact plan.

Rules as data (``actions`` and ``price_hints`` in the params, defaults in
:mod:`toolkit.params`), applied to the customer table:

Strategy per layer
    top and large: retain and deepen; medium-large and medium-small: develop; small:
    serve efficiently; inactive: reactivate or let go; prospects: acquire look-alikes.
Action per customer
    ``retain`` (top, large), ``develop`` (medium), ``serve_efficiently`` (small),
    ``rescue`` (a top to medium-small customer at risk: an at-risk RFM segment, or a
    churn probability at or above ``churn_risk_high`` when a churn model added one),
    ``reactivate`` (inactive, but in a medium-small or higher layer in the earlier
    migration period), ``let_go`` (other inactive customers), ``acquire`` (prospects).
Contacts per year and channel
    From the layer's policy; ``rescue`` is at least a phone call; ``let_go`` gets none.
Priority
    1 for retain and rescue, 2 for develop and reactivate, 3 for the rest.
Price hints for C customers (the method's rules)
    The lower a customer's revenue relative to the average buying customer, the larger
    the adjustment band; the larger the customer, the smaller each step (a band's
    ``step_pct``); irregular buyers (at most ``irregular_max_orders`` orders, or no
    purchase in the previous period) get the adjustment at once; customers whose
    average discount exceeds what most A customers get (the ``a_discount_quantile``,
    default 75 %, of their discounts) are flagged, where a discount column is mapped, to
    bring their conditions back in line; the smallest (relative
    revenue below ``cheaper_channel_below``) are pointed to the cheapest sales channel.

References
----------
Curry, J. & Curry, A. (2000). *The Customer Marketing Method*. Free Press.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from toolkit.columns import as_categories, held, texts
from toolkit.csv_files import write_csv
from toolkit.i18n import TEXTS, t
from toolkit.params import ActionParams, PriceHintParams
from toolkit.segments import BUYING_LAYERS, LAYERS, _require, positions_in
from toolkit.xlsx import Sheet, write_workbook

#: Columns the actions analysis adds to the customer table, in order.
ACTION_COLUMNS = ("action", "contacts_per_year", "contact_channel", "priority", "price_hint", "price_hint_steps",
                  "price_hint_reason", "cheaper_channel")
#: Decimals of a customer's average discount (%), so equal discounts compare equal.
DISCOUNT_DECIMALS = 6
#: Actions in report order.
ACTIONS = ("retain", "rescue", "develop", "serve_efficiently", "reactivate", "let_go", "acquire")
#: Strategy per layer (text key ``strategy.<code>``).
LAYER_STRATEGY = {"top": "retain_deepen", "large": "retain_deepen", "medium_large": "develop",
                  "medium_small": "develop", "small": "serve_efficiently", "inactive": "reactivate_or_let_go",
                  "prospect": "acquire_lookalikes"}
#: Base action per layer, before the at-risk and inactive rules.
_BASE_ACTION = {"top": "retain", "large": "retain", "medium_large": "develop", "medium_small": "develop",
                "small": "serve_efficiently", "inactive": "let_go", "prospect": "acquire"}
_PRIORITY = {"retain": 1, "rescue": 1, "develop": 2, "reactivate": 2, "serve_efficiently": 3, "let_go": 3,
             "acquire": 3}
#: Customer columns a churn model may add (the first present is used).
CHURN_COLUMNS = ("churn_probability", "p_churn", "churn_prob")
#: Customer columns a CLV model may add (the first present is shown in the contact plan).
CLV_COLUMNS = ("clv", "clv_expected", "clv_12m", "customer_lifetime_value")
#: Customer column a product analysis may add: the product group to offer next (shown in the contact plan).
NEXT_GROUP_COLUMN = "next_best_group"
#: Columns of the contact plan (:func:`contact_plan`), in order; churn/CLV only when present.
PLAN_COLUMNS = ("customer_id", "layer", "abc_class", "rfm_segment", "action", "contacts_per_year", "channel",
                "priority", "revenue", "profit", "recency_days", "price_hint", "cheaper_channel")
#: Excel's row limit per sheet (header included).
EXCEL_MAX_ROWS = 1_048_576


def first_present(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that is a column of ``frame``, else None."""
    return next((n for n in names if n in frame.columns), None)


def customer_actions(customers: pd.DataFrame, *, policy: ActionParams | None = None) -> pd.DataFrame:
    """The recommended action, contacts per year, channel and priority per customer.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``pyramid_layer``; optional ``rfm_segment``, a churn column
        (:data:`CHURN_COLUMNS`), ``migration_from`` (layer in the earlier period).
    policy : ActionParams, optional
        Layer policies and at-risk rules; the defaults when omitted.

    Returns
    -------
    DataFrame
        Same rows and order: ``customer_id``, ``action`` (one of :data:`ACTIONS`),
        ``contacts_per_year`` (float), ``contact_channel`` (``account_manager``,
        ``phone``, ``email``, ``newsletter``, ``mail`` or ``none``), ``priority``
        (1 = first, 2, 3), ``at_risk`` (bool).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3", "4", "5"],
    ...     "pyramid_layer": ["top", "medium_small", "small", "inactive", "inactive"],
    ...     "rfm_segment": ["champions", "cant_lose", "at_risk", "inactive", "inactive"],
    ...     "migration_from": ["top", "small", "small", "large", "small"]})
    >>> cols = ["action", "contacts_per_year", "contact_channel", "priority"]
    >>> customer_actions(c)[cols].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['retain', 12.0, 'account_manager', 1], ['rescue', 3.0, 'phone', 1], ['serve_efficiently', 2.0, 'newsletter', 3],
     ['reactivate', 2.0, 'email', 2], ['let_go', 0.0, 'none', 3]]
    """
    _require(customers, ["customer_id", "pyramid_layer"], "customer_actions")
    policy = policy or ActionParams()
    # Work on codes, not strings: millions of customers stay vectorised.
    names = [*LAYERS, "prospect"]  # code -1 (an unknown layer) lands on the last entry: a prospect
    codes = _codes(customers["pyramid_layer"], LAYERS)
    buying = (codes >= 0) & (codes < len(BUYING_LAYERS))
    rescuable = (codes >= 0) & (codes < 4)
    act = np.array([ACTIONS.index(_BASE_ACTION[x]) for x in names])[codes]
    at_risk = np.zeros(len(customers), dtype=bool)
    if "rfm_segment" in customers:
        at_risk |= _codes(customers["rfm_segment"], policy.at_risk_segments) >= 0
    churn = first_present(customers, CHURN_COLUMNS)
    if churn and pd.api.types.is_numeric_dtype(customers[churn]):
        at_risk |= (customers[churn].astype(float) >= policy.churn_risk_high).fillna(False).to_numpy()
    at_risk &= buying
    act[at_risk & rescuable] = ACTIONS.index("rescue")
    if "migration_from" in customers:
        valuable = _codes(customers["migration_from"], BUYING_LAYERS[:4]) >= 0
        act[(codes == LAYERS.index("inactive")) & valuable] = ACTIONS.index("reactivate")
    policies = [policy.policy(name) for name in names]
    contacts = np.array([p.contacts_per_year for p in policies], dtype=float)[codes]
    # The channel as a code into the policies' channels, then "phone" and "none".
    channels = [*(p.channel for p in policies), "phone", "none"]
    channel = np.arange(len(policies))[codes]
    rescue, let_go = act == ACTIONS.index("rescue"), act == ACTIONS.index("let_go")
    personal = np.array([c in ("account_manager", "phone") for c in channels])
    channel[rescue & ~personal[channel]] = channels.index("phone")
    contacts[let_go] = 0.0
    channel[let_go] = channels.index("none")
    priority = np.array([_PRIORITY[a] for a in ACTIONS], dtype=np.int64)[act]
    return pd.DataFrame({"customer_id": held(customers["customer_id"]), "action": texts(act, ACTIONS),
                         "contacts_per_year": contacts, "contact_channel": texts(channel, channels),
                         "priority": priority, "at_risk": at_risk}, index=customers.index)


def _codes(values: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Position of each value in ``categories`` (-1 when it is not there or missing), looked up per distinct value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    where = pd.Index(list(categories)).get_indexer(pd.Index(uniques).astype(object))
    # One lookup per row; the -1 appended is where a missing value's code -1 lands.
    return np.append(where, -1).astype(np.int64)[codes]


def purchase_terms_expr(lines: ibis.Table, *, start: dt.date, end: dt.date, has_channel: bool,
                        has_discount: bool) -> ibis.Table:
    """Ibis expression: per customer with a purchase in ``(start, end]``, main sales channel and average discount.

    Returns
    -------
    ibis.Table
        ``customer_id``; ``main_channel`` (the channel of most orders, ties by name; null
        without a channel column); ``discount`` (average discount % over the positive
        lines, weighted by revenue; null without a discount column).
    """
    t = lines.filter(lines.date > ibis.date(start), lines.date <= ibis.date(end), lines.amount > 0)
    if has_discount:
        # Exact decimal sums, so the result does not depend on the order in which a parallel
        # engine adds the lines; rounded, so a customer with one discount on every line gets
        # exactly that discount (compared with the A customers' quantile in price_hints).
        amount = t.amount.cast("decimal(18, 4)")
        weighted = (t.discount.cast("decimal(18, 6)") * amount).sum().cast("float64")
        base = t.group_by("customer_id").aggregate(
            discount=(weighted / amount.sum().cast("float64")).round(DISCOUNT_DECIMALS))
    else:  # a null literal has no .sum(): add the empty column after grouping
        base = t.group_by("customer_id").aggregate().mutate(discount=ibis.null().cast("float64"))
    if not has_channel:
        return base.mutate(main_channel=ibis.null().cast("string"))
    per_channel = (t.select("customer_id", "order_key", "sales_channel").distinct()
                   .group_by(["customer_id", "sales_channel"]).aggregate(n=ibis._.count()))
    rank = ibis.row_number().over(group_by=per_channel.customer_id,
                                  order_by=[ibis.desc(per_channel.n), per_channel.sales_channel])
    main = per_channel.mutate(_k=rank).filter(ibis._._k == 0)
    j = base.left_join(main, "customer_id")
    return j.select(customer_id=base.customer_id, main_channel=main.sales_channel, discount=base.discount)


def price_hints(customers: pd.DataFrame, *, params: PriceHintParams | None = None,
                terms: pd.DataFrame | None = None, cheapest_channel: str | None = None) -> pd.DataFrame:
    """A suggested price-adjustment band, its steps and the reasons, per C customer.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``abc_class``, ``revenue``, ``orders``, ``revenue_previous``.
    params : PriceHintParams, optional
        Bands and thresholds; the defaults when omitted.
    terms : DataFrame, optional
        :func:`purchase_terms_expr` output (``customer_id, main_channel, discount``).
    cheapest_channel : str, optional
        The sales channel to suggest to the smallest customers (none when omitted).

    Returns
    -------
    DataFrame
        Same rows and order: ``customer_id``; ``relative_revenue`` (revenue / average
        revenue per buying customer); ``price_hint`` (e.g. ``"5-8%"``, empty for non-C
        customers); ``price_hint_min``, ``price_hint_max`` (%); ``price_hint_steps``
        (1 = at once; Int64); ``price_hint_reason`` (codes joined by ``+``: ``irregular``
        or ``regular``, then ``better_than_a``, ``cheaper_channel``); ``discount`` (% or
        NaN), ``a_discount`` (the A customers' reference discount, %), ``cheaper_channel``.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2", "3"], "abc_class": ["A", "C", "C"],
    ...     "revenue": [1700.0, 20.0, 280.0], "orders": [9, 1, 4], "revenue_previous": [1500.0, 0.0, 250.0]})
    >>> h = price_hints(c)  # average 2000 / 3 = 666.67: relative revenue 0.03 and 0.42
    >>> h[["price_hint", "price_hint_steps", "price_hint_reason"]].values.tolist()
    [[<NA>, <NA>, <NA>], ['8-12%', 1, 'irregular'], ['3-5%', 2, 'regular']]
    """
    _require(customers, ["customer_id", "abc_class", "revenue", "orders", "revenue_previous"], "price_hints")
    params = params or PriceHintParams()
    n = len(customers)
    revenue = customers["revenue"].astype(float).to_numpy()
    buying = revenue > 0
    avg = revenue[buying].mean() if buying.any() else np.nan
    rel = revenue / avg if avg and avg > 0 else np.full(n, np.nan)
    abc = _codes(customers["abc_class"], ["A", "B", "C"])
    is_c = (abc == 2) & buying
    bounds = np.array([b.below for b in params.bands[:-1]], dtype=float)
    band = np.searchsorted(bounds, np.nan_to_num(rel, nan=np.inf), side="right")
    lo = np.array([b.min_pct for b in params.bands])[band]
    hi = np.array([b.max_pct for b in params.bands])[band]
    step = np.array([b.step_pct for b in params.bands])[band]
    orders = customers["orders"].astype("int64").to_numpy()
    irregular = (orders <= params.irregular_max_orders) | (customers["revenue_previous"].astype(float).to_numpy() <= 0)
    discount = np.full(n, np.nan)
    moves = np.zeros(n, dtype=bool)  # to the cheapest channel
    if terms is not None and len(terms):
        # Each customer's row in terms, found once for both columns (-1: none).
        rows = positions_in(customers["customer_id"].astype(str), terms["customer_id"].astype(str))
        found = rows >= 0
        discount[found] = terms["discount"].astype(float).to_numpy()[rows[found]]
        if cheapest_channel:  # a known main channel other than the cheapest
            main = terms["main_channel"]
            elsewhere = main.notna().to_numpy() & (_codes(main, [cheapest_channel]) != 0)
            moves[found] = elsewhere[rows[found]] & is_c[found] & (rel[found] < params.cheaper_channel_below)
    a_rows = (abc == 0) & ~np.isnan(discount)
    a_disc = float(np.quantile(discount[a_rows], params.a_discount_quantile)) if a_rows.any() else np.nan
    better = is_c & ~np.isnan(discount) & (discount > a_disc) if not np.isnan(a_disc) else np.zeros(n, dtype=bool)
    steps = np.where(irregular, 1, np.ceil(hi / step - 1e-9)).astype(np.int64)
    # The reason as a code into its 8 texts (bit 0 regular, 1 better_than_a, 2 cheaper_channel),
    # not millions of concatenated strings.
    reasons = [f"{r}{b}{c}" for c in ("", "+cheaper_channel") for b in ("", "+better_than_a")
               for r in ("irregular", "regular")]
    reason = (~irregular).astype(np.int64) + 2 * better + 4 * moves
    hints = [f"{_pct(b.min_pct)}-{_pct(b.max_pct)}%" for b in params.bands]
    out = pd.DataFrame({"customer_id": held(customers["customer_id"]), "relative_revenue": rel,
                        "price_hint": texts(np.where(is_c, band, -1), hints, "string"),
                        "price_hint_min": np.where(is_c, lo, np.nan), "price_hint_max": np.where(is_c, hi, np.nan),
                        "price_hint_steps": pd.arrays.IntegerArray(steps, mask=~is_c),
                        "price_hint_reason": texts(np.where(is_c, reason, -1), reasons, "string"),
                        "discount": discount, "a_discount": a_disc,
                        "cheaper_channel": texts(np.where(moves, 0, -1), [cheapest_channel or ""], "string")},
                       index=customers.index)
    return out


def _pct(x: float) -> str:
    """A percentage bound without trailing zeros: 5 -> "5", 2.5 -> "2.5"."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def cheapest(costs: Mapping[str, float] | None, fallback: str | None = None) -> str | None:
    """The channel with the lowest order cost (ties by name), else ``fallback``.

    Examples
    --------
    >>> cheapest({"winkel": 5.0, "online": 3.5}), cheapest(None, "online")
    ('online', 'online')
    """
    if fallback:
        return fallback
    if not costs:
        return None
    return min(sorted(costs), key=lambda k: costs[k])


def contact_plan(customers: pd.DataFrame) -> pd.DataFrame:
    """The contact plan: one row per customer and prospect, most urgent first. No personal data.

    Parameters
    ----------
    customers : DataFrame
        The customer table with the :data:`ACTION_COLUMNS` and ``pyramid_layer``,
        ``abc_class``, ``revenue``; ``rfm_segment``, ``profit``, ``recency_days`` and a
        churn/CLV column when present.

    Returns
    -------
    DataFrame
        :data:`PLAN_COLUMNS` (``layer`` is the pyramid layer, ``channel`` the contact
        channel), then ``churn_probability``, ``clv`` and ``next_best_group`` when other
        analyses added them; sorted by priority, layer (top first), revenue (highest first),
        then the order of ``customers``.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["1", "2"], "pyramid_layer": ["small", "top"], "abc_class": ["C", "A"],
    ...     "revenue": [10.0, 900.0], "action": ["serve_efficiently", "retain"], "contacts_per_year": [2.0, 12.0],
    ...     "contact_channel": ["newsletter", "account_manager"], "priority": [3, 1], "price_hint": ["8-12%", None],
    ...     "cheaper_channel": [None, None]})
    >>> contact_plan(c)["customer_id"].tolist()
    ['2', '1']
    """
    _require(customers, ["customer_id", "pyramid_layer", "abc_class", "revenue", "action", "contacts_per_year",
                         "contact_channel", "priority"], "contact_plan")
    def column(name: str) -> object:
        return held(customers[name]) if name in customers else None

    layer_codes = _codes(customers["pyramid_layer"], LAYERS)
    # No copy: the sort below copies every column anyway (and shares none with ``customers``).
    out = pd.DataFrame({"customer_id": column("customer_id"), "layer": texts(layer_codes, LAYERS),
                        "abc_class": column("abc_class"), "rfm_segment": column("rfm_segment"),
                        "action": column("action"),
                        "contacts_per_year": customers["contacts_per_year"].astype(float).to_numpy(),
                        "channel": column("contact_channel"),
                        "priority": customers["priority"].astype("int64").to_numpy(),
                        "revenue": customers["revenue"].astype(float).to_numpy(),
                        "profit": customers["profit"].astype(float).to_numpy() if "profit" in customers else np.nan,
                        "recency_days": (pd.to_numeric(customers["recency_days"]).astype("Int64").to_numpy()
                                         if "recency_days" in customers
                                         else pd.array([None] * len(customers), dtype="Int64")),
                        "price_hint": column("price_hint"), "cheaper_channel": column("cheaper_channel")},
                       copy=False)
    for target, names in (("churn_probability", CHURN_COLUMNS), ("clv", CLV_COLUMNS)):
        col = first_present(customers, names)
        if col and pd.api.types.is_numeric_dtype(customers[col]):
            out[target] = customers[col].astype(float).to_numpy()
    if NEXT_GROUP_COLUMN in customers:
        out[NEXT_GROUP_COLUMN] = column(NEXT_GROUP_COLUMN)
    # The customer table is in a fixed order (layer, rank, id): it breaks the remaining ties.
    keys = (np.arange(len(out)), -out["revenue"].to_numpy(), layer_codes % (len(LAYERS) + 1),
            out["priority"].to_numpy())
    return out.iloc[np.lexsort(keys)].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Writing the contact plan


def _labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The plan with codes replaced by labels and headers translated (for the workbook)."""
    out = frame.copy()
    for col, prefix in (("layer", "layer."), ("rfm_segment", "rfm_segment."), ("action", "action."),
                        ("channel", "channel."), ("priority", "priority.")):
        # Label each distinct code once: a plan has millions of rows but a handful of codes.
        codes, uniques = pd.factorize(out[col], use_na_sentinel=True)
        labels = np.array([*(_label(prefix, u, lang) for u in np.asarray(uniques, dtype=object)), None], dtype=object)
        out[col] = labels[codes]
    return out.rename(columns={c: t(f"plan.col.{c}", lang) for c in out.columns})


def _label(prefix: str, code: object, lang: str) -> object:
    """The text for ``prefix + code``, or the code itself when there is none (custom names)."""
    if code is None or code is pd.NA or (isinstance(code, float) and math.isnan(code)):
        return None
    key = f"{prefix}{code}"
    return t(key, lang) if key in TEXTS else str(code)


def plan_overview(frame: pd.DataFrame) -> pd.DataFrame:
    """Per layer and action: customers and contacts per year (the workload), in report order.

    Returns
    -------
    DataFrame
        ``layer``, ``action``, ``customers``, ``contacts_per_year`` (sum), ``revenue``
        (euro); only combinations that occur.

    Examples
    --------
    >>> p = pd.DataFrame({"layer": ["top", "top", "small"], "action": ["retain", "rescue", "serve_efficiently"],
    ...                   "contacts_per_year": [12.0, 12.0, 2.0], "revenue": [900.0, 800.0, 10.0]})
    >>> plan_overview(p)[["layer", "action", "customers", "contacts_per_year"]].values.tolist()
    [['top', 'retain', 1, 12.0], ['top', 'rescue', 1, 12.0], ['small', 'serve_efficiently', 1, 2.0]]
    """
    _require(frame, ["layer", "action", "contacts_per_year", "revenue"], "plan_overview")
    f = pd.DataFrame({"layer": as_categories(frame["layer"], LAYERS),
                      "action": as_categories(frame["action"], ACTIONS),
                      "contacts_per_year": frame["contacts_per_year"].astype(float),
                      "revenue": frame["revenue"].astype(float)})
    g = f.groupby(["layer", "action"], observed=True)
    out = pd.DataFrame({"customers": g.size(), "contacts_per_year": g["contacts_per_year"].sum(),
                        "revenue": g["revenue"].sum()}).reset_index()
    out = out[out["customers"] > 0].sort_values(["layer", "action"]).reset_index(drop=True)
    out["layer"] = out["layer"].astype(str)
    out["action"] = out["action"].astype(str)
    return out


def write_contact_plan(frame: pd.DataFrame, folder: str | Path, *, lang: str) -> tuple[Path, Path]:
    """Write ``contact_plan.xlsx`` (formatted, filterable) and ``contact_plan.csv`` (for a CRM) into ``folder``.

    The workbook has an overview sheet (customers, contacts per year and revenue per
    layer and action) and one sheet per layer (a layer above Excel's row limit continues
    on a second sheet), each with a coloured, frozen header row, an autofilter, fitted
    column widths and number formats, with labels in ``lang``. The CSV (UTF-8, comma,
    decimal point) keeps the stable codes and column names of :data:`PLAN_COLUMNS`, so a
    CRM import mapping works for every run and language. Only customer ids identify a
    customer: no name, e-mail, phone or street.

    Parameters
    ----------
    frame : DataFrame
        :func:`contact_plan` output (``RunResults.frames["contact_plan"]``).
    folder : path-like
        Existing output folder.
    lang : {"nl", "en"}

    Returns
    -------
    (Path, Path)
        The workbook and the CSV.

    Examples
    --------
    >>> import tempfile
    >>> p = pd.DataFrame({"customer_id": ["1"], "layer": ["top"], "abc_class": ["A"], "rfm_segment": ["champions"],
    ...     "action": ["retain"], "contacts_per_year": [12.0], "channel": ["account_manager"], "priority": [1],
    ...     "revenue": [900.0], "profit": [200.0], "recency_days": [3], "price_hint": [None],
    ...     "cheaper_channel": [None]})
    >>> xlsx, csv = write_contact_plan(p, tempfile.mkdtemp(), lang="en")
    >>> csv.read_text().splitlines()[1]
    '1,top,A,champions,retain,12.0,account_manager,1,900.0,200.0,3,,'
    """
    _require(frame, list(PLAN_COLUMNS), "write_contact_plan")
    folder = Path(folder)
    csv_path, xlsx_path = folder / "contact_plan.csv", folder / "contact_plan.xlsx"
    write_csv(frame, csv_path)
    money = "#,##0.00"
    formats = {t(f"plan.col.{c}", lang): f for c, f in (("revenue", money), ("profit", money), ("clv", money),
                                                         ("contacts_per_year", "0.0"),
                                                         ("churn_probability", "0%"))}
    overview = plan_overview(frame)
    overview = overview.assign(layer=[t(f"layer.{x}", lang) for x in overview["layer"]],
                               action=[t(f"action.{x}", lang) for x in overview["action"]])
    overview = overview.rename(columns={c: t(f"plan.col.{c}", lang) for c in overview.columns})
    sheets = [Sheet(t("plan.sheet_overview", lang), overview, formats)]
    labelled = _labelled(frame, lang)
    per_sheet = EXCEL_MAX_ROWS - 1
    layers = frame["layer"].to_numpy()
    for layer in LAYERS:
        rows = labelled[layers == layer]
        if rows.empty:
            continue
        parts = max(1, math.ceil(len(rows) / per_sheet))
        for k in range(parts):
            name = t(f"layer.{layer}", lang) + (f" ({k + 1})" if parts > 1 else "")
            sheets.append(Sheet(name, rows.iloc[k * per_sheet:(k + 1) * per_sheet], formats))
    write_workbook(xlsx_path, sheets)
    return xlsx_path, csv_path
