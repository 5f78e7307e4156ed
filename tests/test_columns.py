"""Arrow text columns (toolkit.columns): the very columns pandas makes of the Python objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.columns import held, texts

_TEXT = st.sampled_from(["a", "b", "é", "", "a b"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.none()), max_size=12), st.sampled_from(["str", "string", "category", "object"]))
def test_held_is_the_column_pandas_makes_of_the_objects(values, dtype):
    # Text stays in Arrow, but the frame is the one from to_numpy(): str with NaN when there is
    # text, the objects themselves when all are missing; also as an added column.
    s = pd.Series(values, dtype=dtype)
    want = pd.DataFrame({"x": s.to_numpy()})
    pd.testing.assert_frame_equal(pd.DataFrame({"x": held(s)}), want, check_exact=True)
    plain, kept = pd.DataFrame({"n": range(len(s))}), pd.DataFrame({"n": range(len(s))})
    plain["x"], kept["x"] = s.to_numpy(), held(s)
    pd.testing.assert_frame_equal(kept, plain, check_exact=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(_TEXT, max_size=5), st.data(), st.sampled_from([None, "string"]))
def test_texts_is_the_column_pandas_makes_of_the_labels(labels, data, dtype):
    codes = np.array(data.draw(st.lists(st.integers(-1, len(labels) - 1), max_size=12)), dtype=np.int64)
    objects = np.array([*labels, None], dtype=object)[codes]
    want = pd.DataFrame({"x": objects if dtype is None else pd.array(objects, dtype=dtype)})
    pd.testing.assert_frame_equal(pd.DataFrame({"x": texts(codes, labels, dtype)}), want, check_exact=True)
