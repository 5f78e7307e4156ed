"""Every docstring example in the toolkit runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import toolkit

MODULES = sorted(m.name for m in pkgutil.walk_packages(toolkit.__path__, "toolkit.")
                 if m.name not in ("toolkit.cli",))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
