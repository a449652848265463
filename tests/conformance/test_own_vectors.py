"""Our own expression vectors (tests/conformance/vectors/*.json): NULL/"" behaviour of every
function and the edge cases of docs/entra-provisioning.md §1.3 and §7, in the shared corpus
format."""

from __future__ import annotations

from typing import Any

import pytest

from syncrules.runtime import RUNTIME_FUNCTIONS
from tests.conformance.runner import own_vectors, param, run

VECTORS = own_vectors()


def test_ids_are_unique() -> None:
    ids = [v["id"] for v in VECTORS]
    assert len(ids) == len(set(ids))


def test_every_function_has_a_vector() -> None:
    text = " ".join(v["expression"].lower() for v in VECTORS)
    missing = [name for name in RUNTIME_FUNCTIONS if f"{name.lower()}(" not in text]
    assert missing == []


@pytest.mark.parametrize("vector", [param(v) for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    run(vector)
