"""Imports point one way: down the layers of tests/data/layers.json, never up, never
between packages of one layer (so no cycle between packages). Imports inside functions
count: they are dependencies all the same."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "pipeline"
LAYERS = json.loads((Path(__file__).parent / "data" / "layers.json").read_text())["layers"]


def unit(module: str) -> str:
    """The layered unit of a dotted module name under pipeline: its first part below it
    ("pipeline.names.kb" -> "names"), "__init__" for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    """The pipeline modules a source file imports (absolute dotted names)."""
    here = ["pipeline", *path.relative_to(PACKAGE).with_suffix("").parts]
    if here[-1] == "__init__":
        here = here[:-1]
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                # "from . import errors": each name may be a module
                names = [f"{target}.{a.name}" for a in node.names] if not node.module else []
                found.update(names or [target])
            elif node.module and node.module.startswith("pipeline"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
    return found


def violations(layers: list[list[str]], package: Path = PACKAGE) -> list[str]:
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    out = []
    for path in sorted(package.rglob("*.py")):
        source = unit("pipeline." + ".".join(path.relative_to(package).with_suffix("").parts))
        if source not in rank:
            out.append(f"{path}: package {source!r} is in no layer")
            continue
        for target in sorted(imports(path)):
            dest = unit(target)
            if dest == source:
                continue
            if dest not in rank:
                out.append(f"{path}: imports {target}, in no layer")
            elif rank[dest] >= rank[source]:
                way = "up" if rank[dest] > rank[source] else "within a layer"
                out.append(f"{path}: imports {target} ({way}: {source} -> {dest})")
    return out


def test_imports_point_down_the_layers():
    assert violations(LAYERS) == []


@pytest.mark.parametrize(
    "layers, expected",
    [
        # names below prices: names' import of the money parser points up
        (
            LAYERS[:4] + [["names"], ["dates", "hospitals", "prices", "rates"]] + LAYERS[6:],
            "up: names -> prices",
        ),
        # names in one layer with prices: an import between them is refused
        (
            LAYERS[:4] + [["dates", "hospitals", "prices", "rates", "names"]] + LAYERS[6:],
            "within a layer: names -> prices",
        ),
    ],
    ids=["upward", "sideways"],
)
def test_an_import_against_the_layers_is_caught(layers, expected):
    assert any(expected in v for v in violations(layers))
