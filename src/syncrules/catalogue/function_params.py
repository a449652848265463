"""Shorthand shared by the function-table modules: parameter builder, type aliases, note texts.

Only the ``function_table*`` data modules import this; everyone else uses
``syncrules.catalogue.functions``.
"""

from __future__ import annotations

from syncrules.catalogue.functions import Param, VType

S, N, B, D, M, A = (
    VType.STRING,
    VType.NUMBER,
    VType.BOOLEAN,
    VType.DATETIME,
    VType.MULTI,
    VType.ANY,
)

INTERVALS = ("yyyy", "m", "d", "ww", "h", "n", "s")
COMPARE_TYPES = ("vbBinaryCompare", "vbTextCompare")

SOURCE_KEY = "Graph key 'source' assumed: every function whose main-input key is known uses it."
NO_NULL_DOC = "Behaviour on NULL input is not documented (docs/entra-provisioning.md §9)."


def param(
    name: str,
    key: str,
    type: VType = A,
    *,
    optional: bool = False,
    repeating: bool = False,
    choices: tuple[str, ...] = (),
) -> Param:
    """A Param; giving ``choices`` makes it an ENUM."""
    return Param(
        name=name,
        key=key,
        type=VType.ENUM if choices else type,
        required=not optional,
        repeating=repeating,
        choices=choices,
    )


def camel_keys(*names: str) -> str:
    """The note for keys taken from documented names because Graph's are not documented."""
    listed = ", ".join(names)
    return f"Graph key(s) not documented; lowerCamelCase of the documented name: {listed}."
