"""Notebook wiring: load a run's results and display report blocks.

A chapter notebook's parameters cell holds ``params_path`` and ``work_dir``. In a
report run, ``work_dir`` points at the results the run computed once (so chapters
never re-read the transactions); in JupyterLab it is empty and :func:`open_run`
validates the params and analyses the data itself.

Example
-------
>>> run = open_run("../params/demo.yaml")  # doctest: +SKIP
>>> show(paragraph("Hallo"))  # doctest: +SKIP
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from toolkit.pipeline import RunResults, analyse


def open_run(params_path: str | os.PathLike, work_dir: str | os.PathLike = "") -> RunResults:
    """The results a chapter works on.

    Parameters
    ----------
    params_path : path-like
        The run's params file (validated when analysing from scratch).
    work_dir : path-like, default ""
        A work folder written by a report run; empty to analyse now.

    Returns
    -------
    RunResults
    """
    # Library deprecation chatter is not for the client's report.
    warnings.simplefilter("ignore", category=DeprecationWarning)
    warnings.simplefilter("ignore", category=FutureWarning)
    if work_dir and (Path(work_dir) / "run.json").is_file():
        return RunResults.load(work_dir)
    from toolkit.params import load_params

    return analyse(load_params(params_path))


def show(html: str) -> None:
    """Display an HTML block (from :mod:`toolkit.views`) in the notebook."""
    from IPython.display import HTML, display

    display(HTML(html))
