"""Report blocks of the customer-pyramid chapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.i18n import fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import BUYING_LAYERS, LAYERS
from toolkit.views.core import (
    Subtotal,
    bullets,
    paragraph,
    table_html,
)

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults




def _share_label(share: float, lang: str) -> str:
    return fmt_number(share, lang, 0 if float(share).is_integer() else 1) + "%"


def pyramid_intro(run: RunResults, layers: pd.DataFrame) -> str:
    """The paragraph that explains the pyramid, with this run's numbers and basis."""
    lang = run.lang
    n = int(layers.loc[layers["layer"].isin(BUYING_LAYERS), "customers"].sum())
    basis = t(f"basis.{run.params.pyramid_basis}", lang)
    shares = run.params.pyramid_shares
    if [shares[k] for k in BUYING_LAYERS] == [1, 4, 15, 30, 50]:
        return paragraph(t("pyramid.intro", lang, n=fmt_int(n, lang), basis=basis))
    return paragraph(t("pyramid.intro_custom", lang, n=fmt_int(n, lang), basis=basis,
                       shares=" / ".join(_share_label(shares[k], lang) for k in BUYING_LAYERS)))


def layer_table(run: RunResults, layers: pd.DataFrame) -> str:
    """The layer table: customers, shares, revenue, margin and revenue per customer per layer.

    The buying layers are followed by a subtotal of all buyers (the base of "% of buyers"),
    then inactive customers and prospects; the total row covers every customer.
    """
    lang = run.lang
    has_margin = layers["margin"].notna().any()

    def row(label: str, customers: float, cshare: float, revenue: float, rshare: float, margin: float,
            mshare: float, per_customer: float) -> list[str]:
        cells = [label, fmt_int(customers, lang), fmt_pct(cshare, lang), fmt_money(revenue, lang),
                 fmt_pct(rshare, lang)]
        if has_margin:
            cells += [fmt_money(margin, lang), fmt_pct(mshare, lang)]
        return [*cells, fmt_money(per_customer, lang)]

    by_layer = layers.set_index("layer")
    rows = []
    for name in LAYERS:
        r = by_layer.loc[name]
        rows.append(row(t(f"layer.{name}", lang), r["customers"], r["customer_share"], r["revenue"],
                        r["revenue_share"], r["margin"], r["margin_share"], r["revenue_per_customer"]))
        if name == BUYING_LAYERS[-1]:
            b = by_layer.loc[list(BUYING_LAYERS)]
            n = b["customers"].sum()
            rows.append(Subtotal(row(t("layer.buyers", lang), n, 1.0 if n else float("nan"), b["revenue"].sum(),
                                     b["revenue_share"].sum(), b["margin"].sum(), b["margin_share"].sum(),
                                     b["revenue"].sum() / n if n else float("nan"))))
    total = row(t("layer.total", lang), layers["customers"].sum(), float("nan"), layers["revenue"].sum(),
                1.0, layers["margin"].sum(), 1.0 if layers["margin_share"].notna().any() else float("nan"),
                float("nan"))
    header = [t("col.layer", lang), t("col.customers", lang), t("col.customer_share", lang), t("col.revenue", lang),
              t("col.revenue_share", lang)]
    if has_margin:
        header += [t("col.margin", lang), t("col.margin_share", lang)]
    header.append(t("col.revenue_per_customer", lang))
    return table_html(header, rows, caption=t("pyramid.table_caption", lang), total=total,
                      css_class="kp-table first-nowrap")


def key_figure_sentences(run: RunResults, figures: pd.DataFrame, layers: pd.DataFrame) -> str:
    """The method's key figures as plain sentences with numbers."""
    lang = run.lang
    f = figures.set_index("key")["value"]
    items = [t("kf.base", lang, buying=fmt_int(f["buying_customers"], lang),
               inactive=fmt_int(f["inactive_customers"], lang), prospects=fmt_int(f["prospects"], lang),
               revenue=fmt_money(f["revenue"], lang), avg=fmt_money(f["revenue_per_customer"], lang)),
             t("kf.top20_revenue", lang, n=fmt_int(f["top20_customers"], lang),
               share=fmt_pct(f["top20_revenue_share"], lang))]
    if pd.notna(f["top20_margin_share"]):
        over = t("kf.top20_margin_over", lang) if f["top20_margin_share"] > 1 else ""
        items.append(t("kf.top20_margin", lang, share=fmt_pct(f["top20_margin_share"], lang), over=over))
    top = layers.set_index("layer").loc["top"]
    if top["customers"] > 0 and f["revenue_per_customer"] > 0:
        items.append(t("kf.top_layer", lang, n=fmt_int(top["customers"], lang), cshare=fmt_pct(top["customer_share"],
                       lang), share=fmt_pct(top["revenue_share"], lang), avg=fmt_money(top["revenue_per_customer"],
                       lang), times=fmt_number(top["revenue_per_customer"] / f["revenue_per_customer"], lang, 0)))
    items.append(t("kf.new_existing", lang, share_existing=fmt_pct(1 - f["revenue_new_share"], lang),
                   n_new=fmt_int(f["new_customers"], lang), rev_new=fmt_money(f["revenue_new"], lang),
                   share_new=fmt_pct(f["revenue_new_share"], lang)))
    if f["previous_buying_customers"] > 0:
        items.append(t("kf.lost", lang, n_lost=fmt_int(f["lost_customers"], lang),
                       rev_lost=fmt_money(f["revenue_lost"], lang), n_prev=fmt_int(f["previous_buying_customers"],
                       lang), retention=fmt_pct(f["retention_rate"], lang)))
    return bullets(items, css_class="kp-list key-figures")


def pareto_intro(run: RunResults) -> str:
    """How to read the Pareto curve and the ABC classes."""
    a, b = run.params.abc_thresholds
    return paragraph(t("pyramid.pareto_intro", run.lang, a=fmt_number(a, run.lang, 0), b=fmt_number(b, run.lang, 0)))


def abc_table(run: RunResults, abc: pd.DataFrame) -> str:
    """Customers and revenue per ABC class."""
    lang = run.lang
    rows = [[r["abc_class"], fmt_int(r["customers"], lang), fmt_pct(r["customer_share"], lang),
             fmt_money(r["revenue"], lang), fmt_pct(r["revenue_share"], lang)] for _, r in abc.iterrows()]
    total = [t("layer.total", lang), fmt_int(abc["customers"].sum(), lang), fmt_pct(1.0, lang),
             fmt_money(abc["revenue"].sum(), lang), fmt_pct(1.0, lang)]
    header = [t("col.abc_class", lang), t("col.customers", lang), t("col.customer_share", lang),
              t("col.revenue", lang), t("col.revenue_share", lang)]
    return table_html(header, rows, caption=t("pyramid.abc_caption", lang), total=total)


