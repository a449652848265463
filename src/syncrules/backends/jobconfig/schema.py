"""The packaged JSON Schema of compiled job configurations, and validation against it.

A validation failure is a compiler bug (PROV902), never the user's fault.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from syncrules.backends.jobconfig.fastcheck import SchemaChecker

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@functools.cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("syncrules.backends.jobconfig")
        .joinpath("job-config.schema.json")
        .read_text(encoding="utf-8")
    )
    result: dict[str, Any] = json.loads(text)
    return result


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


@functools.cache
def _checker() -> SchemaChecker:
    return SchemaChecker(schema())


def validate(document: dict[str, Any]) -> list[str]:
    """Problems found, each as 'path: message', sorted by path; empty when valid.

    The fast check (built once from the same schema, proven to agree by the tests) decides;
    jsonschema explains a document that is not valid."""
    if _checker()(document):
        return []
    return explain(document)


def explain(document: dict[str, Any]) -> list[str]:
    """Every problem jsonschema finds, each as 'path: message', sorted by path."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    return ["/".join(map(str, e.path)) + ": " + e.message for e in errors]
