"""Completion: what may be typed where the cursor is, decided from the lexical context
(``scan``), so it works on half-typed text; names come from the catalogues and the job."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types as lsp

from syncrules.lsp.analysis import (
    Analysis,
    aliases,
    declared_at,
    short_name,
    source_names,
)
from syncrules.lsp.scan import context_at, word_before
from syncrules.lsp.text import Text
from syncrules.runtime.scoping import OPERATORS as SCOPE_OPERATORS
from syncrules.runtime.scoping import UNARY as _NO_VALUE

# ---- completion ---------------------------------------------------------------------------------

TOP_ITEMS = (
    ("job", 'job "${1:Name}" {\n    target ${2|entra,ad|}\n    actions create, update\n}'),
    (
        "extension",
        'extension "${1:urn:ietf:params:scim:schemas:extension:${2:org}:1.0:User}" '
        "as ${3:alias} {\n    ${4:Name}: ${5|string,boolean,integer,datetime,reference|}\n}",
    ),
    ("match", "match [${1:externalId}] -> ${2:employeeId}"),
    (
        "scope",
        'scope {\n    group "${1:name}" {\n        [${2:attribute}] ${3:EQUALS} "${4}"\n    }\n}',
    ),
    ("map", "map {\n    ${1:target} <- ${2:expression}\n}"),
    ("source csv", "source csv {\n    ${1:externalId} <- [${2:Column}]\n}"),
    ("graph", 'graph {\n    service principal "${1}"\n    job "${2}"\n}'),
    (
        "test",
        'test "${1:name}" {\n    given user {\n        "externalId": "${2:1}"\n    }\n'
        "    expect ${3|create,update,enable,disable,delete,skip,none,fail|}\n}",
    ),
    ("import", 'import "${1:file.prov}"'),
    ("preserve", 'preserve "${1:job.preserve.json}"'),
)
TEST_STEPS = (
    ("given user", "given user {\n    $0\n}"),
    ("existing user", "existing user {\n    $0\n}"),
    ("expect", "expect ${1|create,update,enable,disable,delete,skip,none,fail|}"),
    ("now", 'now "${1:2025-01-01T00:00:00Z}"'),
    ("seed", "seed ${1:0}"),
    ("domain", 'domain "${1:contoso.com}"'),
    ("taken", 'taken "${1}"'),
)
EXPECT_CHECKS = (("==", "== ${1}"), ("not set", "not set"), ("does not flow", "does not flow"))
TEST_ACTIONS = ("create", "update", "enable", "disable", "delete", "skip", "none", "fail")
TYPES = ("string", "boolean", "integer", "datetime", "reference", "binary")
_TARGET_LINE = re.compile(r"^\s*[A-Za-z_0-9.:\-]*$")
_MATCH_TARGET = re.compile(r"^\s*match\b.*->\s*[A-Za-z_0-9.:\-]*$")
_SCOPE_OP = re.compile(r"^\s*\[[^\]]*(?:\[[^\]]*\][^\]]*)?\]\s+([A-Za-z_!& ]*)$")
_EXPECT_ATTR = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_.:\-]*\s+([a-z=]*)$")


def _item(
    label: str,
    kind: lsp.CompletionItemKind,
    replace: lsp.Range,
    new_text: str | None = None,
    detail: str | None = None,
    doc: str | None = None,
    snippet: bool = False,
    sort: str | None = None,
    filter_text: str | None = None,
) -> lsp.CompletionItem:
    return lsp.CompletionItem(
        label=label,
        kind=kind,
        detail=detail,
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=doc) if doc else None,
        text_edit=lsp.TextEdit(range=replace, new_text=new_text if new_text is not None else label),
        insert_text_format=lsp.InsertTextFormat.Snippet if snippet else None,
        sort_text=sort,
        filter_text=filter_text,
    )


def _snippet_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _attribute_items(
    analysis: Analysis, text: Text, start: int, offset: int, bracket: bool = True
) -> list[Any]:
    job = analysis.job
    names = source_names(job, analysis.ctx)
    alias_map = aliases(job)
    closing = "" if not bracket or text.text[offset : offset + 1] == "]" else "]"
    where = text.range_of(start, offset)
    items = []
    for name, attr in sorted(names.items()):
        detail = attr.type + ("[]" if attr.multivalued else "")
        ext = declared_at(job, name)
        doc = (
            f"declared in `{ext.span.file}:{ext.span.line}`"
            if ext is not None
            else "API-driven provisioning source schema"
        )
        short = short_name(name, alias_map)
        if short is not None:
            items.append(
                _item(
                    short,
                    lsp.CompletionItemKind.Field,
                    where,
                    short + closing,
                    detail,
                    f"`{name}`, {doc}",
                    sort="0" + short,
                )
            )
        items.append(
            _item(
                name,
                lsp.CompletionItemKind.Field,
                where,
                name + closing,
                detail,
                doc,
                sort=("1" if name.startswith("urn:") else "0") + name,
            )
        )
    return items


def _target_items(analysis: Analysis, text: Text, offset: int) -> list[Any]:
    from syncrules.catalogue.attributes import target_attributes

    kind = "entra"
    if analysis.job is not None:
        kind = analysis.job.target.value
    else:
        match = re.search(r"\btarget\s+(entra|ad)\b", text.text)
        kind = match.group(1) if match else "entra"
    start = word_before(text.text, offset, ".:-")
    where = text.range_of(start, offset)
    return [
        _item(
            name,
            lsp.CompletionItemKind.Property,
            where,
            detail=attr.type + ("[]" if attr.multivalued else ""),
            doc=attr.description or f"{kind} target attribute",
        )
        for name, attr in sorted(target_attributes(kind).items())
    ]


def _function_items(text: Text, offset: int) -> list[Any]:
    from syncrules.catalogue.functions import all_functions

    start = word_before(text.text, offset)
    where = text.range_of(start, offset)
    items = []
    for name, fn in sorted(all_functions().items()):
        if fn.engine != "app":
            continue
        params = [p for p in fn.params if p.required] or list(fn.params[:0])
        slots = ", ".join(f"${{{i}:{_snippet_escape(p.name)}}}" for i, p in enumerate(params, 1))
        signature = f"{name}({', '.join(p.name for p in fn.params)})"
        items.append(
            _item(
                name,
                lsp.CompletionItemKind.Function,
                where,
                f"{name}({slots})",
                detail=f"{signature} -> {fn.returns.value}",
                doc=f"{fn.description}\n\nNULL: {fn.null_rule}\n\nExample: `{fn.example}`",
                snippet=True,
            )
        )
    return items


def _words(
    text: Text, offset: int, words: Any, kind: lsp.CompletionItemKind, extra: str = ""
) -> list[Any]:
    start = word_before(text.text, offset, extra)
    where = text.range_of(start, offset)
    out = []
    for word in words:
        if isinstance(word, tuple):
            label, snippet = word
            out.append(_item(label, kind, where, snippet, snippet=True))
        else:
            out.append(_item(word, kind, where))
    return out


def completion(analysis: Analysis, text: Text, position: lsp.Position) -> list[Any]:
    position = text.clamp(position)
    offset = text.offset(position)
    ctx = context_at(text.text, offset)
    if ctx.in_comment or ctx.in_string:
        return []
    line = ctx.line_before
    block = ctx.block
    if ctx.attr_start is not None:
        if block == "source" and "<-" in line:
            return []  # [Column] of a CSV row: the job cannot know the columns
        return _attribute_items(analysis, text, ctx.attr_start, offset)
    keyword = lsp.CompletionItemKind.Keyword
    if block == "" and _MATCH_TARGET.match(line):
        return _target_items(analysis, text, offset)
    if block == "" and re.fullmatch(r"\s*match\s+\w*", line):
        return _function_items(text, offset)
    if block == "" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(text, offset, TOP_ITEMS, keyword)
    if block in ("map", "source"):
        if ctx.paren_depth == 0 and "<-" not in line and _TARGET_LINE.match(line):
            if block == "source":  # the SCIM path a CSV column fills
                start = word_before(text.text, offset, ".:-")
                return _attribute_items(analysis, text, start, offset, bracket=False)
            return _target_items(analysis, text, offset)
        if ctx.paren_depth > 0 or "<-" in line:
            tail = line.split("<-", 1)[-1] if "<-" in line else line
            if re.search(r"\)\s+\w*$", tail) or re.search(r'"\s+\w*$', tail):
                return _words(text, offset, ("default", ("on create", "on create")), keyword)
            return _function_items(text, offset)
        return []
    if block == "group":
        op = _SCOPE_OP.match(line)
        if op is not None:
            start = offset - len(op.group(1))
            where = text.range_of(start, offset)
            return [
                _item(
                    name,
                    lsp.CompletionItemKind.Operator,
                    where,
                    name if name in _NO_VALUE else f'{name} "$1"',
                    snippet=name not in _NO_VALUE,
                )
                for name in SCOPE_OPERATORS
            ]
        return []
    if block == "test":
        if re.fullmatch(r"\s*expect\s+\w*", line):
            return _words(text, offset, TEST_ACTIONS, lsp.CompletionItemKind.EnumMember)
        if re.fullmatch(r"\s*expect\s+\w+\s+\w*", line):
            return _words(text, offset, (("group", 'group "$1"'),), keyword)
        if re.fullmatch(r"\s*[a-z]*", line):
            return _words(text, offset, TEST_STEPS, keyword)
        return []
    if block == "expect":
        check = _EXPECT_ATTR.match(line)
        if check is not None:
            return _words(text, offset, EXPECT_CHECKS, lsp.CompletionItemKind.Operator, "=")
        if _TARGET_LINE.match(line):
            return _target_items(analysis, text, offset)
        return []
    if block == "job":
        if re.fullmatch(r"\s*target\s+\w*", line):
            return _words(text, offset, ("entra", "ad"), lsp.CompletionItemKind.EnumMember)
        if re.fullmatch(r"\s*actions\s+[\w, ]*", line):
            return _words(
                text, offset, ("create", "update", "delete"), lsp.CompletionItemKind.EnumMember
            )
        if re.fullmatch(r"\s*[a-z]*", line):
            return _words(
                text,
                offset,
                (
                    "target",
                    "actions",
                    ("deletion threshold", "deletion threshold ${1:500}"),
                    ("objects", 'objects "${1:User}" -> "${2:User}"'),
                ),
                keyword,
            )
        return []
    if block == "extension" and re.search(r":\s*\w*$", line):
        return _words(text, offset, TYPES, lsp.CompletionItemKind.TypeParameter)
    if block == "scope" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(text, offset, (("group", 'group "${1:name}" {\n    $0\n}'),), keyword)
    if block == "graph" and re.fullmatch(r"\s*[a-z]*", line):
        return _words(
            text,
            offset,
            (
                ("service principal", 'service principal "$1"'),
                ("job", 'job "$1"'),
                ("url", 'url "$1"'),
            ),
            keyword,
        )
    return []
