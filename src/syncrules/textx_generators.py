"""textX generators: `textx generate` compiles `.prov` files through ``syncrules.api``.

textx generate rules/api-to-entra.prov --target json -o build
textx generate rules/api-to-entra.prov --target python -o build

Registered as entry points (``textx_generators`` in pyproject.toml); the language itself is
registered by ``syncrules.frontend.textx_reg``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textx import generator

from syncrules.api import compile_paths
from syncrules.diagnostics.render import render_text


def _generate(model: Any, output_path: str | None, targets: tuple[str, ...]) -> None:
    source = Path(model._tx_filename)
    out_dir = Path(output_path) if output_path else source.parent / "build"
    result = compile_paths([source], out_dir, targets)
    if not result.ok:
        raise SystemExit(render_text(result.diagnostics, result.sources))


@generator("prov", "json")
def json_generator(
    metamodel: Any, model: Any, output_path: str | None, overwrite: bool, debug: bool, **_: Any
) -> None:
    """Compile to the Graph synchronizationSchema job configuration (<job>.json)"""
    _generate(model, output_path, ("json",))


@generator("prov", "python")
def python_generator(
    metamodel: Any, model: Any, output_path: str | None, overwrite: bool, debug: bool, **_: Any
) -> None:
    """Compile to a self-contained Python evaluator package"""
    _generate(model, output_path, ("python",))
