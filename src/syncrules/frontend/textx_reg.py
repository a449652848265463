"""textX registration of the language: `textx list-languages` knows `prov`.

The generators behind `textx generate` compile whole jobs, so they live above the compiler, in
``syncrules.textx_generators``: the front end imports nothing from the stages after it.
"""

from __future__ import annotations

from typing import Any

from textx import language

from syncrules.frontend.grammar import prov_metamodel


@language("prov", "*.prov")
def prov_language() -> Any:
    """syncrules: Microsoft Entra API-driven provisioning rules (jobs, mappings, scoping, tests)"""
    return prov_metamodel()
