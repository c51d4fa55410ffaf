"""cartfacts: CAR-T news to fact tables with provenance.

Notebook API::

    import pipeline
    report = pipeline.run("corpus", "outputs")
    rows = pipeline.extract("Akilunsai injection costs 1.2 million yuan per bag.")
    tables = pipeline.load("outputs")          # dict of pandas DataFrames
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import RunReport, extract, load, run
    from .build import build_nlp

# The API is imported on first use, so that `cartfacts --help` and other commands that
# need no pipeline start without importing spaCy (a second): name -> its module.
_LAZY = {
    "RunReport": "api",
    "extract": "api",
    "load": "api",
    "run": "api",
    "build_nlp": "build",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def render(text: str, published: str | None = None) -> Any:
    """A text with its facts highlighted (pipeline.report.render). The report module is
    imported on first use: its pandas import added a quarter second to every run."""
    from .report import render as _render

    return _render(text, published)


__all__ = ["RunReport", "__version__", "build_nlp", "extract", "load", "render", "run"]
