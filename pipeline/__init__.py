"""cartfacts: CAR-T news to fact tables with provenance.

Notebook API::

    import pipeline
    report = pipeline.run("corpus", "outputs")
    rows = pipeline.extract("Akilunsai injection costs 1.2 million yuan per bag.")
    tables = pipeline.load("outputs")          # dict of pandas DataFrames
"""

from __future__ import annotations

from typing import Any

from .api import RunReport, extract, load, run
from .version import __version__


def render(text: str, published: str | None = None) -> Any:
    """A text with its facts highlighted (pipeline.report.render). The report module is
    imported on first use: its pandas import added a quarter second to every run."""
    from .report import render as _render

    return _render(text, published)


__all__ = ["RunReport", "__version__", "extract", "load", "render", "run"]
