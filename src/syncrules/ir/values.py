"""What the IR and the function catalogue tell about an expression's value before it runs.

``several_values_source`` answers "may this expression yield several values?" for the checker
(PROV218: several values for a single-valued target) and for the Python backend (the fused
``evaluate`` guards exactly those normalisations), so both read it from one place.
"""

from __future__ import annotations

from collections.abc import Callable

from syncrules.catalogue import functions as fncat
from syncrules.catalogue.functions import VType
from syncrules.ir.nodes import AttrRef, Call, Expr


def several_values_source(expr: Expr | None, multivalued: Callable[[str], bool]) -> str | None:
    """What may make ``expr``'s value several values (``[attr]`` of a multi-valued source
    attribute, or ``Function()`` whose catalogue result is multi-valued, such as Split), through
    the functions that pass an argument on; None when it yields one value at most."""
    if isinstance(expr, AttrRef):
        return f"[{expr.name}]" if multivalued(expr.name) else None
    if isinstance(expr, Call):
        fn = fncat.get(expr.name)
        if fn is None:
            return None
        passed = fncat.result_arguments(fn, expr.args)
        if passed is not None:  # its value is one of these arguments' (catalogue: result_from)
            for arg in passed:
                found = several_values_source(arg, multivalued)
                if found:
                    return found
            return None
        if fn.returns is VType.MULTI:
            return f"{expr.name}()"
    return None
