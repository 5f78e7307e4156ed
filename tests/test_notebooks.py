"""Committed notebooks: no outputs, a typed parameters cell, only wiring (no def/class/loops)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from toolkit.report import chapters

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_chapter_has_a_notebook():
    assert {c.notebook for c in chapters()} <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_thin(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.get("outputs") == [], f"{path.name}: cell {cell.get('id')} has outputs; strip them"
        assert cell.get("execution_count") is None
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0], "the first code cell must be the only 'parameters' cell"
    tree = ast.parse(params[0].source)
    assert {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)} == {"params_path", "work_dir"}
    assert all(isinstance(n, ast.AnnAssign) and isinstance(n.value, ast.Constant) for n in tree.body), \
        "parameters must be literals: papermill does not recompute expressions after injection"
    for line in params[0].source.splitlines():
        assert line.count("=") == 1, "papermill cannot parse a parameter line with two '=' signs"
    for cell in code[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda), \
                f"{path.name}: analysis logic belongs in toolkit, not in the notebook ({type(node).__name__})"


@pytest.mark.e2e
def test_explore_notebook_runs_on_the_demo(tmp_path, demo_small):
    """notebooks/explore.ipynb, executed by papermill as an analyst would, writes nothing into output_dir."""
    import papermill

    from conftest import demo_params, write_params

    params = write_params(tmp_path, demo_params(demo_small, tmp_path / "out"), "demo.yaml")
    executed = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "explore.ipynb"), str(executed),
                               parameters={"params_path": str(params)}, cwd=str(ROOT / "notebooks"),
                               progress_bar=False)
    nb = nbformat.read(executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # every frame cell showed a table, the chart cell an image
    assert sum("text/html" in o.get("data", {}) for o in outputs) >= 15
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not (tmp_path / "out").exists()
