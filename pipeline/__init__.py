"""cartfacts: CAR-T news to fact tables with provenance.

Notebook API::

    import pipeline
    report = pipeline.run("corpus", "outputs")
    rows = pipeline.extract("Akilunsai injection costs 1.2 million yuan per bag.")
    tables = pipeline.load("outputs")          # dict of pandas DataFrames
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import RunReport, extract, load, run  # noqa: E402


def render(text: str, published: str | None = None) -> str:
    """A text with its facts highlighted (pipeline.report.render). The report module is
    imported on first use: its pandas import added a quarter second to every run."""
    from .report import render as _render

    return _render(text, published)


__all__ = ["RunReport", "__version__", "extract", "load", "render", "run"]
