"""Report building blocks: computed frames in, safe HTML out.

Generic blocks live in :mod:`toolkit.views.core`; each chapter has its own module
(:mod:`toolkit.views.quality`, :mod:`toolkit.views.pyramid`, …). Every value that reaches
the HTML is escaped, so a client name or data value with quotes, tags or code in it
shows as text and never runs.
"""

from __future__ import annotations

from toolkit.views.core import (
    Detail,
    Indent,
    Subtotal,
    bullets,
    figure_html,
    figure_svg,
    heading,
    note_box,
    paragraph,
    table_html,
)
from toolkit.views.pyramid import (
    abc_table,
    key_figure_sentences,
    layer_table,
    pareto_intro,
    pyramid_intro,
)
from toolkit.views.quality import (
    coverage_text,
    customers_master_text,
    examples_table,
    files_table,
    format_description,
    human_date_format,
    note_text,
    quality_notes,
    reconciliation_table,
)

__all__ = [
    "Detail", "Indent", "Subtotal", "abc_table", "bullets", "coverage_text", "customers_master_text",
    "examples_table", "figure_html", "figure_svg", "files_table", "format_description", "heading",
    "human_date_format", "key_figure_sentences", "layer_table", "note_box", "note_text", "paragraph",
    "pareto_intro", "pyramid_intro", "quality_notes", "reconciliation_table", "table_html",
]
