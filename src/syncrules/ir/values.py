"""What the IR and the function catalogue tell about an expression's value before it runs.

``several_values_source`` answers "may this expression yield several values?" for the checker
(PROV218: several values for a single-valued target) and for the Python backend (the fused
``evaluate`` guards exactly those normalisations), so both read it from one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from syncrules.catalogue import functions as fncat
from syncrules.catalogue.functions import VType
from syncrules.ir.nodes import AttrRef, Call, Expr

#: Functions whose result is one of their arguments: which ones (the others cannot be it).
_RESULT_ARGUMENTS: dict[str, Callable[[Sequence[Expr | None]], Sequence[Expr | None]]] = {
    "IIF": lambda args: args[1:3],
    "Switch": lambda args: [*args[1:2], *args[3::2]],
    "Coalesce": lambda args: args,
    "Redact": lambda args: args,
    "IgnoreFlowIfNullOrEmpty": lambda args: args,
}


def several_values_source(expr: Expr | None, multivalued: Callable[[str], bool]) -> str | None:
    """What may make ``expr``'s value several values (``[attr]`` of a multi-valued source
    attribute, or ``Function()`` whose catalogue result is multi-valued, such as Split), through
    the functions that pass an argument on; None when it yields one value at most."""
    if isinstance(expr, AttrRef):
        return f"[{expr.name}]" if multivalued(expr.name) else None
    if isinstance(expr, Call):
        pick = _RESULT_ARGUMENTS.get(expr.name)
        if pick is not None:
            for arg in pick(expr.args):
                found = several_values_source(arg, multivalued)
                if found:
                    return found
            return None
        fn = fncat.get(expr.name)
        if fn is not None and fn.returns is VType.MULTI:
            return f"{expr.name}()"
    return None
