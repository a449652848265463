"""`prov explain <Function>` documents every function, its NULL rule and syncrules' decisions."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from syncrules.catalogue.function_decisions import DECISIONS
from syncrules.catalogue.functions import all_functions
from syncrules.cli import main

FUNCTIONS = sorted(all_functions())


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_is_explained(name: str) -> None:
    fn = all_functions()[name]
    result = CliRunner().invoke(main, ["explain", name.lower()])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert text.startswith(f"{name}(")
    assert "NULL and empty values:" in text
    assert " ".join(fn.null_rule.split()) in text
    if name in DECISIONS:
        assert " ".join(DECISIONS[name].split()) in text
    if fn.engine != "app":
        assert "Only in Entra Cloud Sync" in text


def test_semantics_topic_uses_the_runtime_wording() -> None:
    from syncrules.runtime.values import NULL_COMPARISON

    result = CliRunner().invoke(main, ["explain", "semantics"])
    assert " ".join(NULL_COMPARISON.split()) in " ".join(result.output.split())
