"""Text columns that stay in Arrow: building and handing on columns without Python strings.

A customer table of millions of rows has text columns (ids, layers, actions). Going
through ``to_numpy()`` turns them into Python objects that pandas then copies back into
Arrow: 0.5-1 s per column at 3.5M customers. These helpers make the same columns, with
the same dtypes as pandas would infer, straight in Arrow.

Example
-------
>>> texts(np.array([0, 1, -1]), ["top", "small"]).tolist()
['top', 'small', nan]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa


def texts(codes: np.ndarray, labels: Sequence[str], dtype: str | pd.StringDtype | None = None) -> object:
    """``labels[code]`` per code (-1: missing) as a DataFrame column holds it, built in Arrow.

    The same column as from the Python objects ``np.array([*labels, None], dtype=object)[codes]``
    (``dtype`` None: the dtype pandas infers from them; else ``pd.array(objects, dtype=dtype)``),
    without making millions of Python strings that pandas then copies into Arrow one by one.

    Examples
    --------
    >>> texts(np.array([1, -1, 0]), ["a", "b"]).tolist()
    ['b', nan, 'a']
    """
    if dtype is None:  # text when there is any, else pandas keeps the objects (all None)
        dtype = text_dtype() if (codes >= 0).any() else np.dtype(object)
    if not isinstance(pd.api.types.pandas_dtype(dtype), pd.StringDtype):
        return np.array([*labels, None], dtype=object)[codes]
    values = pa.array(list(labels), type=pa.large_string()).take(pa.array(codes, mask=codes < 0))
    return pd.array(values, dtype=dtype)


def held(values: pd.Series) -> object:
    """``values.to_numpy()`` as a DataFrame column holds it, but text stays in Arrow.

    Text through ``to_numpy()`` becomes Python objects that pandas turns back into Arrow
    text: 0.5-1 s per column at 3.5M customers, for the same column.

    Examples
    --------
    >>> held(pd.Series(["b", None, "a"], dtype="string")).tolist()
    ['b', nan, 'a']
    """
    dtype = values.dtype
    if not values.notna().any():  # all missing: pandas keeps the objects as they are
        return values.to_numpy()
    if isinstance(dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in dtype.categories):
        return texts(values.cat.codes.to_numpy().astype(np.int64), list(dtype.categories))
    text = text_dtype()
    if isinstance(dtype, pd.StringDtype) and isinstance(text, pd.StringDtype):
        return values.array.astype(text)
    return values.to_numpy()


def text_dtype() -> object:
    """The dtype pandas gives a column of Python strings (Arrow-backed ``str`` from pandas 3 on)."""
    return pd.Series(np.array(["x"], dtype=object)).dtype


def as_categories(values: pd.Series, categories: Sequence[str]) -> pd.Categorical:
    """``pd.Categorical(values.astype(str), categories=categories)``, from the codes when ``values`` is categorical.

    The text route writes out a string per row and hashes it back (about two seconds
    for 3.5M rows); a categorical column only needs its few categories looked up.
    Missing values and texts not in ``categories`` become missing, as with the text route.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(pd.Categorical(["b", None, "c", "a"], categories=["c", "b", "a"]))
    >>> list(as_categories(s, ["a", "b"]))
    ['b', nan, nan, 'a']
    """
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical(values.astype(str), categories=categories)
    target = pd.Index(list(categories))
    # Per category of ``values``: its position in ``categories`` (-1: not there); code -1 (missing) stays -1.
    lookup = np.append(target.get_indexer(values.cat.categories.astype(str)), -1)
    return pd.Categorical.from_codes(lookup[values.cat.codes.to_numpy()], categories=target)


def only_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with only those of ``columns`` it has, in that order (no copy of the data).

    Selecting rows of the whole customer table copies all its ~60 columns (text ones
    are slow to copy); a function that reads a few of them gets only those, and
    computes the very same result.

    Examples
    --------
    >>> list(only_columns(pd.DataFrame({"a": [1], "b": [2], "c": [3]}), ["c", "missing", "a"]).columns)
    ['c', 'a']
    """
    return frame[[c for c in columns if c in frame.columns]]


def frame_columns(frames: Mapping[str, pd.DataFrame], name: str, columns: Sequence[str]) -> pd.DataFrame | None:
    """A run's frame ``name`` with only those of ``columns`` it has; None when the run has no such frame.

    Saved results (:class:`toolkit.pipeline.SavedFrames`) then read only these columns
    from the frame's Parquet file: reading all 11 columns of ``clv_customers`` for the
    4 a chapter compares took 0.9-1.05 s at 3.5M customers, these 5 took 0.15 s.

    Examples
    --------
    >>> frames = {"x": pd.DataFrame({"a": [1], "b": [2]})}
    >>> list(frame_columns(frames, "x", ["b", "c"]).columns), frame_columns(frames, "y", ["a"])
    (['b'], None)
    """
    if name not in frames:
        return None
    read = getattr(frames, "read_columns", None)
    return read(name, columns) if read is not None else only_columns(frames[name], columns)
