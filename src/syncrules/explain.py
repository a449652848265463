"""`prov explain`: diagnostic codes, functions (from the catalogue) and pinned semantics."""

from __future__ import annotations

import textwrap

from syncrules.catalogue import functions as fncat
from syncrules.diagnostics.codes import CODES, lookup

_WRAP = 88


def _fill(text: str, first: str = "", rest: str = "") -> str:
    """Wrap at spaces only: paths and names such as docs/entra-provisioning.md stay whole."""
    return textwrap.fill(text, _WRAP, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False, break_long_words=False)


def _para(text: str, indent: str = "") -> str:
    return _fill(text, indent, indent)


def explain_code(code_text: str) -> str | None:
    code = lookup(code_text)
    if code is None:
        return None
    info = CODES[code]
    return "\n".join(
        [
            f"{code.value} ({info.slug}), {info.severity} by default",
            "",
            _para(info.explanation),
        ]
    )


def _decisions() -> dict[str, str]:
    try:
        from syncrules.runtime.functions import DECISIONS
    except ImportError:  # pragma: no cover - the runtime always ships DECISIONS
        return {}
    return dict(DECISIONS)


def explain_function(name: str) -> str | None:
    fn = fncat.get(name)
    if fn is None:
        return None
    from syncrules.check.types import arity

    low, high = arity(fn)
    slots = (
        f"{low}" if low == high else f"{low} to {high}" if high is not None else f"{low} or more"
    )
    params = []
    for p in fn.params:
        flags = "required" if p.required else "optional"
        if p.repeating:
            flags += ", repeating"
        choice = f"; one of {', '.join(p.choices)}" if p.choices else ""
        params.append(f"  {p.name:<28} {p.type.value:<9} {flags} (Graph key '{p.key}'){choice}")
    lines = [
        f"{fn.name}({', '.join(p.name for p in fn.params)}) -> {fn.returns.value}",
        "",
        _para(fn.description),
        "",
        f"Argument slots: {slots}. Empty slots (`, ,`) count as slots that were not supplied.",
        "Parameters:",
        *params,
        "",
        "NULL and empty values:",
        _para(fn.null_rule, "  "),
        "",
        "Example:",
        "  " + fn.example,
    ]
    if fn.engine != "app":
        lines += ["", "Only in Entra Cloud Sync: not supported by app provisioning (PROV215)."]
    if not fn.deterministic:
        lines += [
            "",
            "Not deterministic: results depend on the clock, a random seed or the target.",
        ]
    if fn.targets:
        lines += ["", "Only for targets: " + ", ".join(sorted(fn.targets))]
    decision = _decisions().get(fn.name)
    notes = list(fn.notes)
    if decision:
        notes.append(decision)
    if notes:
        lines += ["", "Decisions where Microsoft's documentation is silent or inferred:"]
        lines += [
            _fill(n, "  - ", "    ") for n in notes
        ]
    return "\n".join(lines)


def list_functions() -> str:
    rows = []
    functions = fncat.all_functions()
    for name in sorted(functions, key=str.lower):
        fn = functions[name]
        tag = "  (cloud sync only)" if fn.engine != "app" else ""
        rows.append(f"  {name:<36} {fn.description}{tag}")
    return "Functions (prov explain <Function> for details):\n" + "\n".join(rows)


def list_codes() -> str:
    rows = [f"  {c.value}  {i.severity:<8} {i.slug}" for c, i in CODES.items()]
    return "Diagnostic codes (prov explain <CODE> for details):\n" + "\n".join(rows)


SEMANTICS_HEAD = """\
Semantics syncrules pins where Microsoft's documentation is silent \
(see also prov explain <Function>):

  - NULL means the attribute is absent; "" is a value. IsNull("") is false.
  - Only \\" and \\\\ are escapes in string constants; any other backslash stays ("\\+" is \\+).
  - Function names match without regard to case and print in canonical casing; attribute names
    are case-sensitive.
  - prov fmt changes layout and the casing of function names only: a string constant keeps its
    spelling ("\\," stays "\\,", "\\\\," stays "\\\\,", though both are the string \\,).
  - %DomainFQDN%-style macro constants (a name between two %, as in Entra's own Cloud Sync
    mappings) are constants: Graph stores them with the macro as the name and no expression, and
    the provisioning agent substitutes them. Offline no agent runs: they evaluate to their own
    text, and print back as written.
  - Attribute values that are not caseExact (matching, change detection, uniqueness and UPN
    checks) compare as .NET's OrdinalIgnoreCase does: one-to-one upper case, so "ß" and "SS"
    differ and "ς" and "Σ" are equal.
  - IgnoreFlowIfNullOrEmpty anywhere in an expression, when it fires, stops the whole mapping:
    the target attribute is neither set nor cleared ("does not flow").
  - A mapping whose value is NULL does not flow (Entra does not provision NULL); the default
    value applies on create only.
  - IIF is lazy; comparisons are numeric when both sides are numbers, else ordinal text.
  - Regular expressions use the .NET dialect through the `regex` package with a time limit.
  - Dates are UTC and print as M/d/yyyy h:mm:ss tt.
  - SCIM values are read leniently by the evaluators (prov eval, prov test): {"value": x} is x,
    a list for a single-valued attribute gives its first value, "True"/"false" are booleans.
    prov run validates each operation first, as the service validates a payload: an object
    without "value", several values for a single-valued attribute the job reads, a Boolean that
    is neither true nor false, NaN or Infinity fail that operation (InvalidSourceValue or
    InvalidOperation); the others go on."""


def semantics() -> str:
    """The pinned rules, with the runtime's own wording of the inferred ones (one source)."""
    from syncrules.runtime import dotnet_format, values
    from syncrules.runtime.scoping import AMPERSAND_RULE

    extra = [
        ("Comparisons", values.COMPARISON_RULE),
        ("NULL in comparisons", values.NULL_COMPARISON),
        ("Scoping & and !&", AMPERSAND_RULE),
    ]
    extra += [
        ("Dates without a year", dotnet_format.CLOCK_RULE),
        ("Date precision", dotnet_format.PRECISION_RULE),
    ]
    extra += [
        (f"Differs from .NET Core 3.1 ({name})", text)
        for name, text in dotnet_format.DOTNET_DIFFERENCES
    ]
    body = [SEMANTICS_HEAD]
    for title, text in extra:
        body.append(
            _fill(f"{title}: {text}", "  - ", "    ")
        )
    return "\n".join(body)


def explain_topic(topic: str | None) -> tuple[str, bool]:
    """(text, found)."""
    if topic is None or topic.lower() in ("codes", "diagnostics"):
        return list_codes(), True
    if topic.lower() == "functions":
        return list_functions(), True
    if topic.lower() in ("semantics", "null", "nulls"):
        return semantics(), True
    text = explain_code(topic) or explain_function(topic)
    if text is not None:
        return text, True
    return (
        f"'{topic}' is neither a diagnostic code nor a function. "
        "Try `prov explain codes` or `prov explain functions`.",
        False,
    )
