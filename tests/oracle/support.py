"""Shared pieces of the differential tests: .NET calls that return strings safely, the example
budget, the agreement tally and the input alphabet.

- A .NET string result may hold a lone surrogate (``Left("😀", 1)``, ``Regex.Replace`` cutting a
  pair); pythonnet cannot convert one. :func:`utf16_call` compiles a .NET delegate that returns
  the result's UTF-16 bytes through ``Encoding.Unicode`` instead, which writes a lone surrogate as
  U+FFFD, exactly as syncrules' ``utf16.from_units`` does.
- The budget is a few hundred examples per family (each family well under 10 s);
  ``ORACLE_EXAMPLES=100000`` runs a bigger measurement and prints the agreement per family.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings

from tests.oracle.dotnet import Net, net_str

EXAMPLES = int(os.environ.get("ORACLE_EXAMPLES", "400"))
REQUIRED_AGREEMENT = 0.999

ORACLE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Characters the generated strings draw from: ASCII, the Turkish and German letters whose casing
# is special, Greek (final sigma, iota subscript), combining marks, other scripts, separators,
# and characters outside the BMP (two UTF-16 code units each). Never a lone surrogate.
ALPHABET = (
    "aAbBcCiIsSkKzZ019_ -.,$\n\t\r"
    "İıßſKÅéÉ\u0301ñÑçÇöÖ"
    "σΣςβγΑΒᾳᾼ"
    "жЖ"
    "中\u3000\u00a0\u2028\u200d\u0300\u0660"
    "\U0001F600\U0001D400\U00010400\U00010428\U00020000"
)


def utf16_call(dotnet: Net, owner: Any, method: str, kinds: str) -> Callable[..., str]:
    """A Python callable for the static method ``owner.method`` returning a string, whose
    arguments are strings (``s``) or integers (``i``) as ``kinds`` spells them, and whose result
    crosses back as UTF-16 bytes (lone surrogates as U+FFFD)."""
    import clr  # type: ignore[import-not-found]
    from System import Array, Byte, Func, Int32, String, Type  # type: ignore[import-not-found]
    from System.Linq import Expressions  # type: ignore[import-not-found]

    expr = Expressions.Expression
    string_type = clr.GetClrType(String)
    types = [string_type if k == "s" else clr.GetClrType(Int32) for k in kinds]
    params = [expr.Parameter(t, f"a{i}") for i, t in enumerate(types)]
    target = clr.GetClrType(owner).GetMethod(method, Array[Type](types))
    get_bytes = clr.GetClrType(dotnet.System.Text.Encoding).GetMethod(
        "GetBytes", Array[Type]([string_type]))
    body = expr.Call(expr.Constant(dotnet.System.Text.Encoding.Unicode), get_bytes,
                     expr.Call(target, Array[Expressions.Expression](params)))
    delegate_type = Func[tuple([String if k == "s" else Int32 for k in kinds] + [Array[Byte]])]
    compiled = expr.Lambda[delegate_type](body, Array[Expressions.ParameterExpression](params))
    function = compiled.Compile()

    def call(*args: str) -> str:
        raw = function(*(net_str(a) if isinstance(a, str) else a for a in args))
        return bytes(raw).decode("utf-16-le", "replace")

    return call


@dataclass
class Tally:
    """Agreement counts of one family, with the first disagreements kept for the report."""

    family: str
    agreed: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)
    total_disagreed: int = 0

    def record(self, agreed: bool, detail: str = "", excluded: str | None = None) -> None:
        if excluded is not None:
            self.excluded[excluded] = self.excluded.get(excluded, 0) + 1
        elif agreed:
            self.agreed += 1
        else:
            self.total_disagreed += 1
            if len(self.disagreements) < 10:
                self.disagreements.append(detail)

    @property
    def compared(self) -> int:
        return self.agreed + self.total_disagreed

    def check(self) -> None:
        """Print the agreement and fail below the required rate."""
        rate = self.agreed / self.compared if self.compared else 1.0
        print(f"\n[oracle] {self.family}: {self.agreed}/{self.compared} agree ({rate:.4%}); "
              f"excluded {self.excluded or 'nothing'}")
        for detail in self.disagreements:
            print("  differs:", detail)
        assert self.compared > 0, f"{self.family}: nothing was compared"
        assert rate >= REQUIRED_AGREEMENT, (
            f"{self.family}: {rate:.4%} agreement, below {REQUIRED_AGREEMENT:.1%}; first "
            f"disagreements: {self.disagreements}")
