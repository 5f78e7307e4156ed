"""Klantpiramide: customer-base analysis toolkit and report notebooks."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

__version__ = "0.1.0"


def load(params_path: str | os.PathLike) -> RunResults:
    """Validate a params file and analyse it: ready frames for ad-hoc work (see :func:`toolkit.pipeline.load`).

    Examples
    --------
    >>> import toolkit
    >>> run = toolkit.load("params/demo.yaml")  # doctest: +SKIP
    >>> run.customers.head()  # doctest: +SKIP
    """
    from toolkit.pipeline import load as _load

    return _load(params_path)
