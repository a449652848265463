"""Locate grammar/prov.tx and build the textX metamodels (settings in one place)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from textx import metamodel_from_file, metamodel_from_str
from textx.metamodel import TextXMetaModel

#: Root rule prepended to the grammar for parsing one expression on its own (prov eval, fmt -e).
EXPRESSION_ROOT = "ExpressionRoot: expression=Expression ;\n"


def grammar_path() -> Path:
    """The grammar file: inside the wheel, or in the checkout for an editable install."""
    packaged = resources.files("syncrules") / "grammar" / "prov.tx"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "grammar" / "prov.tx"


@functools.cache
def prov_metamodel() -> TextXMetaModel:
    return metamodel_from_file(str(grammar_path()), autokwd=True, use_regexp_group=False)


@functools.cache
def expression_metamodel() -> TextXMetaModel:
    text = grammar_path().read_text(encoding="utf-8")
    return metamodel_from_str(EXPRESSION_ROOT + text, autokwd=True)
