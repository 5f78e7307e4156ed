"""Helpers that let a chapter's views share work: per-run cache, column subsets, categories from codes.

Each fast path is checked against the library function it stands in for, on random inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.columns import as_categories, only_columns
from toolkit.summary import _text_in, summary_findings
from toolkit.views.core import run_cached

# The text route (the reference) warns about texts outside the categories; so does the fallback.
pytestmark = pytest.mark.filterwarnings("ignore:Constructing a Categorical with a dtype:DeprecationWarning",
                                        "ignore::pandas.errors.Pandas4Warning")


class Run:
    """Stands in for RunResults: an object with attributes."""


# ---------------------------------------------------------------------------------------------
# run_cached


def test_run_cached_computes_once_per_run_and_arguments():
    calls = []

    def compute(frame):
        calls.append(1)
        return frame.sum()

    a, b = Run(), Run()
    xs = pd.Series([1.0, 2.0])
    assert float(run_cached(a, "total", compute, xs)) == 3.0
    assert len(calls) == 1
    run_cached(b, "total", compute, xs)  # another run (a chapter's own copy): its own result
    assert len(calls) == 2
    run_cached(a, "total", compute, xs.copy(deep=False))  # another frame object, even with equal data
    assert len(calls) == 3
    run_cached(a, "other", compute, xs)  # another name
    assert len(calls) == 4


def test_run_cached_hands_out_frames_a_caller_cannot_change():
    run = Run()
    frame = pd.DataFrame({"key": ["a", "b"], "value": [1.0, 2.0]})

    def compute(f):
        return f.assign(double=f["value"] * 2)

    first = run_cached(run, "f", compute, frame)
    first.loc[0, "double"] = -1.0
    first["extra"] = 1
    again = run_cached(run, "f", compute, frame)
    assert again["double"].tolist() == [2.0, 4.0]
    assert list(again.columns) == ["key", "value", "double"]


def test_run_cached_result_goes_with_the_run_copy():
    """A chapter's shallow copy of the run (dataclasses.replace) starts without results."""
    import dataclasses

    @dataclasses.dataclass
    class R:
        customers: pd.DataFrame

    calls = []
    run = R(pd.DataFrame({"x": [1]}))
    run_cached(run, "n", lambda c: calls.append(1) or len(c), run.customers)
    copy = dataclasses.replace(run, customers=run.customers.copy(deep=False))
    run_cached(copy, "n", lambda c: calls.append(1) or len(c), copy.customers)
    assert len(calls) == 2
    assert dataclasses.asdict(copy).keys() == {"customers"}


# ---------------------------------------------------------------------------------------------
# only_columns


def test_only_columns_keeps_present_columns_in_asked_order():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [0.5, 1.5]})
    out = only_columns(frame, ["c", "missing", "a"])
    assert list(out.columns) == ["c", "a"]
    pd.testing.assert_frame_equal(out, frame[["c", "a"]])
    out.loc[0, "a"] = 99  # copy-on-write: the table itself stays
    assert frame.loc[0, "a"] == 1


# ---------------------------------------------------------------------------------------------
# as_categories and _text_in: the same as going through text

WORDS = ["top", "large", "small", "inactive", "new", "nan", "None", ""]


@st.composite
def categorical_series(draw):
    cats = draw(st.lists(st.sampled_from(WORDS), unique=True, min_size=0, max_size=6))
    values = draw(st.lists(st.one_of(st.none(), st.sampled_from(cats)) if cats else st.none(), max_size=30))
    as_cat = draw(st.booleans())
    if as_cat:
        return pd.Series(pd.Categorical(values, categories=cats, ordered=draw(st.booleans())))
    return pd.Series(values, dtype=draw(st.sampled_from(["object", "str"])))


@settings(max_examples=200, deadline=None)
@given(categorical_series(), st.lists(st.sampled_from(WORDS), unique=True, max_size=5))
def test_as_categories_equals_text_route(values, categories):
    expected = pd.Categorical(values.astype(str), categories=categories)
    got = as_categories(values, categories)
    assert got.categories.equals(expected.categories)
    assert got.ordered == expected.ordered
    np.testing.assert_array_equal(got.codes, expected.codes)


def test_as_categories_by_hand():
    s = pd.Series(pd.Categorical(["small", "top", None, "new"], categories=["new", "small", "top"]))
    got = as_categories(s, ["top", "large", "small"])
    assert got.codes.tolist() == [2, 0, -1, -1]
    assert list(got.categories) == ["top", "large", "small"]


@settings(max_examples=200, deadline=None)
@given(categorical_series(), st.lists(st.sampled_from(WORDS), unique=True, max_size=4))
def test_text_in_equals_text_route(values, texts):
    expected = values.astype(str).isin(texts)
    got = _text_in(values, texts)
    assert got.dtype == bool
    assert got.index.equals(values.index)
    assert got.tolist() == expected.tolist()


# ---------------------------------------------------------------------------------------------
# summary_findings with the figures handed in


def test_summary_findings_same_with_figures_given():
    from types import SimpleNamespace

    from toolkit.segments import key_figures, pyramid_summary

    layers = ["top", "large", "medium_large", "medium_large", "medium_small", "small", "inactive", "prospect"]
    c = pd.DataFrame({"customer_id": [str(i) for i in range(8)],
                      "revenue": [500.0, 200.0, 100.0, 90.0, 20.0, 10.0, 0.0, 0.0],
                      "pyramid_layer": pd.Categorical(layers, categories=list(dict.fromkeys(layers))),
                      "revenue_previous": [100.0, 0.0, 50.0, 0.0, 0.0, 5.0, 30.0, 0.0],
                      "is_new": [False, True, False, False, True, False, False, False],
                      "profit": [90.0, 20.0, -5.0, 3.0, -2.0, 1.0, -1.0, np.nan],
                      "churn_risk": ["high", "low", "high", None, "high", "high", "high", None]})
    params = SimpleNamespace(geo=SimpleNamespace(level="pc4", target_penetration=None),
                             migration=SimpleNamespace(upgrade_percent=2.0, upgrade_include_inactive=True))
    results = SimpleNamespace(customers=c, frames={}, params=params)
    rows = summary_findings(results, figures=key_figures(c), layers=pyramid_summary(c))
    pd.testing.assert_frame_equal(rows, summary_findings(results))
    by = rows.set_index("finding")
    assert list(by.index) == ["concentration", "top_layers", "whale", "at_risk"]
    # top, large and medium-large (3 customers) are valuable; top and one medium-large are at high risk
    assert by.loc["at_risk", "count"] == 2 and by.loc["at_risk", "amount"] == 600.0
    assert by.loc["at_risk", "share"] == 2 / 4
