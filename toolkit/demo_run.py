"""Build the demo report: generate the embedded demo data once, then run ``params/demo*.yaml``.

The demo data is regenerated only when the generator, its seed or its scale
changes (a stamp file records them), so ``make demo`` is quick the second time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit.report import notebooks_dir, run_report

DEMO_SEED = 20251231
DEMO_PARAMS = {"nl": "demo.yaml", "en": "demo-en.yaml"}


def project_root() -> Path:
    """The project folder (holding ``params/``, ``notebooks/``, ``data/``)."""
    return notebooks_dir().parent


def ensure_demo_data(data_dir: Path | None = None, *, seed: int | None = None, scale: float = 1.0,
                     progress: Callable[[str], None] | None = None) -> Path:
    """Generate the demo data into ``data_dir`` (default ``data/demo``) unless it is already current.

    Returns
    -------
    Path
        The data folder.
    """
    from toolkit import demo

    say = progress or (lambda _m: None)
    data_dir = data_dir or project_root() / "data" / "demo"
    seed = DEMO_SEED if seed is None else seed
    source = Path(demo.__file__).read_bytes()
    stamp = {"seed": seed, "scale": scale, "generator_sha256": hashlib.sha256(source).hexdigest()}
    stamp_file = data_dir / ".stamp.json"
    if stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        say(f"demo data is current in {data_dir}")
        return data_dir
    say(f"generating demo data in {data_dir}")
    demo.generate_demo_data(data_dir, seed=seed, scale=scale)
    stamp_file.write_text(json.dumps(stamp))
    return data_dir


def run_demo(languages: Sequence[str] = ("nl",), *, force: bool = False,
             progress: Callable[[str], None] | None = None, pdf: bool = True) -> list[Path]:
    """Generate the demo data if needed and build the demo report in each language.

    Returns
    -------
    list of Path
        The output folders.
    """
    ensure_demo_data(progress=progress)
    return [run_report(project_root() / "params" / DEMO_PARAMS[lang], force=force, progress=progress, pdf=pdf)
            for lang in languages]
