"""Shared fixtures: tiny files written on the fly, params builders, the demo data."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

TX_HEADER = "factuur;klant;datum;omzet;marge\n"


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    """Write text (or bytes) to a file and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding, newline="")
    return path


def demo_params(data_dir: Path, output_dir: Path, name: str = "demo.yaml", **overrides) -> dict:
    """params/<name> as a dict, every demo data path pointed at ``data_dir`` (e.g. the 5 % demo).

    Any ``path`` (at any depth) whose file name exists in ``data_dir`` is replaced, so
    sections added later (contacts, outlets, boundaries, …) follow automatically.
    """
    data = yaml.safe_load((ROOT / "params" / name).read_text(encoding="utf-8"))

    def rebase(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "path" and isinstance(value, str) and (data_dir / Path(value).name).exists():
                    node[key] = str(data_dir / Path(value).name)
                else:
                    rebase(value)
        elif isinstance(node, list):
            for item in node:
                rebase(item)

    rebase(data)
    data["output_dir"] = str(output_dir)
    data.update(overrides)
    return data


def params_dict(tx: str = "tx.csv", **overrides) -> dict:
    """A valid params mapping for a semicolon transactions file with the TX_HEADER columns."""
    p = {
        "client": "Test BV",
        "language": "nl",
        "reference_date": dt.date(2025, 12, 31),
        "period_months": 12,
        "pyramid_basis": "revenue",
        "transactions": {"path": tx, "columns": {"customer_id": "klant", "date": "datum", "amount": "omzet",
                                                 "margin": "marge", "order_id": "factuur"}},
        "output_dir": "out",
    }
    p.update(overrides)
    return p


def write_params(folder: Path, data: dict, name: str = "params.yaml") -> Path:
    """Write a params mapping as YAML into ``folder``."""
    return write(folder / name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.fixture(scope="session")
def demo_small(tmp_path_factory) -> Path:
    """Demo data at 5 % scale (about 1,000 customers), generated once per session."""
    from toolkit.demo import generate_demo_data

    folder = tmp_path_factory.mktemp("demo_small")
    generate_demo_data(folder / "data", scale=0.05)
    return folder / "data"


@pytest.fixture(scope="session")
def demo_data() -> Path:
    """The full demo data in the project's data/demo (generated once, reused while current)."""
    from toolkit.demo_run import ensure_demo_data

    return ensure_demo_data()


@pytest.fixture
def demo_params_copy(tmp_path, demo_data) -> callable:
    """Copy params/demo*.yaml into a temp folder with data paths pointing at the demo data."""

    def make(name: str = "demo.yaml", **overrides) -> Path:
        data = demo_params(demo_data, tmp_path / "out" / Path(name).stem, name, **overrides)
        return write_params(tmp_path, data, name)

    return make


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy a folder (for tests that damage a copy)."""
    shutil.copytree(src, dst)
    return dst


def only_chapters(*keys: str) -> dict[str, bool]:
    """A ``chapters:`` params value that switches every chapter off except ``keys``.

    Tests of the report machinery (locks, faults, overwrite rules, bad input) need a real run,
    not all fourteen chapters: two chapters keep them quick.
    """
    from toolkit.report import chapters

    known = {c.key for c in chapters()}
    assert set(keys) <= known, set(keys) - known
    return {key: key in keys for key in sorted(known)}


# The machinery tests' default: the first two chapters (the second is the one fault tests break).
FEW_CHAPTERS = ("quality", "pyramid")


@dataclass(frozen=True)
class DemoReport:
    """One full demo report (every chapter, HTML and PDF) and the progress lines its run printed."""

    out: Path
    messages: tuple[str, ...]


# Names that test escaping and page width in the shared reports.
DEMO_CLIENTS = {"nl": 'Demo "BV" <script>alert(1)</script>',
                "en": "A client with a very, very long name that could run over the edge of the page Ltd"}


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory, demo_data) -> dict[str, DemoReport]:
    """The full demo report in Dutch and English, built once per session and shared by chapter tests."""
    from toolkit.report import run_report

    reports = {}
    for lang, name in (("nl", "demo.yaml"), ("en", "demo-en.yaml")):
        folder = tmp_path_factory.mktemp(f"demo_{lang}")
        data = demo_params(demo_data, folder / "out", name, client=DEMO_CLIENTS[lang])
        messages: list[str] = []
        out = run_report(write_params(folder, data, name), progress=messages.append)
        reports[lang] = DemoReport(out, tuple(messages))
    return reports
