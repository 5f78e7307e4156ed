"""Report blocks of the appendix: glossary, the run's settings and the software that made the report."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from toolkit.i18n import t
from toolkit.views.core import table_html

if TYPE_CHECKING:
    from toolkit.pipeline import RunResults

#: Glossary terms in report order (text keys ``term.<key>`` and ``def.<key>``).
GLOSSARY = ("reference_date", "period", "buyer", "pyramid", "inactive", "prospect", "abc", "pareto", "rfm",
            "cost_to_serve", "whale", "migration", "churn", "cohort", "clv", "p_alive", "penetration",
            "white_spot", "index")


def glossary_table(lang: str) -> str:
    """The glossary as a two-column table.

    Examples
    --------
    >>> "Whale curve" in glossary_table("en")
    True
    """
    rows = [[t(f"term.{k}", lang), t(f"def.{k}", lang)] for k in GLOSSARY]
    return table_html([t("appendix.col_term", lang), t("appendix.col_meaning", lang)], rows, align="ll",
                      caption=t("appendix.glossary", lang), css_class="kp-table small glossary first-nowrap")


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if value is None or value == {} or value == []:
        return []
    if isinstance(value, list):
        return [(prefix, ", ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v)
                                   for v in value))]
    return [(prefix, str(value))]


def settings_table(run: RunResults) -> str:
    """Every setting of the run (the params as validated, defaults included), one row each."""
    lang = run.lang
    settings = run.params.model_dump(mode="json")
    settings["reference_date"] = run.period.end.isoformat()
    rows = [[k, v] for k, v in _flatten(settings)]
    return table_html([t("appendix.col_setting", lang), t("appendix.col_value", lang)], rows, align="ll",
                      caption=t("appendix.settings", lang), css_class="kp-table small first-nowrap")


def software_table(run: RunResults) -> str:
    """The toolkit and the main packages with their versions."""
    from toolkit import __version__
    from toolkit.report import package_versions

    rows = [["klantpiramide", __version__], ["python", sys.version.split()[0]],
            *[[k, v] for k, v in package_versions().items()]]
    return table_html([t("appendix.col_package", run.lang), t("appendix.col_version", run.lang)], rows, align="ll",
                      caption=t("appendix.software", run.lang), css_class="kp-table small")
