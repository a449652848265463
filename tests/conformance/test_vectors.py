"""The vectors taken from Microsoft's documentation (tests/conformance/docs-vectors.json), every
one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.runner import DOCS_VECTORS, load, param, run

VECTORS = load(DOCS_VECTORS)


def test_corpus_is_complete() -> None:
    assert len(VECTORS) == 163
    assert sum(v.get("engine") == "cloud-sync" for v in VECTORS) == 5


@pytest.mark.parametrize("vector", [param(v) for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    run(vector)
