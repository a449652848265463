"""The fused evaluation path: the body of the generated ``evaluate``, one function that does for
its job what the generic ``runtime.record.decide(JOB, ...)`` does, specialised at compile time.

``evaluate(user, existing=None, context=None, *, was_provisioned=None, find=None)``:

1. reads exactly the source attributes the job uses straight from the SCIM dict into locals
   (the exact-case key first; when that does not give a value of the final class, the general
   ``scim.source`` lookup decides, so messy payloads read as ``flatten`` reads them), and builds
   the flat attributes once;
2. evaluates the scoping clauses inline (string operators on known-string values directly, any
   other clause through ``scoping.clause_holds``);
3. computes the matching keys with the mapping expressions inlined; ``find(keys)``, when given,
   returns ``(existing, was_provisioned)`` (how `prov run` looks the user up in between);
4. computes the target values, normalised per target type (no call where the value is known to
   be a string already), and builds the Outcome with the same ``runtime.record`` functions
   ``decide`` uses, so both paths give identical outcomes (a test runs every shipped job both
   ways). The mappings run inside one ``try``: a store ``w = '<where>: <text>'`` before each
   expression that may raise names the mapping a failure reports (a ``try`` per mapping made
   the module much larger, and its one ``compile()`` slower); only a mapping calling
   ``IgnoreFlowIfNullOrEmpty`` has its own, for ``NoFlow``.

Side effects match ``decide``'s where they can be observed: mappings run in the same order
(matching mappings again for the values unless their expression is a plain attribute read),
``ctx.target`` is set before every mapping that reads the context.

Each mapping expression is compiled once, into a module-level function ``_eN`` taking the
source values it reads (the same locals ``evaluate`` holds) and the context: ``evaluate`` calls
it (a plain attribute read or a constant is inlined), and the job model's mapping function
(``MappingSpec.fn``, built at import by ``runtime.record.mapping_over``) calls it with the values
of the flat attributes (the generic path: ``scope``, ``attributes_for_*``, ``decide``). Both
pass source values as ``source_values`` (``scim.flatten``) types them, so the function may rely
on what the compiler knows of them (a single-valued text attribute is a ``str`` or NULL). An
instrumented build (``probes``: `prov test --coverage`) is this same code with coverage probes:
``hit`` in the branches of the ``_eN`` functions, one per mapping
where its value is computed, one per scoping clause outcome.

Every constant and name from the .prov files reaches the code through ``py_literal``, every
comment through ``py_comment``; the code is returned as lines, indented for the function body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from syncrules.backends.python.compile_expr import ExprCompiler, constant_value
from syncrules.backends.python.filters import py_comment, py_literal
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr
from syncrules.ir.values import several_values_source
from syncrules.ir.visitor import iter_nodes
from syncrules.runtime.record import CREATED, ClauseSpec, ScopeDecision, normalise, out_of_scope
from syncrules.runtime.scim import filtered_parts
from syncrules.runtime.scoping import PRESENCE, REGEX

#: Target types whose normalised form of a string is the string itself.
_NOT_TEXT = ("Boolean", "Integer")

#: Scoping operators with an inline form for a value known to be a string (or NULL); ``{v}`` is
#: the value, ``{x}`` the operand (a non-empty literal).
_CLAUSES = {
    "IS NULL": "not {v}",
    "IS NOT NULL": "{v}",
    "EQUALS": "{v} == {x}",
    "NOT EQUALS": "{v} and {v} != {x}",
    "Includes": "{v} and {x} in {v}",
    "ENDS_WITH": "{v} and {v}.endswith({x})",
}


def _negated(test: str) -> str:
    """``not <test>`` written plainly (``test`` comes from ``_Builder.clause``): without
    parentheses for a bare name or a ``clause_holds`` call, ``x`` for ``not x``."""
    if test.isidentifier() or test.startswith("clause_holds("):
        return f"not {test}"
    if test.startswith("not ") and test[4:].isidentifier():
        return test[4:]
    return f"not ({test})"


@dataclass(frozen=True)
class FusedMapping:
    """One mapping as the fused path needs it (``info`` is the template's mapping row)."""

    expression: Expr
    info: dict[str, Any]


@dataclass(frozen=True)
class ExprFunction:
    """One mapping's expression as a module-level function: ``def <name>(<params>, ctx)``
    returning ``code``; ``reads`` holds the source attribute each parameter takes. A plain
    attribute read or a constant has no function (``name`` empty; ``code`` reads ``a``).
    ``generic`` builds the job model's mapping function (the generic path, over the flat
    attributes) from it when the module is imported (``runtime.record.mapping_*``)."""

    name: str
    params: tuple[str, ...]
    reads: tuple[str, ...]
    code: str
    generic: str


@dataclass
class Fused:
    """The body lines of ``evaluate``, the runtime names the lines use themselves (by runtime
    module) and those their compiled expressions use (``ExprCompiler.used``)."""

    lines: list[str]
    imports: dict[str, set[str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    constants: list[str] = field(default_factory=list)  # module-level lines ``evaluate`` uses
    functions: list[ExprFunction] = field(default_factory=list)  # one per mapping, model order


class _Builder:
    def __init__(
        self,
        sources: list[tuple[str, str, bool]],
        context_functions: frozenset[str],
        probes: list[tuple[str, str]] | None = None,
    ) -> None:
        self.lines: list[str] = []
        self.probes = probes
        self.functions: dict[int, ExprFunction] = {}
        self.walked: dict[int, list[Expr]] = {}  # by id of a mapping's expression (``nodes``)
        self.constants: list[str] = []
        self.imports: dict[str, set[str]] = {}
        self.sources = sources
        self.locals = {name: f"s{i}" for i, (name, _, _) in enumerate(sources)}
        self.multivalued = {name for name, _, multi in sources if multi}
        self.plain = {
            name for name, type_, multi in sources if type_ != "Boolean" and not multi
        }
        self.compiler = ExprCompiler(context_functions, probes, self.locals, frozenset(self.plain))
        # the values section (``values``): whether a mapping names itself in ``w``, whether
        # ``w`` may name one at this point, whether any code there may raise with ``w = None``
        self.sets_w = self.armed = self.any_risky = False

        self.context_functions = context_functions

    # ---- helpers --------------------------------------------------------------------------

    def emit(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line if line else "")

    def use(self, module: str, *names: str) -> None:
        self.imports.setdefault(module, set()).update(names)

    def code(self, expr: Expr) -> str:
        """The call of the expression's function (``function``), or the value itself for a
        plain attribute read or a constant."""
        if isinstance(expr, AttrRef) or constant_value(expr) is not None:
            return self.compiler.compile(expr)
        function = self.functions[id(expr)]
        return f"{function.name}({''.join(p + ', ' for p in function.params)}ctx)"

    def function(self, index: int, expr: Expr) -> ExprFunction:
        """Compile a mapping's expression, once, into ``_e<index>`` (see the module
        docstring)."""
        reads = tuple(dict.fromkeys(n.name for n in self.nodes(expr) if isinstance(n, AttrRef)))
        compiler = self.compiler
        compiler.reset()
        constant = constant_value(expr)
        if isinstance(expr, AttrRef) or constant is not None:
            # a plain read or a constant: no function; evaluate reads or writes the value
            if isinstance(expr, AttrRef):
                self.use("record", "mapping_read")
                generic = f"mapping_read({py_literal(expr.name)})"
            else:
                self.use("record", "mapping_constant")
                generic = f"mapping_constant({py_literal(constant)})"
            code = ExprCompiler(self.context_functions).compile(expr)
            made = ExprFunction("", (), reads, code, generic)
        else:
            self.use("record", "mapping_over")
            name = f"_e{index}"
            generic = f"mapping_over({name}, {py_literal(reads)})"
            made = ExprFunction(name, tuple(self.locals[r] for r in reads), reads,
                                compiler.compile(expr), generic)
        self.functions[id(expr)] = made
        return made

    def mapping_probe(self, info: dict[str, Any], depth: int) -> None:
        """Where an instrumented build counts a mapping as run (``decide``'s
        ``target_values`` counts the same)."""
        if self.probes is not None:
            self.use("lazy", "hit")
            probe = f"{info['where']}: mapping {info['target']}"
            self.emit(f"hit({py_literal(probe)}, None)", depth)

    def uses_ctx(self, expr: Expr) -> bool:
        return any(
            isinstance(n, Call)
            and (n.name in self.context_functions or n.name == "SelectUniqueValue")
            for n in self.nodes(expr)
        )

    def nodes(self, expr: Expr) -> list[Expr]:
        """``iter_nodes(expr)``, walked once per mapping expression (each is asked about
        several times)."""
        found = self.walked.get(id(expr))
        if found is None:
            found = self.walked[id(expr)] = list(iter_nodes(expr))
        return found

    def may_raise(self, expr: Expr) -> bool:
        return any(isinstance(n, Call | Compare) for n in self.nodes(expr))

    def may_be_list(self, expr: Expr | None) -> bool:
        """Whether ``expr`` may yield a multi-valued value (a list): ``ir.values``, as the
        checker's PROV218 reads it."""
        if expr is None or constant_value(expr) is not None or self.compiler.is_text(expr):
            return False
        return several_values_source(expr, self.multivalued.__contains__) is not None

    def norm(self, var: str, info: dict[str, Any], text: bool) -> str:
        """``var`` (not NULL) normalised to the target's type, without a call where possible."""
        type_, multi = info["target_type"], info["multivalued"]
        if not multi and type_ not in _NOT_TEXT and text:
            return var
        self.use("record", "normalise")
        if multi:
            return f"normalise({var}, {py_literal(type_)}, True)"
        cls = {"Boolean": "bool", "Integer": "int"}.get(type_, "str")
        call = f"normalise({var}, {py_literal(type_)}, False)"
        return f"{var} if {var}.__class__ is {cls} else {call}"

    # ---- 1. source attributes -------------------------------------------------------------

    def read_sources(self) -> None:
        self.emit("# ---- source attributes: the exact-case key first, else the general lookup")
        self.emit("a: dict[str, Any] = {}")
        parents: dict[str, str] = {}
        for name, type_, multi in self.sources:
            var = self.locals[name]
            args = f"{py_literal(name)}, {py_literal(type_)}, {py_literal(multi)}"
            parts_of_filter = filtered_parts(name)
            cls = "bool" if type_ == "Boolean" else "str"
            store = f"a[{py_literal(name)}] = {var}"
            if multi:
                self.use("scim", "source")
                self.emit(f"if ({var} := source(user, {args})) is not None:")
                self.emit(store, 2)
            elif parts_of_filter is not None:
                collection, key, wanted, attr = parts_of_filter
                self.use("scim", "filtered", "value")
                found = (
                    f"filtered(user, {py_literal(collection)}, {py_literal(key)}, "
                    f"{py_literal(wanted.lower())}, {py_literal(attr)})"
                )
                self.emit(
                    f"if ({var} := {found}).__class__ is {cls} or ({var} is not None and "
                    f"({var} := value({var}, {py_literal(type_)}, False)) is not None):"
                )
                self.emit(store, 2)
            else:
                if name.startswith("urn:"):
                    urn, _, rest = name.rpartition(":")
                    parent_key, parts = urn, rest.split(".")
                else:
                    parts = name.split(".")
                    parent_key, parts = parts[0], parts[1:]
                self.use("scim", "source")
                if not parts:
                    read = f"user.get({py_literal(parent_key)})"
                elif len(parts) == 1:
                    parent = parents.get(parent_key)
                    if parent is None:
                        parent = parents[parent_key] = f"p{len(parents)}"
                        self.emit(f"{parent} = user.get({py_literal(parent_key)})")
                        self.emit(f"if {parent}.__class__ is not dict:")
                        self.emit(f"{parent} = {{}}  # every member absent: the lookup decides", 2)
                    read = f"{parent}.get({py_literal(parts[0])})"
                else:
                    read = "None"
                if type_ == "Reference":
                    self.emit(f"{var} = {read}")
                    self.emit(f"if {var}.__class__ is dict:  # a reference: {{\"value\": ...}}")
                    self.emit(f"{var} = {var}.get('value')", 2)
                    read = var
                # the exact-case key's value when it has the final class, else the lookup's
                got = var if read == var else f"({var} := {read})"
                self.emit(
                    f"if {got}.__class__ is {cls} or ({var} := source(user, {args})) is not None:"
                )
                self.emit(store, 2)

    # ---- 2. scope -------------------------------------------------------------------------

    def clause(self, attribute: str, operator: str, operand: str | None,
               where: str = "", located: str = "") -> str:
        """The test of one scoping clause; ``where`` labels coverage probes, ``located`` (where
        the clause is and what it says) is the reason of a regex timeout it causes."""
        test = self._clause(attribute, operator, operand, located)
        if self.probes is None:
            return test
        # instrumented: record the clause's outcome, as decide_scope does
        self.use("lazy", "hit")
        held, failed = py_literal(f"{where}: clause held"), py_literal(f"{where}: clause failed")
        return f"(hit({held}, True) if {test} else hit({failed}, False))"

    def _clause(self, attribute: str, operator: str, operand: str | None, where: str) -> str:
        var = self.locals[attribute]
        template = _CLAUSES.get(operator)
        if attribute in self.plain and template is not None and (
            operand or operator in PRESENCE
        ):
            return template.format(v=var, x=py_literal(operand or ""))
        self.use("scoping", "clause_holds")
        located = "" if operator not in REGEX else f", {py_literal(where)}"
        return (
            f"clause_holds({py_literal(operator)}, {var}, {py_literal(operand)}, "
            f"ctx.regex_timeout{located})"
        )

    def scope(self, groups: list[dict[str, Any]]) -> None:
        self.emit("")
        self.emit("# ---- scope: the first group whose clauses all hold; groups are OR-ed")
        if not groups:
            self.use("record", "IN_SCOPE_UNFILTERED")
            self.emit("scope = IN_SCOPE_UNFILTERED")
            return
        if len(groups) == 1:
            self.single_group(groups[0])
            return
        self.use("record", "ScopeDecision", "out_of_scope")
        self.emit("scope = None")
        self.emit("failed: list[tuple[str, str]] = []")
        for n, group in enumerate(groups):
            depth = 1
            if n:
                self.emit("if scope is None:")
                depth = 2
            self.emit(f"# group {py_comment(repr(group['name']))}", depth)
            for i, c in enumerate(group["clauses"]):
                spec = ClauseSpec(c["attribute"], c["operator"], c["operand"], c["where"])
                test = self.clause(c["attribute"], c["operator"], c["operand"], c["where"],
                                   spec.located())
                self.emit(f"{'if' if i == 0 else 'elif'} {_negated(test)}:", depth)
                self.emit(
                    f"failed.append(({py_literal(group['name'])}, {py_literal(spec.describe())}))",
                    depth + 1,
                )
            reason = f'in scope by group "{group["name"]}"'
            self.emit("else:", depth)
            self.emit(
                f"scope = ScopeDecision(True, {py_literal(group['name'])}, tuple(failed), "
                f"{py_literal(reason)})",
                depth + 1,
            )
        self.emit("if scope is None:")
        self.emit("scope = out_of_scope(failed)", 2)

    def single_group(self, group: dict[str, Any]) -> None:
        """One group: each outcome's decision is known here, reasons included, so each is a
        module-level constant (``ScopeDecision`` is immutable), not built per record."""
        self.use("record", "ScopeDecision")
        name = group["name"]
        self.emit(f"# group {py_comment(repr(name))}")
        for i, c in enumerate(group["clauses"]):
            spec = ClauseSpec(c["attribute"], c["operator"], c["operand"], c["where"])
            test = self.clause(c["attribute"], c["operator"], c["operand"], c["where"],
                               spec.located())
            decision = out_of_scope([(name, spec.describe())])
            self.emit(f"{'if' if i == 0 else 'elif'} {_negated(test)}:")
            self.emit(f"scope = {self.constant(f'_SCOPE_OUT_{i}', decision)}", 2)
        self.emit("else:")
        decision = ScopeDecision(True, name, (), f'in scope by group "{name}"')
        self.emit(f"scope = {self.constant('_SCOPE_IN', decision)}", 2)

    def constant(self, name: str, decision: ScopeDecision) -> str:
        """``name``, defined at module level as ``decision`` (every string a literal)."""
        self.constants.append(
            f"{name} = ScopeDecision({py_literal(decision.in_scope)}, "
            f"{py_literal(decision.group)}, {py_literal(decision.failed)}, "
            f"{py_literal(decision.reason)})"
        )
        return name

    # ---- 3. matching keys -----------------------------------------------------------------

    def may_not_flow(self, expr: Expr) -> bool:
        """Whether ``expr`` may raise ``NoFlow``: only ``IgnoreFlowIfNullOrEmpty`` does."""
        return any(
            isinstance(n, Call) and n.name == "IgnoreFlowIfNullOrEmpty" for n in self.nodes(expr)
        )

    def set_target(self, m: FusedMapping, depth: int) -> None:
        """``ctx.target`` before a mapping whose expression reads the context."""
        if self.uses_ctx(m.expression):
            self.emit(f"ctx.target = {py_literal(m.info['target'])}", depth)

    def keys(self, matching: list[FusedMapping]) -> dict[int, tuple[str, str]]:
        """Emit the key computation; returns, by ``id`` of each reusable mapping, the names of
        its raw and normalised values."""
        self.emit("")
        self.emit("# ---- matching keys, in priority order")
        if len(matching) != 1:
            self.emit("keys: list[tuple[str, Any]] = []")
        reuse: dict[int, tuple[str, str]] = {}
        for i, m in enumerate(matching):
            info = m.info
            self.emit(f"# {py_comment(info['where'])}: {py_comment(info['text'])}")
            if isinstance(m.expression, AttrRef):
                raw = self.locals[m.expression.name]
            else:
                raw = f"r{i}"
                self.use("record", "key_error")
                located = py_literal(f"{info['where']}: {info['text']}")
                self.set_target(m, 1)
                code = self.code(m.expression)
                if not self.may_raise(m.expression):
                    self.emit(f"{raw} = {code}")
                else:
                    self.use("errors", "ExpressionError")
                    self.emit("try:")
                    self.emit(f"{raw} = {code}", 2)
                    if self.may_not_flow(m.expression):
                        self.use("errors", "NoFlow")
                        self.emit("except NoFlow:")
                        self.emit(f"{raw} = None", 2)
                    self.emit("except ExpressionError as exc:")
                    self.emit(f"{raw} = key_error(exc, {located})", 2)
            text = self.compiler.is_text(m.expression)
            normalised = self.norm(raw, info, text)
            key = raw
            several = not info["multivalued"] and self.may_be_list(m.expression)
            if normalised != raw and several:
                # several values for a single-valued target: no key (as matching_keys)
                key = f"k{i}"
                self.use("errors", "ExpressionError")
                self.emit("try:")
                self.emit(f"{key} = None if {raw} is None else {normalised}", 2)
                self.emit("except ExpressionError:")
                self.emit(f"{key} = None", 2)
            elif normalised != raw:
                key = f"k{i}"
                self.emit(f"{key} = None if {raw} is None else {normalised}")
            test = key if text and info["target_type"] not in _NOT_TEXT and not info[
                "multivalued"] else f"{key} is not None and {key} != ''"
            pair = f"({py_literal(info['target'])}, {key})"
            if len(matching) == 1:
                self.emit(f"keys: list[tuple[str, Any]] = [{pair}] if {test} else []")
            else:
                self.emit(f"if {test}:")
                self.emit(f"keys.append({pair})", 2)
            if not (self.uses_ctx(m.expression) or self.may_raise(m.expression) or several):
                reuse[id(m)] = (raw, key)
        return reuse

    # ---- 4. values and the outcome --------------------------------------------------------

    def decision(self, actions: tuple[str, ...]) -> None:
        self.use("record", "leaving", "unmatchable")
        self.emit("")
        self.emit("if find is not None:")
        self.emit("existing, was_provisioned = find(keys)", 2)
        self.emit("if not scope.in_scope:")
        self.emit("return leaving(JOB, scope, keys, a, existing, was_provisioned)", 2)
        self.emit("if not keys:")
        self.emit("return unmatchable(scope, keys, a)", 2)
        self.emit("create = existing is None")
        if "create" not in actions:
            self.use("record", "not_created")
            self.emit("if create:")
            self.emit("return not_created(scope, keys, a)", 2)

    def value(self, m: FusedMapping, reuse: dict[int, tuple[str, str]]) -> None:
        """One mapping's value (see ``values``: ``w`` names the mapping whose expression runs,
        None where an error is not a mapping's)."""
        info = m.info
        target = py_literal(info["target"])
        default = info["default"]
        default_code = None
        if default is not None:
            if info["multivalued"]:
                self.use("record", "normalise")
                type_ = py_literal(info["target_type"])
                default_code = f"normalise({py_literal(default)}, {type_}, True)"
            else:
                default_code = py_literal(normalise(default, info["target_type"], False))
        constant = constant_value(m.expression)
        evaluated = raises = False
        if constant is not None and not info["multivalued"]:
            var = normalised = ""
        elif id(m) in reuse:
            var, normalised = reuse[id(m)]
        elif isinstance(m.expression, AttrRef):
            var = self.locals[m.expression.name]
            normalised = self.norm(var, info, self.compiler.is_text(m.expression))
        else:
            var, evaluated, raises = "v", True, self.may_raise(m.expression)
            normalised = self.norm(var, info, self.compiler.is_text(m.expression))
        # several values for a single-valued target: normalise raises, and decide turns that
        # into a failed outcome (without a mapping, as target_values leaves it)
        list_guard = (
            id(m) not in reuse
            and not info["multivalued"]
            and normalised != var
            and self.may_be_list(m.expression)
        )
        # normalising may raise too: an error there is not the mapping's (evaluate's own
        # handler turns it into an errored outcome), so ``w`` is None before it
        risky = (not list_guard and "normalise(" in normalised) or (
            default_code is not None and "normalise(" in default_code
        )
        self.any_risky = self.any_risky or risky
        if risky and self.armed and not raises:
            self.emit("w = None")
            self.armed = False

        if not raises:  # otherwise ``w`` names the mapping below
            self.emit(f"# {py_comment(info['where'])}: {py_comment(info['text'])}")
        depth = 1
        create_only = info["flow"] == "ObjectAddOnly"
        if create_only:
            self.emit("if create:")
            depth = 2
        self.mapping_probe(info, depth)
        if constant is not None and not info["multivalued"]:
            fixed = normalise(constant, info["target_type"], False)
            self.emit(f"values[{target}] = {py_literal(fixed)}", depth)
            return
        if evaluated:
            self.set_target(m, depth)
            code = self.code(m.expression)
            if raises:
                self.use("record", "failure")
                mapping = f"{info['where']}: {info['text']}"
                self.emit(f"w = {py_literal(mapping)}", depth)
                self.sets_w = self.armed = True
            if raises and self.may_not_flow(m.expression):
                self.use("errors", "NoFlow")
                self.emit("try:", depth)
                self.emit(f"{var} = {code}", depth + 1)
                self.emit("except NoFlow:", depth)
                self.emit(f"no_flow.append({target})", depth + 1)
                self.emit("else:", depth)
                depth += 1
            else:
                self.emit(f"{var} = {code}", depth)
            if raises and risky:
                self.emit("w = None", depth)
        self.emit(f"if {var} is not None:", depth)
        if list_guard:
            self.use("errors", "ExpressionError")
            self.use("record", "failure")
            self.emit("try:", depth + 1)
            self.emit(f"values[{target}] = {normalised}", depth + 2)
            self.emit("except ExpressionError as exc:", depth + 1)
            self.emit("return failure(scope, keys, a, exc)", depth + 2)
        else:
            self.emit(f"values[{target}] = {normalised}", depth + 1)
        if default_code is not None:
            self.emit("else:" if create_only else "elif create:", depth)
            self.emit(f"values[{target}] = {default_code}", depth + 1)

    def values(self, mappings: list[FusedMapping], reuse: dict[int, tuple[str, str]]) -> None:
        """The target values. The mappings whose expression may raise run inside one ``try``:
        before each, ``w = '<where>: <text>'`` names it (a store, cheaper than a ``try`` of its
        own per mapping, and much less code), and an ``ExpressionError`` fails the record
        there (``failure``, as ``decide`` does). Code between them that may raise for another
        reason (normalising a value) runs with ``w = None``: the error goes on to
        ``evaluate``'s own handler, as it would without the ``try``."""
        self.emit("")
        self.emit("# ---- target values: a create takes every mapping and the defaults,")
        self.emit("# an update the Always mappings only")
        self.emit("values: dict[str, Any] = {}")
        self.emit("no_flow: list[str] = []")
        self.sets_w = self.armed = self.any_risky = False
        start = len(self.lines)
        for m in mappings:
            self.value(m, reuse)
        if self.sets_w:
            self.use("errors", "ExpressionError")
            body = ["    " + line if line else line for line in self.lines[start:]]
            del self.lines[start:]
            if self.any_risky:
                self.emit("w = None")
            self.emit("try:")
            self.lines.extend(body)
            self.emit("except ExpressionError as exc:  # in the mapping ``w`` names")
            if self.any_risky:
                self.emit("if w is None:", 2)
                self.emit("raise", 3)
            self.emit("return failure(scope, keys, a, exc, w)", 2)
        self.use("record", "Outcome", "updated")
        self.emit("if create:  # what runtime.record.created builds, without the call")
        self.emit("changes = {k: (None, x) for k, x in values.items()}", 2)
        self.emit(f"return Outcome({py_literal('create')}, {py_literal(CREATED)}, scope, keys, "
                  "values, changes, no_flow, None, None, a)", 2)
        self.emit("return updated(JOB, scope, keys, values, no_flow, existing, a)")


def fused_body(
    sources: list[tuple[str, str, bool]],
    mappings: list[FusedMapping],
    groups: list[dict[str, Any]],
    actions: tuple[str, ...],
    context_functions: frozenset[str],
    probes: list[tuple[str, str]] | None = None,
) -> Fused:
    """The body of ``evaluate`` for a job and its mappings' functions (see the module
    docstring).

    Args:
        sources: ``(name, type, multivalued)`` of every source attribute the job reads, sorted.
        mappings: in the job model's order (matching mappings first, by priority).
        groups: the scoping groups as the template context has them.
        actions: the job's actions.
        context_functions: runtime functions that take the EvalContext.
        probes: a list to fill with coverage probes (an instrumented build), or None.
    """
    builder = _Builder(sources, context_functions, probes)
    functions = [builder.function(i, m.expression) for i, m in enumerate(mappings)]
    builder.read_sources()
    builder.scope(groups)
    matching = [m for m in mappings if m.info["priority"]]
    reuse = builder.keys(matching)
    builder.decision(actions)
    builder.values(mappings, reuse)
    return Fused(builder.lines, builder.imports, builder.compiler.used, builder.constants,
                 functions)
