"""toolkit.csv_files.write_csv writes the bytes pandas' to_csv writes (real files, DuckDB)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.csv_files import write_csv

# Text as found in a CRM export: separators, quotes, line feeds, accents; never empty and
# no carriage return (write_csv quotes those on purpose: see the last test).
texts = st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",),
                                                   exclude_characters="\r"), min_size=1, max_size=12))
floats = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64))
ints = st.integers(-(2**62), 2**62)


@st.composite
def frames(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 25))
    data = {
        "id": draw(st.lists(st.text("0123456789", min_size=1, max_size=8), min_size=n, max_size=n)),
        "text": pd.array(draw(st.lists(texts, min_size=n, max_size=n)), dtype="string"),
        "amount": np.array([np.nan if v is None else v for v in draw(st.lists(floats, min_size=n, max_size=n))],
                           dtype="float64"),
        "count": np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype="int64"),
        "maybe": pd.array(draw(st.lists(st.one_of(st.none(), ints), min_size=n, max_size=n)), dtype="Int64"),
        "object_text": pd.Series(draw(st.lists(texts, min_size=n, max_size=n)), dtype=object),
    }
    return pd.DataFrame(data)


@given(frames())
@settings(max_examples=150, deadline=None)
def test_the_bytes_of_pandas_to_csv(tmp_path_factory, frame):
    folder = tmp_path_factory.mktemp("csv")
    frame.to_csv(folder / "pandas.csv", index=False, encoding="utf-8", lineterminator="\n")
    assert write_csv(frame, folder / "duckdb.csv") == len(frame)
    assert (folder / "duckdb.csv").read_bytes() == (folder / "pandas.csv").read_bytes()


def test_row_order_is_the_frame_order_at_a_million_rows(tmp_path):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"id": rng.permutation(1_000_000).astype(str), "value": rng.random(1_000_000)})
    write_csv(frame, tmp_path / "x.csv")
    back = pd.read_csv(tmp_path / "x.csv", dtype={"id": str})
    pd.testing.assert_frame_equal(back, frame)


def test_select_rounds_and_empty_missing_and_carriage_return_texts(tmp_path):
    frame = pd.DataFrame({"a": [1.126, 2.5, np.nan, 0.0],
                          "t": pd.array(["", None, "x,y", "line\rbreak"], dtype="string")})
    write_csv(frame, tmp_path / "x.csv", select="CAST(round(a, 2) AS DECIMAL(18, 2)) AS a, t")
    assert (tmp_path / "x.csv").read_bytes().decode() == 'a,t\n1.13,""\n2.50,\n,"x,y"\n0.00,"line\rbreak"\n'
