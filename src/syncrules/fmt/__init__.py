"""``prov fmt`` as a library: the canonical text of an Entra expression or of a .prov file.

    >>> from syncrules.fmt import format_expression, format_source
    >>> format_expression('join (" ",[a],[b])')
    ('Join(" ", [a], [b])', [])

Both functions return ``(text, diagnostics)``; the text is None when the input has a syntax error
(then the diagnostics say where and why). Formatting never changes meaning: the formatted text
parses to the same expression tree / compiles to the same job, and formatting it again gives the
same text.
"""

from __future__ import annotations

from syncrules.fmt.expression import format_expression
from syncrules.fmt.source import format_source
from syncrules.ir.printer import WIDTH

__all__ = ["WIDTH", "format_expression", "format_source"]
