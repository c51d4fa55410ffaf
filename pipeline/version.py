"""The package version, in a module of its own so that every stage can read it without
importing the package (and so the API) first."""

__version__ = "0.1.0"
