"""Every user-visible string of the report, in Dutch and English, and number formatting.

Formatting does not use the process locale, so a report looks the same on every
machine: Dutch ``€ 1.234.567`` and ``12,3%``, English ``€1,234,567`` and ``12.3%``.

Example
-------
>>> t("layer.medium_large", "nl"), fmt_money(1234.5, "nl", decimals=2), fmt_pct(0.123, "en")
('Middelgroot', '€ 1.234,50', '12.3%')
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import string
from typing import Any

LANGUAGES = ("nl", "en")


def _collect_texts() -> dict[str, dict[str, str]]:
    """Merge ``TEXTS`` of every module in :mod:`toolkit.texts` (one module per concern)."""
    import importlib
    import pkgutil

    import toolkit.texts

    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(toolkit.texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"toolkit.texts.{info.name}")
        for key, value in module.TEXTS.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} is defined twice (again in toolkit.texts.{info.name})")
            merged[key] = value
    return merged

MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
MONTHS_SHORT = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

TEXTS: dict[str, dict[str, str]] = _collect_texts()


_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _is_one(value: Any) -> bool:
    return str(value).strip().lstrip("-") in ("1", "1.0", "1,0")


def t(key: str, lang: str, **values: Any) -> str:
    r"""The text for ``key`` in ``lang``, with ``{placeholders}`` filled in.

    ``{name|one|other}`` picks the singular or plural word by the value of ``name``
    (which may already be formatted, like "1.234").

    Raises
    ------
    KeyError
        For an unknown key (a programming error, not a user one).

    Examples
    --------
    >>> t("report.generated_with", "en", version="1.0")
    'Made with Klantpiramide 1.0'
    >>> print(t("warn.order_id_missing", "en", rows="1", column="nr").split(";")[0])
    1 line has no order id in column 'nr'
    """
    text = TEXTS[key][lang]
    if values:
        text = _PLURAL.sub(lambda m: m.group(2) if _is_one(values.get(m.group(1), "")) else m.group(3), text)
        return text.format(**values)
    return text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` used in a text template (a plural choice ``{n|one|other}`` counts as ``n``)."""
    text = _PLURAL.sub(lambda m: "{" + m.group(1) + "}", text)
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def esc(value: Any) -> str:
    """HTML-escape any value for safe insertion into report HTML."""
    return html.escape(str(value), quote=True)


def _group(int_part: str, sep: str) -> str:
    out = []
    while len(int_part) > 3:
        out.insert(0, int_part[-3:])
        int_part = int_part[:-3]
    out.insert(0, int_part)
    return sep.join(out)


def fmt_number(x: float | int | None, lang: str, decimals: int = 0) -> str:
    """A number with locale grouping and decimal separator; '–' for missing.

    Examples
    --------
    >>> fmt_number(1234567.891, "nl", 2), fmt_number(-1234.5, "en", 1)
    ('1.234.567,89', '-1,234.5')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    neg = x < 0 and round(abs(x), decimals) != 0
    s = f"{abs(x):.{decimals}f}"
    int_part, _, frac = s.partition(".")
    thousands, dec = (".", ",") if lang == "nl" else (",", ".")
    body = _group(int_part, thousands) + (dec + frac if frac else "")
    return ("-" if neg else "") + body


def fmt_int(x: float | int | None, lang: str) -> str:
    """A whole number with thousands separators."""
    return fmt_number(x, lang, 0)


def fmt_money(x: float | int | None, lang: str, decimals: int = 0) -> str:
    """An amount in euro: ``€ 1.234`` (nl) or ``€1,234`` (en).

    Examples
    --------
    >>> fmt_money(-1234.5, "nl", 2), fmt_money(1234.5, "en")
    ('-€ 1.234,50', '€1,234')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = fmt_number(abs(x), lang, decimals)
    neg = "-" if x < 0 and s.strip("0,.") else ""
    return f"{neg}€ {s}" if lang == "nl" else f"{neg}€{s}"


def fmt_pct(x: float | None, lang: str, decimals: int = 1) -> str:
    """A share (0-1) as a percentage: ``12,3%`` (nl) or ``12.3%`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return fmt_number(100 * x, lang, decimals) + "%"


def fmt_date(d: dt.date | None, lang: str) -> str:
    """A date written out: ``31 december 2025`` (nl), ``31 December 2025`` (en)."""
    if d is None:
        return "–"
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def fmt_month(d: dt.date, lang: str) -> str:
    """A short month label: ``mrt 2025`` (nl), ``Mar 2025`` (en)."""
    return f"{MONTHS_SHORT[lang][d.month - 1]} {d.year}"
