"""Report blocks: values are escaped, figures are inline SVG without timestamps."""

from __future__ import annotations

import matplotlib.pyplot as plt

from toolkit.views import Detail, figure_html, figure_svg, human_date_format, paragraph, table_html
from toolkit.views.core import LONG_TABLE_ROWS


def test_text_is_escaped():
    evil = 'Klant "BV" <script>alert(1)</script> & {x}'
    html = paragraph(evil) + table_html(["a"], [[evil]], caption=evil)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;BV&quot;" in html


def test_table_with_caption_detail_and_total():
    html = table_html(["File", "Rows"], [[Detail("tx.csv", "CSV ';'"), "10"]], caption="Files", total=["T", "10"])
    assert html.startswith('<div class="kp-table-wrap"><p class="kp-caption">Files</p><table')
    assert '<span class="detail">CSV &#x27;;&#x27;</span>' in html
    assert "<tfoot>" in html


def test_long_tables_may_break_across_pages():
    rows = [[str(i), "x"] for i in range(LONG_TABLE_ROWS + 1)]
    long = table_html(["a", "b"], rows, caption="Lang")
    assert long.startswith('<div class="kp-table-wrap long">') and '<table class="kp-table long">' in long
    short = table_html(["a", "b"], rows[:LONG_TABLE_ROWS], caption="Kort")
    assert short.startswith('<div class="kp-table-wrap">') and "long" not in short


def test_figure_is_inline_svg_without_date_and_closed():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    svg = figure_svg(ax)
    assert svg.startswith("<svg") and "<dc:date>" not in svg and "<?xml" not in svg
    assert not plt.fignum_exists(fig.number)
    fig2, ax2 = plt.subplots()
    ax2.plot([0, 1], [0, 1])
    assert figure_svg(fig2) == svg  # deterministic


def test_figure_caption():
    _fig, ax = plt.subplots()
    html = figure_html(ax, "Omzet <per> maand")
    assert html.endswith("<figcaption>Omzet &lt;per&gt; maand</figcaption></figure>")


def test_human_date_format():
    assert human_date_format("%d-%m-%Y", "nl") == "dd-mm-jjjj"
    assert human_date_format("%d/%m/%y %H:%M", "en") == "dd/mm/yy hh:mm"
