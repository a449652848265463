"""Shared machinery of the date differential tests: budgets, the agreement tally, .NET values.

Every family runs ``ORACLE_EXAMPLES`` generated cases (default: a bounded budget per family that
keeps each test well under ten seconds) through syncrules and through .NET, and asserts that at
least 99.9% of the cases that are not in an *excluded class* agree. Excluded classes are the
documented places where syncrules deliberately follows Entra rather than .NET Core 3.1 (listed in
``prov explain semantics``); a family names the classes it may exclude, and a case lands in one
only when the project's choice is the whole difference. The tally prints the agreement and the
first disagreements, so ``ORACLE_EXAMPLES=100000 pytest tests/oracle -s`` measures a family.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from syncrules.runtime import ExpressionError
from tests.oracle.dotnet import Net

AGREE = "agree"
KINDS = {"utc": "Utc", "local": "Local", "unspecified": "Unspecified"}
STYLE_NAMES = (
    "AllowLeadingWhite", "AllowTrailingWhite", "AllowInnerWhite", "NoCurrentDateDefault",
    "AdjustToUniversal", "AssumeLocal", "AssumeUniversal", "RoundtripKind",
)  # fmt: skip


def budget(default: int) -> int:
    """Generated cases for one family: ``ORACLE_EXAMPLES`` when set, else ``default``."""
    return int(os.environ.get("ORACLE_EXAMPLES", default))


@dataclass
class Tally:
    family: str
    allowed: frozenset[str]
    counts: Counter[str] = field(default_factory=Counter)
    disagreements: list[str] = field(default_factory=list)

    def record(self, outcome: str, case: Any) -> None:
        if outcome == AGREE:
            self.counts[AGREE] += 1
        elif outcome.startswith("excluded:"):
            self.counts[outcome] += 1
        else:
            self.counts["disagree"] += 1
            if len(self.disagreements) < 20:
                self.disagreements.append(f"{case!r}: {outcome}")

    @property
    def compared(self) -> int:
        return self.counts[AGREE] + self.counts["disagree"]

    def check(self) -> None:
        excluded = {k.removeprefix("excluded:") for k in self.counts if k.startswith("excluded:")}
        agreement = self.counts[AGREE] / max(self.compared, 1)
        print(
            f"\n{self.family}: {self.counts[AGREE]}/{self.compared} agree ({agreement:.4%}); "
            f"excluded: {dict((k, v) for k, v in self.counts.items() if k.startswith('excluded:'))}"
        )
        for line in self.disagreements:
            print("  differs:", line)
        assert excluded <= self.allowed, f"unexpected excluded classes {excluded - self.allowed}"
        assert self.compared >= self.counts.total() // 2, "most cases fell in excluded classes"
        assert agreement >= 0.999, f"{self.family}: only {agreement:.4%} agree with .NET"


def run_family(
    family: str,
    strategy: st.SearchStrategy[Any],
    compare: Callable[[Any], str],
    default_examples: int,
    allowed: frozenset[str] = frozenset(),
) -> Tally:
    """Run ``compare`` over generated cases and check the agreement (see the module doc)."""
    tally = Tally(family, allowed)
    examples = budget(default_examples)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize="ORACLE_EXAMPLES" not in os.environ,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(case: Any) -> None:
        tally.record(compare(case), case)

    run()
    tally.check()
    return tally


def outcome(ours: Callable[[], Any], theirs: Callable[[], Any]) -> tuple[str, Any, Any]:
    """Run both sides: (AGREE or a description, our value, their value); errors compare equal."""
    try:
        mine: Any = ours()
    except ExpressionError as exc:
        mine = ("error", exc.reason)
    try:
        net: Any = theirs()
    except Exception as exc:
        net = ("error", type(exc).__name__)
    if isinstance(mine, tuple) and isinstance(net, tuple) and mine[:1] == net[:1] == ("error",):
        return AGREE, mine, net
    return (AGREE if mine == net else f"syncrules {mine!r} != .NET {net!r}"), mine, net


def net_today(dotnet: Net) -> date:
    now = dotnet.System.DateTime.Now
    return date(now.Year, now.Month, now.Day)


def net_kind(value: Any) -> str:
    return {v: k for k, v in KINDS.items()}[str(value.Kind)]


def net_styles(dotnet: Net, names: frozenset[str]) -> Any:
    styles = dotnet.Globalization.DateTimeStyles
    value = styles.None_ if hasattr(styles, "None_") else getattr(styles, "None")
    for name in names:
        value = value | getattr(styles, name)
    return value
