"""What every cartfacts component shares: it is built from the rules of a patterns folder
(``setup``), and it saves those rules with the pipeline, so ``nlp.to_disk(path)`` then
``spacy.load(path)`` extracts the same facts wherever the folder goes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language

from ..rules import Rules, load_patterns
from .facts import ensure_extensions


class RulesComponent:
    """A component whose behaviour is data: ``setup(rules)`` builds it from a ``Rules``."""

    def __init__(self, nlp: Language, name: str, patterns: str):
        self.nlp, self.name = nlp, name
        ensure_extensions()  # also when spacy.load builds the component
        self.patterns = load_patterns(patterns or None)
        self.setup(self.patterns)

    def setup(self, patterns: Rules) -> None:  # pragma: no cover - every component has one
        raise NotImplementedError

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.patterns.write(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RulesComponent:
        self.patterns = load_patterns(path)
        self.setup(self.patterns)
        return self
