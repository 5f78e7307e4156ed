"""Report building blocks: computed frames in, safe HTML out.

Every value that reaches the HTML goes through :func:`toolkit.i18n.esc`, so a client
name or a data value with quotes, tags or code in it shows as text and never runs.
Figures are inlined as SVG (vector, crisp in print) with numbered captions.

Example
-------
>>> table_html(["a", "b"], [["1", "<2>"]], align="lr")  # doctest: +NORMALIZE_WHITESPACE
'<table class="kp-table"><thead><tr><th class="l">a</th><th class="r">b</th></tr></thead><tbody><tr><td
class="l">1</td><td class="r">&lt;2&gt;</td></tr></tbody></table>'
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.i18n import esc, fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, t
from toolkit.segments import BUYING_LAYERS, LAYERS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from toolkit.pipeline import RunResults


# ---------------------------------------------------------------------------------------------
# Generic blocks


def paragraph(text: str, css_class: str | None = None) -> str:
    """A paragraph of (escaped) text."""
    cls = f' class="{css_class}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def heading(text: str, level: int = 2) -> str:
    """A section heading inside a chapter (h2/h3)."""
    return f"<h{level}>{esc(text)}</h{level}>"


def bullets(items: Sequence[str], css_class: str = "kp-list") -> str:
    """A bulleted list of (escaped) sentences."""
    return f'<ul class="{css_class}">' + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]], *, align: str | None = None,
               caption: str | None = None, total: Sequence[str] | None = None,
               css_class: str = "kp-table") -> str:
    """A plain HTML table of pre-formatted strings.

    Parameters
    ----------
    header : sequence of str
    rows : sequence of sequences of str
    align : str, optional
        One letter per column, ``l`` or ``r`` (default: first column left, rest right).
    caption : str, optional
        Shown above the table, numbered ("Tabel n").
    total : sequence of str, optional
        A bold last row.
    """
    align = align or "l" + "r" * (len(header) - 1)
    head = "".join(f'<th class="{a}">{esc(h)}</th>' for h, a in zip(header, align, strict=True))
    body = "".join(("<tr class=\"subtotal\">" if isinstance(r, Subtotal) else "<tr>")
                   + "".join(f'<td class="{a}">{_cell(v)}</td>' for v, a in zip(r, align, strict=True))
                   + "</tr>" for r in rows)
    foot = ("<tfoot><tr>" + "".join(f'<td class="{a}">{_cell(v)}</td>' for v, a in zip(total, align, strict=True))
            + "</tr></tfoot>") if total else ""
    if len(header) >= 8:  # wide tables get a smaller font so they fit the A4 text width
        css_class += " wide"
    table = f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>'
    if not caption:
        return table
    # The caption sits in a wrapper that never breaks, so it cannot be orphaned at a page end.
    return f'<div class="kp-table-wrap"><p class="kp-caption">{esc(caption)}</p>{table}</div>'


class Subtotal(list):
    """A table row shown as a subtotal (bold, with a rule above)."""


class Detail(str):
    """A table cell value with a second, smaller line (e.g. a file name with its format)."""

    def __new__(cls, main: str, detail: str) -> Detail:
        obj = super().__new__(cls, main)
        obj.detail = detail
        return obj


class Indent(str):
    """A first-column cell shown indented (a 'of which' row)."""


def _cell(value: str) -> str:
    if isinstance(value, Indent):
        return f'<span class="indent">{esc(value)}</span>'
    if isinstance(value, Detail):
        return f'{esc(str.__str__(value))}<br><span class="detail">{esc(value.detail)}</span>'
    return esc(value)


_SVG_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)


def figure_svg(fig: Figure | Axes) -> str:
    """Render a matplotlib figure to an inline SVG string (no date stamp) and close it."""
    import matplotlib.pyplot as plt

    figure = getattr(fig, "figure", fig)
    buf = io.StringIO()
    # A fixed salt makes element ids, and so the SVG bytes, the same on every run.
    with plt.rc_context({"svg.hashsalt": "klantpiramide", "svg.fonttype": "path"}):
        figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = _SVG_PROLOG.sub("", buf.getvalue(), count=1)
    # Drop <metadata> blocks: they hold nothing a reader needs.
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def figure_html(fig: Figure | Axes, caption: str) -> str:
    """A numbered figure with a caption, the chart inlined as SVG."""
    return f'<figure class="kp-figure">{figure_svg(fig)}<figcaption>{esc(caption)}</figcaption></figure>'


def note_box(text: str) -> str:
    """A highlighted box for a short 'how to read this' or a warning."""
    return f'<div class="kp-note">{esc(text)}</div>'


# ---------------------------------------------------------------------------------------------
# Data and quality chapter


def human_date_format(fmt: str, lang: str) -> str:
    """A strptime format as a reader writes it: ``%d-%m-%Y`` -> ``dd-mm-jjjj`` (nl) / ``dd-mm-yyyy`` (en).

    Examples
    --------
    >>> human_date_format("%Y-%m-%d %H:%M:%S", "en")
    'yyyy-mm-dd hh:mm:ss'
    """
    y = "j" if lang == "nl" else "y"
    h = "u" if lang == "nl" else "h"
    for code, text in (("%Y", y * 4), ("%y", y * 2), ("%d", "dd"), ("%m", "mm"), ("%H", h * 2), ("%M", "mm"),
                       ("%S", "ss"), ("%f", "ffffff"), ("%B", "maand" if lang == "nl" else "month")):
        fmt = fmt.replace(code, text)
    return fmt


def format_description(fmt: dict[str, Any], lang: str) -> str:
    nl = lang == "nl"
    parts = [fmt.get("kind", "").upper()]
    if fmt.get("delimiter"):
        d = {"\t": "TAB", ";": "';'", ",": "','", "|": "'|'"}[fmt["delimiter"]]
        parts.append(("scheidingsteken " if nl else "delimiter ") + d)
    if fmt.get("encoding"):
        enc = fmt["encoding"].upper()
        parts.append(enc.replace(" (BOM)", " met BOM" if nl else " with BOM"))
    if fmt.get("sheet"):
        parts.append(("tabblad " if nl else "sheet ") + f"'{fmt['sheet']}'")
    if fmt.get("decimal"):
        parts.append(("decimaalteken " if nl else "decimal ") + f"'{fmt['decimal']}'")
    dates = fmt.get("date_formats") or {}
    if dates:
        shown = sorted({human_date_format(f, lang) if "%" in f else
                        ("Excel-datums" if nl else "Excel dates") if "native" in f or "Excel" in f else f
                        for f in dates.values()})
        parts.append(("datums " if nl else "dates ") + ", ".join(shown))
    return ", ".join(p for p in parts if p)


def files_table(run: RunResults) -> str:
    """The source files: role, name with the format detected, rows read/usable/excluded, fingerprint."""
    lang = run.lang
    rows = []
    for role, rep in run.quality.items():
        name = rep.path.replace("\\", "/").rsplit("/", 1)[-1]
        rows.append([Detail(t(f"role.{role}", lang) + ": " + name, format_description(rep.file_format, lang)),
                     fmt_int(rep.rows_read, lang), fmt_int(rep.rows_usable, lang),
                     fmt_int(rep.rows_excluded, lang), rep.sha256[:12]])
    header = [t(k, lang) for k in ("col.file", "col.rows_read", "col.rows_usable", "col.rows_excluded",
                                   "col.fingerprint")]
    return table_html(header, rows, align="lrrrl", caption=t("quality.files", lang))


def coverage_text(run: RunResults) -> str:
    """One paragraph: the data range, the analysis period and the comparison period."""
    lang, p = run.lang, run.period
    months = (run.data_last.year - run.data_first.year) * 12 + run.data_last.month - run.data_first.month + 1
    period = t("period.range", lang, start=fmt_date(p.first_day, lang), end=fmt_date(p.end, lang))
    previous = t("period.range", lang, start=fmt_date(p.previous_start + dt.timedelta(days=1), lang),
                 end=fmt_date(p.start, lang))
    return paragraph(t("quality.coverage", lang, first=fmt_date(run.data_first, lang),
                       last=fmt_date(run.data_last, lang), months=months, period=period, previous=previous))


def _money2(value: str | None, lang: str) -> str:
    return fmt_money(float(value), lang, 2) if value is not None else t("quality.no_amount", lang)


def reconciliation_table(run: RunResults) -> str:
    """Amount read = amount used + excluded per reason, to the cent (transactions)."""
    from decimal import Decimal

    lang = run.lang
    rep = run.quality["transactions"]
    cust = run.customers
    in_period = float(cust["revenue"].sum())
    rows = [[t("quality.row_read", lang), fmt_int(rep.rows_read, lang), _money2(rep.amount_read, lang)],
            [t("quality.row_usable", lang), fmt_int(rep.rows_usable, lang), _money2(rep.amount_usable, lang)],
            [Indent(t("quality.row_in_period", lang)), "", fmt_money(in_period, lang, 2)],
            [Indent(t("quality.row_before_period", lang)), "",
             fmt_money(float(Decimal(rep.amount_usable)) - in_period, lang, 2)]]
    excluded = Decimal(0)
    for e in rep.exclusions:
        rows.append([t("quality.row_excluded", lang, reason=t(f"reason.{e['reason']}", lang)),
                     fmt_int(e["rows"], lang), _money2(e["amount"], lang)])
        excluded += Decimal(e["amount"] or 0)
    diff = Decimal(rep.amount_read) - Decimal(rep.amount_usable) - excluded
    total = [t("quality.row_difference", lang), "", fmt_money(float(diff), lang, 2)]
    header = [t("col.item", lang), t("col.rows", lang), t("col.amount", lang)]
    return table_html(header, rows, caption=t("quality.reconciliation", lang), total=total)


def examples_table(run: RunResults, role: str = "transactions") -> str:
    """Example excluded lines per reason (line number, column, value); a sentence when there are none.

    Returns an empty string when the run has no source for ``role``.
    """
    lang = run.lang
    rep = run.quality.get(role)
    if rep is None or (not rep.examples and role != "transactions"):
        return ""
    if not rep.examples:
        return paragraph(t("quality.nothing_excluded", lang))
    rows = [[t(f"reason.{e['reason']}", lang), fmt_int(e["row"], lang), e["column"] or "–",
             "–" if e["value"] is None else e["value"]] for e in rep.examples]
    header = [t("col.reason", lang), t("col.line", lang), t("col.column", lang), t("col.value", lang)]
    return table_html(header, rows, align="lrll", caption=t("quality.examples", lang), css_class="kp-table small")


def note_text(note: dict[str, Any], lang: str) -> str:
    """A data-quality note (``code`` plus values, from a SourceReport or a run) as a sentence.

    Examples
    --------
    >>> note_text({"code": "negative_lines", "rows": 1200, "amount": "-3456.5"}, "en")[:40]
    '1,200 lines are negative (returns and cr'
    """
    values = {k: v for k, v in note.items() if k != "code"}
    for k in ("rows", "n", "comma", "point"):
        if k in values:
            values[k] = fmt_int(values[k], lang)
    if "amount" in values:
        values["amount"] = fmt_money(float(values["amount"]), lang, 2)
    for k in ("first", "previous_first"):
        if k in values:
            values[k] = fmt_date(dt.date.fromisoformat(values[k]), lang)
    if "format" in values and "%" in str(values["format"]):
        values["format"] = human_date_format(values["format"], lang)
    return t(f"warn.{note['code']}", lang, **values)


def quality_notes(run: RunResults) -> str:
    """The odd-but-usable findings of every source and of the run, as sentences."""
    lang = run.lang
    items = []
    for rep in run.quality.values():
        for w in rep.warnings:
            items.append(note_text(w, lang))
    for n in run.notes:
        items.append(note_text(n, lang))
    return bullets(items) if items else paragraph(t("quality.no_notes", lang))


def customers_master_text(run: RunResults) -> str:
    """What the customer master contributed (or that there is none)."""
    lang = run.lang
    rep = run.quality.get("customers")
    if rep is None:
        return paragraph(t("quality.no_customers", lang))
    prospects = int((run.customers["pyramid_layer"] == "prospect").sum())
    key = "quality.customers_text" if run.customers_not_in_master else "quality.customers_text_all"
    return paragraph(t(key, lang, usable=fmt_int(rep.rows_usable, lang), prospects=fmt_int(prospects, lang),
                       not_in_master=fmt_int(run.customers_not_in_master, lang)))


# ---------------------------------------------------------------------------------------------
# Customer pyramid chapter


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


__all__ = [
    "LAYERS", "abc_table", "bullets", "coverage_text", "customers_master_text", "examples_table", "figure_html",
    "figure_svg", "files_table", "heading", "key_figure_sentences", "layer_table", "note_box", "note_text", "paragraph",
    "pareto_intro", "pyramid_intro", "quality_notes", "reconciliation_table", "table_html",
]
