"""Locate grammar/prov.tx and build the textX metamodels (settings in one place)."""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

from textx import metamodel_from_file, metamodel_from_str
from textx.metamodel import TextXMetaModel

#: Whitespace between tokens: ASCII plus the Unicode spaces that text pasted from web pages and
#: chat tools carries (no-break, narrow no-break, en/em spaces, zero-width space, BOM).
WHITESPACE = " \t\r\n\u00a0\u202f\u2002\u2003\u2009\u200b\u3000\ufeff"

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
    return metamodel_from_file(
        str(grammar_path()), autokwd=True, use_regexp_group=False, ws=WHITESPACE
    )


@functools.cache
def expression_metamodel() -> TextXMetaModel:
    text = grammar_path().read_text(encoding="utf-8")
    # Entra expressions have no comments: without the Comment rule, a `//` outside a string in a
    # standalone expression is a syntax error instead of being dropped silently.
    text = re.sub(r"(?m)^Comment:.*$", "", text)
    return metamodel_from_str(EXPRESSION_ROOT + text, autokwd=True, ws=WHITESPACE)
