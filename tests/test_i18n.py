"""Every string in both languages with the same placeholders; locale-independent number formats."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.i18n import LANGUAGES, TEXTS, fmt_date, fmt_int, fmt_money, fmt_number, fmt_pct, placeholders, t


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_in_both_languages_with_same_placeholders(key):
    texts = TEXTS[key]
    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)
    assert placeholders(texts["nl"]) == placeholders(texts["en"])


@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    (1234567.891, "nl", 2, "1.234.567,89"),
    (1234567.891, "en", 2, "1,234,567.89"),
    (-1234.5, "nl", 0, "-1.234"),     # round half to even on .5 is avoided by the value
    (999.996, "nl", 2, "1.000,00"),
    (-0.004, "en", 2, "0.00"),        # no negative zero
    (12, "en", 0, "12"),
])
def test_fmt_number(value, lang, decimals, expected):
    assert fmt_number(value, lang, decimals) == expected


def test_money_percent_dates():
    assert fmt_money(1234.5, "nl", 2) == "€ 1.234,50"
    assert fmt_money(-1234.5, "en", 2) == "-€1,234.50"
    assert fmt_money(-0.001, "nl", 2) == "€ 0,00"
    assert fmt_money(float("nan"), "nl") == "–"
    assert fmt_pct(0.1234, "nl") == "12,3%" and fmt_pct(1.5, "en", 0) == "150%"
    assert fmt_int(21000, "nl") == "21.000"
    assert fmt_date(dt.date(2025, 3, 1), "nl") == "1 maart 2025"
    assert fmt_date(dt.date(2025, 3, 1), "en") == "1 March 2025"


def test_unknown_key_is_a_bug_not_a_user_error():
    with pytest.raises(KeyError):
        t("no.such.key", "nl")
