"""The diagnostic catalogue: every code, its slug, default severity, message and explanation.

Codes never change meaning once released. Groups: PROV0xx input and syntax, PROV1xx names,
PROV2xx expressions (functions and types), PROV3xx rule logic, PROV9xx internal errors.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Code(enum.StrEnum):
    SYNTAX_ERROR = "PROV001"
    UNREADABLE_FILE = "PROV002"
    NO_JOB = "PROV003"
    MULTIPLE_JOBS = "PROV004"
    IMPORT_NOT_FOUND = "PROV005"
    IMPORT_CYCLE = "PROV006"
    DUPLICATE_SETTING = "PROV007"
    PRESERVE_MERGE = "PROV008"
    DUPLICATE_JOB_NAME = "PROV009"
    NOT_UNICODE_TEXT = "PROV010"
    UNKNOWN_SOURCE_ATTRIBUTE = "PROV101"
    UNKNOWN_TARGET_ATTRIBUTE = "PROV102"
    DUPLICATE_TARGET = "PROV103"
    DUPLICATE_EXTENSION_ATTRIBUTE = "PROV104"
    EXTENSION_CLASH = "PROV105"
    UNKNOWN_FUNCTION = "PROV106"
    UNKNOWN_TARGET_KIND = "PROV107"
    UNKNOWN_ACTION = "PROV108"
    DUPLICATE_SCOPE_GROUP = "PROV109"
    PLACEHOLDER = "PROV110"
    UNKNOWN_SCIM_PATH = "PROV111"
    UNKNOWN_TYPE = "PROV112"
    UNKNOWN_EXPECTATION = "PROV113"
    UNMAPPED_EXPECTATION = "PROV114"
    DUPLICATE_JSON_KEY = "PROV115"
    UNDECLARED_PARAMETER = "PROV120"
    UNSET_PARAMETER = "PROV121"
    PARAMETER_TYPE = "PROV122"
    DUPLICATE_PARAMETER = "PROV123"
    WRONG_ARITY = "PROV201"
    ARGUMENT_TYPE = "PROV202"
    INVALID_REGEX = "PROV203"
    INVALID_DATE_FORMAT = "PROV204"
    INVALID_INTERVAL = "PROV205"
    RANDOMSTRING_MINIMA = "PROV206"
    INDEX_ZERO = "PROV207"
    SELECT_UNIQUE_NESTED = "PROV208"
    SELECT_UNIQUE_TARGET = "PROV209"
    SELECT_UNIQUE_MATCHING = "PROV210"
    IGNOREFLOW_IN_CONDITION = "PROV211"
    PREDICATE_SWITCH_SOURCE = "PROV212"
    NULLABLE_CONDITION = "PROV213"
    EXPRESSION_TOO_LONG = "PROV214"
    CLOUD_SYNC_FUNCTION = "PROV215"
    INVALID_ENUM_ARGUMENT = "PROV216"
    MISPLACED_COMPARISON = "PROV217"
    SEVERAL_VALUES_FOR_ONE = "PROV218"
    SWITCH_KEY_WITHOUT_VALUE = "PROV219"
    EVALUATION_FAILED = "PROV220"
    UNSUPPORTED_REGEX = "PROV221"
    NO_MATCHING_PAIR = "PROV301"
    DUPLICATE_MATCHING_PRIORITY = "PROV302"
    MATCHING_ON_CREATE = "PROV303"
    SCOPE_OPERATOR_ARITY = "PROV304"
    SCOPE_OPERAND_TYPE = "PROV305"
    SCOPE_INVALID_REGEX = "PROV306"
    DELETE_WITHOUT_THRESHOLD = "PROV307"
    NO_TARGET = "PROV308"
    SCOPE_UNSUPPORTED_ATTRIBUTE = "PROV309"
    NUMBER_OUT_OF_RANGE = "PROV310"
    INTERNAL_ERROR = "PROV901"
    SCHEMA_VALIDATION = "PROV902"
    GENERATED_CODE_INVALID = "PROV903"


@dataclass(frozen=True, slots=True)
class CodeInfo:
    slug: str
    severity: str
    message: str
    explanation: str


CODES: dict[Code, CodeInfo] = {
    Code.SYNTAX_ERROR: CodeInfo(
        "syntax-error",
        "error",
        "{detail}",
        "The text does not follow the .prov grammar (or, inside a mapping, Entra's expression "
        "syntax). The diagnostic points at the first character that could not be read and lists "
        "what was expected there. Common causes: a typographic quote (\u201c \u201d) pasted from a "
        "word processor, an unbalanced parenthesis, an operator Entra does not have (&&, ||, ??, "
        "& concatenation), or indexing after a call such as Split(...)[0] (use Item).",
    ),
    Code.UNREADABLE_FILE: CodeInfo(
        "unreadable-file",
        "error",
        "{detail}",
        "A path given on the command line or in an import could not be read: it does not exist, "
        "is not readable, or is not UTF-8 text. Fix the path or re-save the file as UTF-8.",
    ),
    Code.NO_JOB: CodeInfo(
        "no-job",
        "error",
        "no job block in this file or its imports",
        'Every compiled .prov file declares exactly one job: `job "Name" { target entra '
        "actions create, update }`. Files that only hold shared extensions or mappings are fine "
        "as imports, but compiling one on its own needs a job block.",
    ),
    Code.MULTIPLE_JOBS: CodeInfo(
        "multiple-jobs",
        "error",
        "a second job block; a .prov file declares one job",
        "One .prov file compiles to one provisioning job. Put each job in its own file and share "
        'common extensions and mappings with `import "common.prov"`.',
    ),
    Code.IMPORT_NOT_FOUND: CodeInfo(
        "import-not-found",
        "error",
        "imported file '{path}' not found",
        '`import "x.prov"` is resolved relative to the importing file. The file must exist '
        "and be readable.",
    ),
    Code.IMPORT_CYCLE: CodeInfo(
        "import-cycle",
        "error",
        "import cycle: {cycle}",
        "Files import each other in a circle. Move what both need into a third file that neither "
        "imports back.",
    ),
    Code.DUPLICATE_SETTING: CodeInfo(
        "duplicate-setting",
        "error",
        "'{setting}' is set more than once in the job",
        "Each job setting (target, actions, deletion threshold) may appear once.",
    ),
    Code.PRESERVE_MERGE: CodeInfo(
        "preserve-merge",
        "error",
        "the preserved schema cannot take the compiled rules: {detail}",
        '`preserve "file.json"` names a schema (written by `prov import`) whose parts the '
        ".prov language does not model; `prov compile` merges the compiled rules into it. The "
        "merge needs one synchronization rule and one User object mapping to update, and the "
        "source directory the rule reads from. Re-import the schema, or remove the preserve line.",
    ),
    Code.DUPLICATE_JOB_NAME: CodeInfo(
        "duplicate-job-name",
        "error",
        "another job compiles to the same name '{name}'",
        "`prov compile` names its outputs after the job (<name>.json and the <name>/ package), so "
        "two jobs compiled together need names that differ after lower-casing and replacing "
        "punctuation with '-'. `prov check` reports it over the same paths, so a check that "
        "passes is a compile that writes. Rename one of the jobs.",
    ),
    Code.NOT_UNICODE_TEXT: CodeInfo(
        "not-unicode-text",
        "warning",
        "{detail}",
        "A string in a test record or expected value is JSON text, so an escape such as "
        "\\ud800 is read as the character it names. A lone UTF-16 surrogate (\\ud800 to "
        "\\udfff without its pair) is not Unicode text: `prov test` evaluates it, but `prov run` "
        "refuses such a record and Entra cannot store it. Write the character itself, or a "
        "valid pair such as \\ud83d\\ude00.",
    ),
    Code.UNKNOWN_SOURCE_ATTRIBUTE: CodeInfo(
        "unknown-source-attribute",
        "error",
        "unknown source attribute '{name}'",
        "An attribute reference `[name]` must name a SCIM core User or Enterprise User attribute "
        "of the API source schema, or an attribute of a declared `extension`. Attribute names "
        "are case-sensitive, as in Entra. Declare custom HR attributes with "
        '`extension "urn:..." { Name: string }`.',
    ),
    Code.UNKNOWN_TARGET_ATTRIBUTE: CodeInfo(
        "unknown-target-attribute",
        "error",
        "unknown target attribute '{name}' for target {target}",
        "The left side of a mapping (and the right side of `match`) must be an attribute of "
        "the job's target: Microsoft Entra ID user attributes for `target entra`, on-premises "
        "Active Directory user attributes for `target ad`. Directory extensions "
        "(extension_<appId>_<name>) are accepted as they are.",
    ),
    Code.DUPLICATE_TARGET: CodeInfo(
        "duplicate-target",
        "error",
        "target attribute '{name}' is mapped more than once",
        "Entra allows one mapping per target attribute. Remove one of them or combine them "
        "into one expression (Coalesce, IIF, Switch). A `match` line is a mapping too.",
    ),
    Code.DUPLICATE_EXTENSION_ATTRIBUTE: CodeInfo(
        "duplicate-extension-attribute",
        "error",
        "extension attribute '{name}' is declared more than once",
        "Each attribute of an extension is declared once. Remove the repetition.",
    ),
    Code.EXTENSION_CLASH: CodeInfo(
        "extension-clash",
        "error",
        "{detail}",
        "An extension's attributes must not clash with another declaration: the same URN "
        "declared twice with different types, an alias used twice, or a name that shadows a "
        "core SCIM attribute.",
    ),
    Code.UNKNOWN_FUNCTION: CodeInfo(
        "unknown-function",
        "error",
        "unknown function '{name}'",
        "The function is not one of Entra's app-provisioning expression functions. Function "
        "names are matched without regard to case and printed in their canonical casing. See "
        "`prov explain functions` for the list.",
    ),
    Code.UNKNOWN_TARGET_KIND: CodeInfo(
        "unknown-target-kind",
        "error",
        "unknown target '{name}'",
        "`target entra` is the 'API-driven provisioning to Microsoft Entra ID' app; `target ad` "
        "the 'API-driven provisioning to on-premises Active Directory' app.",
    ),
    Code.UNKNOWN_ACTION: CodeInfo(
        "unknown-action",
        "error",
        "unknown target object action '{name}'",
        "Target object actions are create, update and delete (Graph objectMapping flowTypes "
        "Add, Update, Delete).",
    ),
    Code.DUPLICATE_SCOPE_GROUP: CodeInfo(
        "duplicate-scope-group",
        "error",
        "scoping group '{name}' is declared more than once",
        "Scoping groups are named; the names appear in provisioning logs and must be unique.",
    ),
    Code.PLACEHOLDER: CodeInfo(
        "placeholder",
        "warning",
        "'{text}' looks like a placeholder from a Microsoft sample",
        "Microsoft samples contain placeholders such as <AppIdWithoutHyphens> or "
        '"<Default ParentDistinguishedName>" that must be replaced with real values.',
    ),
    Code.UNKNOWN_SCIM_PATH: CodeInfo(
        "unknown-scim-path",
        "error",
        "unknown SCIM path '{name}' in source csv",
        "The left side of a `source csv` line is the SCIM attribute to fill: a core or "
        "enterprise User attribute (name.givenName, "
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager) or a declared "
        "extension attribute.",
    ),
    Code.UNKNOWN_TYPE: CodeInfo(
        "unknown-type",
        "error",
        "unknown attribute type '{name}'",
        "Extension attributes are typed string, boolean, integer, datetime, reference or binary, "
        "with [] after the type for a multi-valued attribute (string[]).",
    ),
    Code.UNKNOWN_EXPECTATION: CodeInfo(
        "unknown-expectation",
        "error",
        "{detail}",
        "A test expects one of the actions create, update, enable, disable, delete, skip, none or "
        "fail, and gives records as JSON objects. `now` takes an ISO-8601 time such as "
        '"2024-05-01T09:00:00Z".',
    ),
    Code.UNMAPPED_EXPECTATION: CodeInfo(
        "unmapped-expectation",
        "error",
        "test '{test}' expects '{name}', which the job does not map",
        "A test's expectations name target attributes the job writes: the targets of its "
        "mappings and matching pairs, and the account state the cycle sets (accountEnabled, or "
        "accountDisabled for Active Directory). Any other name is never in the result, so "
        "`== value` would always fail and `not set` or `does not flow` would always pass, "
        "whatever the rules do; usually it is a typo (userPrincipleName for "
        "userPrincipalName). Correct the name, or map the attribute.",
    ),
    Code.DUPLICATE_JSON_KEY: CodeInfo(
        "duplicate-json-key",
        "warning",
        "{detail}",
        "A JSON object in a test (a `given user`, an `existing user`, an expected value) names "
        "the same member twice. Only the last one is kept, so the first is silently ignored; and "
        "SCIM attribute names ignore case, so `userName` and `username` are the same attribute "
        "too: syncrules reads the member spelt as asked for, else the first that matches "
        "ignoring case, and what Entra does is not documented. Keep one of them.",
    ),
    Code.UNDECLARED_PARAMETER: CodeInfo(
        "undeclared-parameter",
        "error",
        "parameter '${name}' is not declared",
        "A `$name` use, or a test's `param name = value`, names a parameter that no "
        "`param name: TYPE` line of the job (or of a file it imports) declares. Declare it "
        "(`param domain: string`), or fix the spelling.",
    ),
    Code.UNSET_PARAMETER: CodeInfo(
        "unset-parameter",
        "error",
        "parameter '{name}' has no value: {where}",
        "A `$name` use compiles to the value of the parameter in the chosen environment: the "
        "`[environments.NAME.params]` table of the project file (`prov.toml` at the root of the "
        "rules repository, or `[tool.syncrules]` in `pyproject.toml`). Choose the environment "
        "with `--env NAME` (or the PROV_ENV variable) and give the parameter a value there. In a "
        "`test` block, `param name = value` sets it for that test.",
    ),
    Code.PARAMETER_TYPE: CodeInfo(
        "parameter-type",
        "error",
        "{detail}",
        "Parameters are declared `string` or `integer`, and a value must have the declared "
        'type: in prov.toml a string is quoted (domain = "contoso.com") and an integer is not '
        "(threshold = 25); in a test, `param n = 5` or `param s = \"text\"`. Values are never "
        "converted from one type to the other.",
    ),
    Code.DUPLICATE_PARAMETER: CodeInfo(
        "duplicate-parameter",
        "error",
        "parameter '{name}' is declared again with another type",
        "A parameter may be declared in several files of a job (each file that uses it may "
        "say so), but always with the same type.",
    ),
    Code.WRONG_ARITY: CodeInfo(
        "wrong-arity",
        "error",
        "{name} takes {expected} argument slot(s), got {got}",
        "Entra binds arguments by position, and an empty slot (`, ,`) counts as a slot that was "
        "not supplied. `prov explain <Function>` shows the parameters.",
    ),
    Code.ARGUMENT_TYPE: CodeInfo(
        "argument-type",
        "error",
        "{detail}",
        "The argument's type does not fit the parameter: a multi-valued attribute where one "
        "value is needed, a text literal where a number is needed, a boolean attribute where a "
        'date is needed. Numeric parameters also accept numbers written as strings ("1").',
    ),
    Code.INVALID_REGEX: CodeInfo(
        "invalid-regex",
        "error",
        "invalid regular expression: {detail}",
        "Patterns use the .NET regex dialect. Remember that string constants use backslash "
        'escaping, so a regex backslash is written twice: "\\\\d+" is the pattern \\d+.',
    ),
    Code.INVALID_DATE_FORMAT: CodeInfo(
        "invalid-date-format",
        "error",
        "invalid .NET date/time format '{fmt}': {detail}",
        "FormatDateTime takes .NET custom date and time format strings (yyyy, MM, dd, HH, mm, "
        "ss, f..., tt, zzz, K, quoted literals).",
    ),
    Code.INVALID_INTERVAL: CodeInfo(
        "invalid-interval",
        "error",
        "invalid interval '{value}' for {name}",
        "DateAdd and DateDiff take one of the Visual Basic interval codes yyyy (year), "
        "m (month), d (day), ww (week), h (hour), n (minute), s (second).",
    ),
    Code.RANDOMSTRING_MINIMA: CodeInfo(
        "randomstring-minima",
        "error",
        "{detail}",
        "RandomString's Length must be at most 256 and at least the sum of the minimum numbers, "
        "special characters, capitals and lower-case letters.",
    ),
    Code.INDEX_ZERO: CodeInfo(
        "index-zero",
        "error",
        "{name} uses 1-based positions; {value} is not a valid position",
        "Mid's start and Item's index are 1-based; 0 and negative values do not address a "
        "character or value.",
    ),
    Code.SELECT_UNIQUE_NESTED: CodeInfo(
        "select-unique-nested",
        "error",
        "SelectUniqueValue must be the whole expression, not nested",
        "Entra evaluates SelectUniqueValue only at the top level of a mapping. Move the other "
        "functions inside its rules.",
    ),
    Code.SELECT_UNIQUE_TARGET: CodeInfo(
        "select-unique-target",
        "error",
        "SelectUniqueValue is available only for on-premises AD targets",
        "SelectUniqueValue checks candidates against the target directory and is supported for "
        "Workday, SuccessFactors and API-driven provisioning to on-premises AD only. For Entra "
        "ID targets, make values unique with RandomString in an `on create` mapping.",
    ),
    Code.SELECT_UNIQUE_MATCHING: CodeInfo(
        "select-unique-matching",
        "error",
        "SelectUniqueValue cannot be used on a matching attribute",
        "A matching attribute must be computed the same way every time; SelectUniqueValue "
        "depends on the target's state.",
    ),
    Code.IGNOREFLOW_IN_CONDITION: CodeInfo(
        "ignoreflow-in-condition",
        "error",
        "IgnoreFlowIfNullOrEmpty cannot be used inside an IIF condition",
        "IgnoreFlowIfNullOrEmpty decides whether the whole mapping flows. Wrap the IIF instead: "
        "IgnoreFlowIfNullOrEmpty(IIF(...)).",
    ),
    Code.PREDICATE_SWITCH_SOURCE: CodeInfo(
        "predicate-switch-source",
        "error",
        "{name} must not be the source of Switch",
        "Microsoft documents IsPresent, IsNull and IsNullOrEmpty as unsupported as the source "
        "of Switch. Use IIF with the predicate as its condition, or Switch on the attribute.",
    ),
    Code.NULLABLE_CONDITION: CodeInfo(
        "nullable-condition",
        "warning",
        "IIF condition reads '{name}', which may be absent or empty",
        "Entra documents that an IIF whose condition reads a null or empty attribute fails "
        'the condition check. Use Switch (which treats a missing value as "") or guard the '
        "attribute with Coalesce.",
    ),
    Code.EXPRESSION_TOO_LONG: CodeInfo(
        "expression-too-long",
        "error",
        "expression is {length} characters long; Entra accepts at most 10,000",
        "Entra rejects mapping expressions longer than 10,000 characters. Split the logic, for "
        "example with a Switch table instead of nested IIFs.",
    ),
    Code.CLOUD_SYNC_FUNCTION: CodeInfo(
        "cloud-sync-function",
        "error",
        "{name} exists only in Entra Cloud Sync, not in app provisioning",
        "The function is documented for Microsoft Entra Cloud Sync (AD to Entra) only. "
        "API-driven inbound provisioning does not offer it.",
    ),
    Code.INVALID_ENUM_ARGUMENT: CodeInfo(
        "invalid-enum-argument",
        "error",
        "{detail}",
        "Some parameters take one of a fixed set of bare words, such as InStr's compareType "
        "(vbBinaryCompare, vbTextCompare). A bare word anywhere else is not a value.",
    ),
    Code.MISPLACED_COMPARISON: CodeInfo(
        "misplaced-comparison",
        "error",
        "a comparison can only be the condition of IIF or the argument of CBool",
        "Entra's expression language has comparison operators (=, <>, <, <=, >, >=) only inside "
        "conditions.",
    ),
    Code.SEVERAL_VALUES_FOR_ONE: CodeInfo(
        "several-values-for-one",
        "warning",
        "{target} takes one value, but {source} is multi-valued: a record with several values "
        "fails",
        "A multi-valued source value (an extension attribute declared with `[]`, or a function "
        "such as Split) flows to a single-valued target. A record with one value flows it; a "
        "record with several cannot be written to one value and fails (in `prov run`, with "
        "the mapping named; in a `match`, it gives no matching key). Choose one value, for "
        'example Item([attr], 1), or join them: Join(",", [attr]).',
    ),
    Code.SWITCH_KEY_WITHOUT_VALUE: CodeInfo(
        "switch-key-without-value",
        "error",
        "Switch key {index} has no value",
        "After the source and the default, Switch takes key/value pairs, so the number of "
        "slots after the default must be even (one trailing empty slot, as the portal writes "
        "it, is allowed). Microsoft documents no meaning for a key without a value, and the "
        "evaluators (`prov test`, `prov run`) fail every record on it. Add the value after the "
        "key, or remove the key.",
    ),
    Code.EVALUATION_FAILED: CodeInfo(
        "evaluation-failed",
        "error",
        "evaluation failed: {detail}",
        "The expression is well formed but failed when evaluated on this input, as it would "
        "fail in Entra: a regular expression that ran past its time limit, SelectUniqueValue "
        "with every candidate already taken, Item past the end of a list, DefaultDomain without "
        "a default domain, a date that cannot be parsed with the given format. In `prov run` "
        "the record fails alone with this reason and the others are processed.",
    ),
    Code.UNSUPPORTED_REGEX: CodeInfo(
        "unsupported-regex",
        "error",
        "{detail}",
        "The pattern is a valid .NET regular expression, but it uses a construct that syncrules "
        "cannot run exactly as .NET does, so it is refused rather than run differently: a "
        "balancing group ((?<name1-name2>...) or (?<-name>...)), a conditional without a 'no' "
        "branch ((?(condition)yes): .NET's result there depends on its search optimisations; "
        "write (?(condition)yes|) if an empty 'no' is meant), or a POSIX-style [:name:] inside a "
        "class. The message names the construct and its position (0-based, counted in UTF-16 "
        "code units). Everything else .NET accepts is translated: named groups numbered after "
        "unnamed ones, class subtraction [a-z-[aeiou]], inline options (?imnsx-imnsx), "
        "conditionals, \\p{IsBlock} names; and what .NET refuses (\\K, \\R, \\X, (?P<name>...), "
        "possessive quantifiers) is PROV203.",
    ),
    Code.NO_MATCHING_PAIR: CodeInfo(
        "no-matching-pair",
        "error",
        "the job has no matching attribute",
        "Entra needs at least one matching pair to find existing users: "
        "`match [externalId] -> employeeId` is the API-driven default.",
    ),
    Code.DUPLICATE_MATCHING_PRIORITY: CodeInfo(
        "duplicate-matching-priority",
        "error",
        "matching priority {priority} is used more than once",
        "Matching attributes are tried in ascending priority order; each priority is used once.",
    ),
    Code.MATCHING_ON_CREATE: CodeInfo(
        "matching-on-create",
        "error",
        "a matching attribute cannot be 'on create' only",
        "A matching attribute must flow on every update so that the user can be found again.",
    ),
    Code.SCOPE_OPERATOR_ARITY: CodeInfo(
        "scope-operator-arity",
        "error",
        "{detail}",
        "IS TRUE, IS FALSE, IS NULL and IS NOT NULL take no value; every other scoping operator "
        "takes exactly one.",
    ),
    Code.SCOPE_OPERAND_TYPE: CodeInfo(
        "scope-operand-type",
        "error",
        "{detail}",
        "IS TRUE and IS FALSE need a Boolean attribute; Greater_Than and Greater_Than_OR_EQUALS "
        "compare integers, so the value must be an integer.",
    ),
    Code.SCOPE_INVALID_REGEX: CodeInfo(
        "scope-invalid-regex",
        "error",
        "invalid regular expression in scoping clause: {detail}",
        "REGEX MATCH and NOT REGEX MATCH take a .NET regular expression. In a scoping clause "
        "the value is not an expression constant: write the pattern as you would in the portal.",
    ),
    Code.DELETE_WITHOUT_THRESHOLD: CodeInfo(
        "delete-without-threshold",
        "warning",
        "delete is enabled without a deletion threshold",
        "With delete enabled, a bad HR export can remove many accounts in one cycle. Set "
        "`deletion threshold N` so that Entra's accidental-deletion prevention holds them.",
    ),
    Code.NO_TARGET: CodeInfo(
        "no-target",
        "error",
        "the job does not say its target (target entra or target ad)",
        "Every job names its target app: `target entra` or `target ad`.",
    ),
    Code.SCOPE_UNSUPPORTED_ATTRIBUTE: CodeInfo(
        "scope-unsupported-attribute",
        "error",
        "scoping filters do not support {what} attribute '{name}'",
        "Entra scoping filters cannot evaluate multi-valued attributes, the manager reference "
        "or date-typed attributes.",
    ),
    Code.NUMBER_OUT_OF_RANGE: CodeInfo(
        "number-out-of-range",
        "error",
        "{what} {value} is out of range: a whole number from {low} to 2147483647 is expected",
        "Graph stores the deletion threshold and matching priorities as 32-bit integers "
        "(Int32): the deletion threshold is 0 or more, a matching priority 1 or more (0 means "
        '"not a matching attribute"), and neither can pass 2147483647. A `match` without '
        "`priority` takes the next number after the highest one used. A `test` block's `seed` "
        "takes the same range.",
    ),
    Code.INTERNAL_ERROR: CodeInfo(
        "internal-error",
        "error",
        "{detail}",
        "syncrules itself failed. This is a bug: please report it with the input and the "
        "output of the command run again with --debug.",
    ),
    Code.SCHEMA_VALIDATION: CodeInfo(
        "schema-validation",
        "error",
        "compiled job configuration does not validate: {detail}",
        "The compiler produced JSON that its own schema rejects. This is a bug in syncrules, "
        "not in your rules.",
    ),
    Code.GENERATED_CODE_INVALID: CodeInfo(
        "generated-code-invalid",
        "error",
        "generated Python does not compile: {detail}",
        "The Python backend produced code that does not compile. This is a bug in syncrules.",
    ),
}


def lookup(text: str) -> Code | None:
    """A code from 'PROV101', 'prov101' or its slug."""
    t = text.strip()
    for code, info in CODES.items():
        if t.upper() == code.value or t.lower() == info.slug:
            return code
    return None
