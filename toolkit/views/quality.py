"""Report blocks of the data-quality chapter."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from toolkit.i18n import fmt_date, fmt_int, fmt_money, t
from toolkit.views.core import (
    Detail,
    Indent,
    bullets,
    paragraph,
    table_html,
)

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults




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
    """What was read, in words: kind, delimiter, encoding, sheet, decimal sign, date formats."""
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
    if "examples" in values:
        values["examples"] = ", ".join(f"'{e}'" if " = " not in e else e for e in values["examples"])
    if "formats" in values:
        values["formats"] = ", ".join(human_date_format(f, lang) for f in values["formats"])
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


