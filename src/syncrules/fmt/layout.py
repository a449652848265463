"""The canonical layout of a .prov file: a parsed textX model (with its comments) → text.

Layout rules (``prov fmt``):

* 4-space indentation inside ``{ }`` blocks; items, settings, mappings, clauses and test steps keep
  their source order, one per line.
* One blank line between top-level items, except that consecutive ``import`` lines and
  consecutive ``match`` lines stay together. Inside a block, a blank line the author left between
  two elements is kept (several become one); none is kept right after ``{`` or before ``}``.
* ``map {}`` and ``source csv {}``: the ``<-`` arrows aligned by padding target names to the
  longest in the block; options after two spaces (``  default "x"``, ``  on create``).
* Expressions in the readable layout of :func:`syncrules.ir.printer.readable`, continuation lines
  indented under the line that holds the mapping.
* Extension attributes ``Name: type`` / ``Name: type[]``; scope clauses ``[attr] OPERATOR v1, v2``
  with the operator's spaces normalised; test records (``given user``, ``existing user``) one
  member per line, nested JSON values on one line when they fit.
* Strings outside expressions (names, URNs, defaults, scope values, JSON) are written exactly as in
  the source; expression strings are re-escaped minimally (the same value).
* Comments are kept; where each goes is described in :mod:`syncrules.fmt.comments`.

This module reads textX model objects (like ``ir/lower.py``); it never changes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from syncrules.fmt.comments import Comment, CommentPool
from syncrules.fmt.json_layout import json_lines
from syncrules.ir.expressions import ExpressionLowerer
from syncrules.ir.printer import readable_lines
from syncrules.source import SourceFile

INDENT = "    "
#: Top-level items of these kinds are not separated by a blank line from one of the same kind.
_GLUED = ("Import", "Match", "Preserve", "Param")

Rendered = tuple[list[str], list[Comment]]


@dataclass
class _Kid:
    """One element of a block: its source span and how to render it at a depth."""

    start: int
    end: int
    render: Callable[[int], Rendered]
    kind: str = ""


def _joined(comments: list[Comment]) -> str:
    return "  " + "  ".join(c.text for c in comments)


class Printer:
    """Renders one parsed file; ``render()`` returns the whole formatted text."""

    def __init__(self, source: SourceFile, model: Any, comments: list[Comment], width: int) -> None:
        self.text = source.text
        self.model = model
        self.pool = CommentPool(comments, source.text)
        self.width = width
        self.lower = ExpressionLowerer(source)

    def render(self) -> str:
        kids = [self._leaf(i, self._import, "Import") for i in self.model.imports]
        kids += [self._item(item) for item in self.model.items]
        _, lines = self._body(kids, 0, 0, len(self.text), top=True)
        out = "\n".join(lines)
        return out + "\n" if out else ""

    # ---- blocks -------------------------------------------------------------------------------

    def _body(
        self, kids: list[_Kid], depth: int, open_end: int, close: int, top: bool = False
    ) -> tuple[list[Comment], list[str]]:
        """Lines of the elements between ``open_end`` and ``close`` (relative indentation), and
        the comments that trail the block's opening line."""
        pool = self.pool
        out: list[str] = []
        head_trail: list[Comment] = []
        prev_end = open_end
        prev_kind = ""
        for kid in kids:
            lead = pool.take(prev_end, kid.start)
            trail, lead = self._split(lead, prev_end, top and not out)
            gap_from = prev_end
            if trail:
                gap_from = trail[-1].end
                if out:
                    out[-1] += _joined(trail)
                else:
                    head_trail = trail
            lines, hoisted = kid.render(depth)
            first_start = lead[0].start if lead else kid.start
            if out:
                if top:
                    glued = kid.kind == prev_kind and kid.kind in _GLUED
                    blank = not glued
                else:
                    blank = pool.blank_between(gap_from, first_start)
                if blank:
                    out.append("")
            for i, comment in enumerate(lead):
                if i and pool.same_line(lead[i - 1].end, comment.start):
                    out[-1] += _joined([comment])
                else:
                    out.append(comment.text)
                following = lead[i + 1].start if i + 1 < len(lead) else kid.start
                if pool.blank_between(comment.end, following):
                    out.append("")
            out.extend(c.text for c in hoisted)
            out.extend(lines)
            prev_end = kid.end
            prev_kind = kid.kind
        rest = pool.take(prev_end, close)
        trail, rest = self._split(rest, prev_end, top and not out)
        gap_from = prev_end
        if trail:
            gap_from = trail[-1].end
            if out:
                out[-1] += _joined(trail)
            else:
                head_trail = trail
        for i, comment in enumerate(rest):
            if i and pool.same_line(gap_from, comment.start):
                out[-1] += _joined([comment])
            else:
                if out and pool.blank_between(gap_from, comment.start):
                    out.append("")
                out.append(comment.text)
            gap_from = comment.end
        return head_trail, out

    def _split(
        self, comments: list[Comment], after: int, nothing_before: bool
    ) -> tuple[list[Comment], list[Comment]]:
        """(comments trailing the line that ends at ``after``, the rest)."""
        if nothing_before:
            return [], comments
        trail: list[Comment] = []
        pos = after
        for comment in comments:
            if not self.pool.same_line(pos, comment.start):
                break
            trail.append(comment)
            pos = comment.end
        return trail, comments[len(trail) :]

    def _block(
        self, head: str, obj: Any, after_head: int, kids: list[_Kid], depth: int
    ) -> Rendered:
        """``head {`` + kids + ``}``; comments between the head's words and ``{`` are hoisted."""
        brace = self.pool.brace_after(after_head)
        hoisted = self.pool.take(obj._tx_position, brace)
        close = obj._tx_position_end - 1
        if self.text[close] != "}":
            raise AssertionError("a block does not end with '}'")
        trail, body = self._body(kids, depth + 1, brace + 1, close)
        first = head + " {" + (_joined(trail) if trail else "")
        if not body and not trail:
            return [head + " {}"], hoisted
        return [first, *[INDENT + line if line else line for line in body], "}"], hoisted

    def _leaf(self, obj: Any, lines: Callable[[Any, int], list[str]], kind: str = "") -> _Kid:
        """An element without children: every comment inside it is hoisted before it."""
        start, end = obj._tx_position, obj._tx_position_end

        def render(depth: int) -> Rendered:
            return lines(obj, depth), self.pool.take(start, end)

        return _Kid(start, end, render, kind)

    def _verbatim(self, obj: Any, kind: str = "") -> _Kid:
        """An element this formatter does not know (a newer grammar): kept exactly as written,
        comments inside it included."""
        start, end = obj._tx_position, obj._tx_position_end

        def render(depth: int) -> Rendered:
            self.pool.take(start, end)  # they are in the text already
            return [self.text[start:end]], []

        return _Kid(start, end, render, kind)

    def _container(
        self, obj: Any, head: str, after_head: int, kids: Callable[[], list[_Kid]], kind: str = ""
    ) -> _Kid:
        def render(depth: int) -> Rendered:
            return self._block(head, obj, after_head, kids(), depth)

        return _Kid(obj._tx_position, obj._tx_position_end, render, kind)

    # ---- top-level items ----------------------------------------------------------------------

    def _item(self, item: Any) -> _Kid:
        kind = type(item).__name__
        start = item._tx_position
        if kind == "Job":
            return self._container(
                item,
                f"job {item.name.raw}",
                item.name._tx_position_end,
                lambda: [self._leaf(s, self._job_setting) for s in item.settings],
                kind,
            )
        if kind == "Extension":
            head = f"extension {item.urn.raw}"
            after = item.urn._tx_position_end
            if item.alias is not None:
                head += f" as {item.alias.name}"
                after = item.alias._tx_position_end
            return self._container(
                item,
                head,
                after,
                lambda: [self._leaf(a, self._ext_attribute) for a in item.attributes],
                kind,
            )
        if kind == "Match":
            return self._leaf(item, self._match, kind)
        if kind == "Scope":
            return self._container(
                item,
                "scope",
                start + len("scope"),
                lambda: [self._group(g) for g in item.groups],
                kind,
            )
        if kind == "MapBlock":
            pad = max((len(m.target.name) for m in item.mappings), default=0)
            return self._container(
                item,
                "map",
                start + len("map"),
                lambda: [self._leaf(m, self._arrow(pad, m.target.name)) for m in item.mappings],
                kind,
            )
        if kind == "SourceCsv":
            pad = max((len(e.path.name) for e in item.entries), default=0)
            return self._container(
                item,
                "source csv",
                start + len("source"),
                lambda: [self._leaf(e, self._arrow(pad, e.path.name)) for e in item.entries],
                kind,
            )
        if kind == "Graph":
            return self._container(
                item,
                "graph",
                start + len("graph"),
                lambda: [self._leaf(s, self._graph_setting) for s in item.settings],
                kind,
            )
        if kind == "Test":
            return self._container(
                item,
                f"test {item.name.raw}",
                item.name._tx_position_end,
                lambda: [self._step(s) for s in item.steps],
                kind,
            )
        if kind == "Preserve":
            return self._leaf(item, lambda obj, depth: [f"preserve {obj.path.raw}"], kind)
        if kind == "Param":
            return self._leaf(
                item, lambda obj, depth: [f"param {obj.name.name}: {obj.type.name}"], kind
            )
        return self._verbatim(item, kind)

    def _import(self, obj: Any, depth: int) -> list[str]:
        return [f"import {obj.path.raw}"]

    def _job_setting(self, obj: Any, depth: int) -> list[str]:
        kind = type(obj).__name__
        if kind == "TargetSetting":
            return [f"target {obj.kind.name}"]
        if kind == "ActionsSetting":
            return ["actions " + ", ".join(a.name for a in obj.actions)]
        if kind == "ThresholdSetting":
            return [f"deletion threshold {obj.value.raw}"]
        if kind == "ObjectsSetting":
            return [f"objects {obj.source.raw} -> {obj.target.raw}"]
        return [self._text_of(obj)]

    def _ext_attribute(self, obj: Any, depth: int) -> list[str]:
        return [f"{obj.name.name}: {obj.type.name}{'[]' if obj.multi else ''}"]

    def _graph_setting(self, obj: Any, depth: int) -> list[str]:
        word = {
            "GraphSpSetting": "service principal",
            "GraphJobSetting": "job",
            "GraphUrlSetting": "url",
        }.get(type(obj).__name__)
        return [f"{word} {obj.value.raw}"] if word else [self._text_of(obj)]

    def _text_of(self, obj: Any) -> str:
        """The source text of an element this formatter does not know (a newer grammar)."""
        return str(self.text[obj._tx_position : obj._tx_position_end])

    def _group(self, group: Any) -> _Kid:
        return self._container(
            group,
            f"group {group.name.raw}",
            group.name._tx_position_end,
            lambda: [self._leaf(c, self._clause) for c in group.clauses],
        )

    def _clause(self, obj: Any, depth: int) -> list[str]:
        operator = " ".join(obj.operator.name.split())
        values = ", ".join(v.raw for v in obj.values)
        return [f"{obj.attribute.raw} {operator}" + (f" {values}" if values else "")]

    # ---- expressions --------------------------------------------------------------------------

    def _expression(self, obj: Any, depth: int, prefix: str, suffix: str) -> list[str]:
        """``prefix`` + the readable expression + ``suffix`` (relative lines)."""
        base = len(INDENT) * depth
        expr = self.lower.lower(obj)
        lines = readable_lines(expr, self.width, base + len(prefix), INDENT, len(suffix), base)
        lines[0] = prefix + lines[0]
        lines[-1] += suffix
        return lines

    @staticmethod
    def _options(options: list[Any]) -> str:
        words = []
        for option in options:
            if type(option).__name__ == "DefaultOption":
                words.append(f"default {option.value.raw}")
            else:
                words.append("on create")
        return "".join("  " + w for w in words)

    def _match(self, obj: Any, depth: int) -> list[str]:
        suffix = f" -> {obj.target.name}"
        if obj.priority is not None:
            suffix += f" priority {obj.priority.raw}"
        return self._expression(obj.source, depth, "match ", suffix + self._options(obj.options))

    def _arrow(self, pad: int, target: str) -> Callable[[Any, int], list[str]]:
        def lines(obj: Any, depth: int) -> list[str]:
            options = self._options(getattr(obj, "options", []))
            return self._expression(obj.expression, depth, target.ljust(pad) + " <- ", options)

        return lines

    # ---- tests --------------------------------------------------------------------------------

    def _step(self, step: Any) -> _Kid:
        kind = type(step).__name__
        if kind == "TestExpect" and step.checks:
            head, after = self._expect_head(step)
            return self._container(
                step, head, after, lambda: [self._leaf(c, self._expectation) for c in step.checks]
            )
        return self._leaf(step, self._step_lines)

    @staticmethod
    def _expect_head(step: Any) -> tuple[str, int]:
        head = f"expect {step.action.name}"
        after = step.action._tx_position_end
        if step.group is not None:
            head += f" group {step.group.raw}"
            after = step.group._tx_position_end
        return head, after

    def _step_lines(self, step: Any, depth: int) -> list[str]:
        kind = type(step).__name__
        if kind in ("TestNow", "TestSeed", "TestDomain"):
            return [f"{kind[4:].lower()} {step.value.raw}"]
        if kind in ("TestGiven", "TestExisting"):
            prefix = "given user " if kind == "TestGiven" else "existing user "
            return self._json(step.record, depth, prefix, record=True)
        if kind == "TestTaken":
            return ["taken " + ", ".join(v.raw for v in step.values)]
        if kind == "TestParam":
            return [f"param {step.name.name} = {step.value.raw}"]
        if kind == "TestExpect":
            return [self._expect_head(step)[0]]  # an expect without checks
        return [self._text_of(step)]

    def _expectation(self, obj: Any, depth: int) -> list[str]:
        check = obj.check
        name = obj.attribute.name
        # 'not' 'set' and 'does' 'not' 'flow' are match rules: textX gives the joined words.
        if isinstance(check, str) or type(check).__name__ != "ExpectEquals":
            words = "".join(str(check).split())
            return [f"{name} not set" if words == "notset" else f"{name} does not flow"]
        return self._json(check.value, depth, f"{name} == ")

    def _json(self, value: Any, depth: int, prefix: str, record: bool = False) -> list[str]:
        base = len(INDENT) * depth
        lines = json_lines(value, base + len(prefix), base, self.width, INDENT, record)
        lines[0] = prefix + lines[0]
        return lines
