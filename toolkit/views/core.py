"""Generic report blocks: computed frames in, safe HTML out.

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

import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from toolkit.i18n import esc

#: Tables with more rows than this may break across pages (see :func:`table_html`).
LONG_TABLE_ROWS = 30

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

T = TypeVar("T")



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
    # A table this long may not fit a page: it breaks between rows (the header repeats) instead of
    # being pushed whole to the next page, which left its caption alone on a page.
    long = " long" if len(rows) > LONG_TABLE_ROWS else ""
    table = f'<table class="{css_class}{long}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>'
    if not caption:
        return table
    # The caption sits in a wrapper that does not break (a long one keeps its caption with its first rows).
    return f'<div class="kp-table-wrap{long}"><p class="kp-caption">{esc(caption)}</p>{table}</div>'


class Subtotal(list):
    """A table row shown as a subtotal (bold, with a rule above)."""


class Detail(str):
    """A table cell value with a second, smaller line (e.g. a file name with its format)."""

    def __new__(cls, main: str, detail: str) -> Detail:
        """Text ``main`` carrying ``detail`` for the second line."""
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
    with plt.rc_context({"svg.hashsalt": "klantpiramide", "svg.fonttype": "none"}):
        # dpi only sets the resolution of rasterised parts (dense map fills); lines and text stay vector.
        figure.savefig(buf, format="svg", dpi=200, metadata={"Date": None, "Creator": None})
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
# Shared computations of one chapter


def run_cached(run: object, name: str, compute: Callable[..., T], *args: object) -> T:
    """``compute(*args)``, computed once per run object for the very same ``args``.

    A chapter's views often need the same aggregate of the customer table (key figures,
    the migration flows): at millions of customers each costs a second or more. The
    result is kept on ``run`` itself, so it goes with it: every chapter opens its own
    (shallow) copy of the run, which starts without results. A result is used again
    only while every argument is the very same object (``is``); views treat the run's
    frames as read-only. A DataFrame comes back as a shallow copy, so a caller changing
    it (copy-on-write) never changes what the next caller gets; so does a Series.

    Examples
    --------
    >>> class Run: pass
    >>> run, calls = Run(), []
    >>> def total(xs):
    ...     calls.append(1)
    ...     return sum(xs)
    >>> xs = [1, 2]
    >>> run_cached(run, "total", total, xs), run_cached(run, "total", total, xs), len(calls)
    (3, 3, 1)
    >>> run_cached(run, "total", total, [1, 2]), len(calls)  # another list: computed again
    (3, 2)
    """
    import pandas as pd

    store = vars(run).setdefault("_view_cache", {})
    hit = store.get(name)
    if hit is None or len(hit[0]) != len(args) or any(a is not b for a, b in zip(hit[0], args, strict=True)):
        hit = store[name] = (args, compute(*args))
    value = hit[1]
    return value.copy(deep=False) if isinstance(value, pd.DataFrame | pd.Series) else value
