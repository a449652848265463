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
    decision = fncat.decision(fn.name)
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
  - What the target would refuse, prov run refuses: a create or update whose values break the
    target's rules fails that record alone at the export, naming the attribute and the rule.
    Entra (Microsoft Graph's user resource): a create with an empty displayName or
    userPrincipalName fails (an absent one is let through);
    maximum lengths (displayName 256, givenName 64, jobTitle 128, employeeId 16, ...) counted
    in UTF-16 code units; userPrincipalName alias@domain; mailNickname without spaces or
    @()\\[]";:<>,; usageLocation a two-letter code; DateTime values ISO 8601; Booleans true or
    false. AD: a create with an empty displayName fails (the cn, at most 64, is set from it);
    sAMAccountName at most 20 characters without "/\\[]:;|=,+*?<>@ or a final period;
    parentDistinguishedName a DN; no empty strings (InvalidAttributeSyntax); Booleans TRUE or
    FALSE. Whether Entra supplies mailNickname and accountEnabled when no mapping does is not
    established, so they are not required. The rules are catalogue data
    (catalogue/data/target_*.json).
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
  - Regular expressions use the .NET dialect through the `regex` package with a time limit
    (1 s per operation). A timeout fails the record alone, with the scoping clause or mapping
    and the timeout as its reason (never "no value for a matching attribute"). A pattern whose
    counted repetitions ({n}, {n,m}) unroll past 200,000 elements is refused, not compiled.
  - No function builds a text longer than 65,536 characters (far more than any Entra ID or AD
    string attribute holds): a Replace that would (say, "$_" for every character) fails the
    record with value-too-long as it grows, before using the memory.
  - Dates are UTC and print as M/d/yyyy h:mm:ss tt.
  - SCIM values are read leniently by the evaluators (prov eval, the generated packages):
    {"value": x} is x, a list for a single-valued attribute gives its first value,
    "True"/"false" are booleans. A cycle (prov run, and prov test, fixture snapshots and
    prov plan, which run their records through the same cycle) validates each operation
    first, as the service validates a payload: an object without "value", several values for
    a single-valued attribute the job reads, a Boolean that is neither true nor false, NaN or
    Infinity fail that operation (InvalidSourceValue or InvalidOperation); the others go on.
  - prov test, fixture snapshots and prov plan decide records as prov run does: one cycle over
    an in-memory directory (a test's `existing user` records and `taken` values), matching by
    the source anchor first, then the matching attributes; UPN collisions fail
    (AzureActiveDirectoryConflict); a manager is the target id of the user provisioned from
    its externalId, and one never found is a warning and is not set."""


DOTNET_STRINGS = (
    "Strings count like .NET: lengths and positions (Len, Left, Mid, InStr, regular-expression "
    "matches) are in UTF-16 code units, so Len(\"\U0001F600\") is 2. A cut inside a surrogate "
    "pair leaves U+FFFD for the lone half, as .NET's encoders write it.",
    "Casing (ToUpper, ToLower, PCase): one-to-one simple mapping (\u00df stays \u00df). "
    "Without a culture, .NET's invariant culture, which leaves \u0130 and \u0131 as they are: "
    "ToLower(\"\u0130zmir\") is \"\u0130zmir\", ToUpper(\"\u0131stanbul\") is "
    "\"\u0131STANBUL\" (.NET Core keeps them on purpose to agree with the Windows invariant "
    "tables .NET Framework uses). With a culture: tr and az apply the Turkish rules, any "
    "other culture lowers \u0130 to i and uppers \u0131 to I. Generated UPNs and mail "
    "nicknames follow: run NormalizeDiacritics first. Comparisons that ignore case "
    "(OrdinalIgnoreCase) take \u0131 and I as equal, as .NET does; \u0130 and i differ.",
    "Regular expressions are translated from .NET, or refused at check time, never run "
    "differently: named groups are numbered after the unnamed ones ($1 in "
    "\"(?<first>\\w+) (\\w+)\" is the second word), class subtraction [a-z-[aeiou]], "
    "inline options scoped as in .NET, (?n), conditionals, .NET's \\p{IsBlock} names, \\w as "
    "[\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}], \\b counting ZWJ and ZWNJ as word characters. Case-"
    "insensitive matching lower-cases with the invariant culture (so (?i)i does not match "
    "\u0130). After an empty match the next one is searched one code unit further, as in .NET. "
    "What .NET refuses (\\K, \\R, \\X, (?P<n>...), possessive quantifiers) is PROV203/PROV306; "
    "balancing groups and (?(condition)yes) without a '|no' branch are PROV221.",
    "Checked against .NET Core 3.1 (tests/oracle, the oracle extra). One difference is kept "
    "and excluded from those tests by name: unicode-category-changed-since-net-core-3.1 (the "
    "342 BMP characters whose general category, and so \\w, \\p{..} and \\b, differ between "
    ".NET Core 3.1's old Unicode tables and the newer ones syncrules uses; what Entra's own "
    ".NET has is unknown, and the newer tables describe today's text). Case-insensitive "
    "ranges gain their lower case from .NET's own (old) table, as in .NET: (?i)[\u00c0-\u00de] "
    "also matches \u00f7.",
)


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
    body += [
        _fill(text, "  - ", "    ") for text in DOTNET_STRINGS
    ]
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
    # the topic as typed, but never a terminal escape sequence or a screenful
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in topic[:80])
    shown += f"…' ({len(topic)} characters)" if len(topic) > 80 else "'"
    return (
        f"'{shown} is neither a diagnostic code nor a function. "
        "Try `prov explain codes` or `prov explain functions`.",
        False,
    )
