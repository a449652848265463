"""Edits: formatting (`prov fmt`'s result as edits) and quick fixes for did-you-mean hints."""

from __future__ import annotations

import difflib
import re

from lsprotocol import types as lsp

from syncrules.lsp.analysis import (
    Analysis,
    aliases,
    short_name,
)
from syncrules.lsp.text import Text

_ATTR_REF = re.compile(r'\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*"|\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*")*\])*\]')

# ---- formatting ---------------------------------------------------------------------------------


def format_edits(text: Text, shown: str) -> list[lsp.TextEdit] | None:
    """`prov fmt`'s result as edits of the changed lines; None on a syntax error."""
    from syncrules.fmt import format_source

    formatted, _diags = format_source(text.text, shown)
    if formatted is None:
        return None
    original = text.text
    crlf = "\r\n" in original.split("\n", 1)[0] + "\n" and original.split("\n", 1)[0].endswith("\r")
    if crlf:
        formatted = formatted.replace("\n", "\r\n")
    if formatted == original:
        return []
    old = original.splitlines(keepends=True)
    new = formatted.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            lsp.TextEdit(range=text.range_of(starts[i1], starts[i2]), new_text="".join(new[j1:j2]))
        )
    return edits


def range_format_edits(text: Text, shown: str, wanted: lsp.Range) -> list[lsp.TextEdit] | None:
    """The edits of `prov fmt` that lie within the lines of ``wanted``."""
    edits = format_edits(text, shown)
    if edits is None:
        return None
    first, last = wanted.start.line, wanted.end.line
    if wanted.end.character == 0 and last > first:
        last -= 1
    out = []
    for edit in edits:
        start, end = edit.range.start.line, edit.range.end.line
        # an edit replacing lines [start, end) (or inserting at start when they are equal)
        if first <= start and (end - 1 if end > start else start) <= last:
            out.append(edit)
    return out


# ---- code actions -------------------------------------------------------------------------------

_DID_YOU_MEAN = re.compile(r"did you mean '([^']*)'\?")
_QUOTED = re.compile(r"'([^']*)'")


def code_actions(
    analysis: Analysis, text: Text, uri: str, params: lsp.CodeActionParams
) -> list[lsp.CodeAction]:
    out = []
    alias_map = aliases(analysis.job)
    for diag in params.context.diagnostics:
        if diag.source != "prov":
            continue
        suggestion = _DID_YOU_MEAN.search(diag.message)
        if suggestion is None:
            continue
        wanted = suggestion.group(1)
        start, end = text.offset(diag.range.start), text.offset(diag.range.end)
        region = text.text[start:end]
        bracket = _ATTR_REF.search(region)
        if bracket is not None:
            inner = region[bracket.start() + 1 : bracket.end() - 1]
            head, sep, _ = inner.partition(":")
            replacement = wanted
            if sep and head in alias_map and wanted.startswith(alias_map[head] + ":"):
                replacement = f"{head}:{wanted[len(alias_map[head]) + 1 :]}"
            else:
                replacement = short_name(wanted, alias_map) or wanted
            edit_start, edit_end = start + bracket.start() + 1, start + bracket.end() - 1
        else:
            wrong = _QUOTED.search(diag.message)
            if wrong is None:
                continue
            at = region.find(wrong.group(1))
            if at < 0:
                continue
            replacement = wanted
            edit_start, edit_end = start + at, start + at + len(wrong.group(1))
        out.append(
            lsp.CodeAction(
                title=f"Change to '{replacement}'",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=True,
                edit=lsp.WorkspaceEdit(
                    changes={
                        uri: [
                            lsp.TextEdit(
                                range=text.range_of(edit_start, edit_end), new_text=replacement
                            )
                        ]
                    }
                ),
            )
        )
    return out
