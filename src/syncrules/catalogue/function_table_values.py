"""Value functions of app provisioning: conditions and predicates, flow control, dates and numbers,
multi-valued attributes, app roles and tenant/target lookups.

Data only (see ``function_table`` for the sources and the key conventions).
"""

from __future__ import annotations

from syncrules.catalogue.function_params import (
    INTERVALS,
    SOURCE_KEY,
    A,
    B,
    D,
    M,
    N,
    S,
    camel_keys,
    param,
)
from syncrules.catalogue.functions import Function, VType, _register

_register(
    Function(
        name="AppRoleAssignmentsComplex",
        params=(param("appRoleAssignments", "source", A),),
        returns=M,
        description="Sends every app role as complex values (primary=false); only ever adds.",
        example="AppRoleAssignmentsComplex([appRoleAssignments]) -> every assigned role, each "
        "with primary=false",
        null_rule="No assignment yields no roles to add [inferred]; roles are never removed.",
        notes=(
            "Graph key 'source' assumed (the Graph sample's AppRoleAssignments uses it).",
            "Needs a Microsoft Entra ID source with [appRoleAssignments] (outbound provisioning); "
            "not compatible with scope 'Sync all users and groups'.",
        ),
    ),
    Function(
        name="AssertiveAppRoleAssignmentsComplex",
        params=(param("appRoleAssignments", "source", A),),
        returns=M,
        description="Like AppRoleAssignmentsComplex but replaces: removes roles not assigned.",
        example="AssertiveAppRoleAssignmentsComplex([appRoleAssignments]) -> exactly the "
        "assigned roles (others are removed)",
        null_rule="No assignment yields an empty role list, removing the app's roles [inferred].",
        notes=(
            "Graph key 'source' assumed (the Graph sample's AppRoleAssignments uses it).",
            "Documented only in customize-application-attributes.md; needs an Entra ID source.",
        ),
    ),
    Function(
        name="BitAnd",
        params=(param("value1", "left", N), param("value2", "right", N)),
        returns=N,
        description="Bitwise AND of two numbers.",
        example="BitAnd(&HF, &HF7) -> 7",
        null_rule="A NULL operand yields NULL [inferred]; "
        "a non-numeric operand is an evaluation error.",
    ),
    Function(
        name="CBool",
        params=(param("Expression", "source", VType.CONDITION),),
        returns=B,
        description="True if the expression evaluates to non-zero or to a true comparison.",
        example='CBool([attribute1] = [attribute2]) -> True when both are "abc"',
        null_rule="A comparison with a NULL operand is false; "
        'NULL and "" are False [inferred, docs/entra-provisioning.md §7, item 4].',
        notes=(SOURCE_KEY,),
    ),
    Function(
        name="CDate",
        params=(param("expression", "source", S),),
        returns=D,
        needs_context=True,  # a date without a year takes the evaluation clock's year
        description="Parses a date string (offsets honoured) into a UTC DateTime.",
        example='CDate("2021-06-30+08:00") -> "6/29/2021 4:00:00 PM"',
        null_rule='NULL yields NULL [inferred]; "" or an unparsable string is an evaluation error '
        "[inferred].",
        notes=(SOURCE_KEY, "Renders as M/d/yyyy h:mm:ss tt in UTC."),
    ),
    Function(
        name="Coalesce",
        result_from="every argument",
        lazy=True,
        params=(param("source", "source", A, repeating=True),),
        returns=A,
        description="Returns the first source that is not NULL (a trailing default is a source).",
        example='Coalesce([mail], [userPrincipalName]) -> "John.Doe@contoso.com" when mail is NULL '
        'and userPrincipalName is "John.Doe@contoso.com"',
        null_rule='Skips NULL sources only: "" is a value and is returned; all NULL yields NULL '
        "(or the trailing defaultValue, which is just the last source).",
        notes=(
            "Graph key 'source' (repeating) assumed; the documented trailing defaultValue cannot "
            "be told from another source, so it is bound as one.",
            "The reference says 'string'; returns ANY because it returns one of its arguments.",
        ),
    ),
    Function(
        name="Count",
        params=(param("attribute", "source", M),),
        returns=N,
        description="Number of values of a multi-valued attribute.",
        example='Count([proxyAddresses]) -> 2 when proxyAddresses is ["SMTP:a@contoso.com", '
        '"smtp:b@contoso.com"] (illustrative: no documented example)',
        null_rule='An absent (NULL) attribute and "" count 0 [inferred]; any other single value '
        "counts 1, a multi-valued attribute its number of values.",
        notes=(SOURCE_KEY,),
    ),
    Function(
        name="CStr",
        params=(param("value", "source", A),),
        returns=S,
        description="Converts a number, reference (DN) or boolean to a string.",
        example='CStr([dn]) -> "cn=Joe,dc=contoso,dc=com"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(SOURCE_KEY,),
    ),
    Function(
        name="DateAdd",
        params=(
            param("interval", "interval", choices=INTERVALS),
            param("value", "value", N),
            param("dateTime", "dateTime", D),
        ),
        returns=D,
        needs_context=True,  # a date without a year takes the evaluation clock's year
        description="Adds value intervals (yyyy m d ww h n s; may be negative) to a DateTime.",
        example='DateAdd("d", 7, CDate("2012-03-16-07:00")) -> "3/23/2012 7:00:00 AM"',
        null_rule="A NULL dateTime yields NULL [inferred]; an unparsable date or a non-numeric "
        "value is an evaluation error; wrap string dates in CDate.",
        notes=(
            camel_keys("interval", "value", "dateTime"),
            "m/yyyy clamp the day of month [inferred].",
        ),
    ),
    Function(
        name="DateDiff",
        params=(
            param("interval", "interval", choices=INTERVALS),
            param("date1", "date1", D),
            param("date2", "date2", D),
        ),
        returns=N,
        needs_context=True,  # a date without a year takes the evaluation clock's year
        description="date2 - date1 in whole intervals (VB DateDiff semantics).",
        example='DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00")) -> 13',
        null_rule="A NULL date yields NULL [inferred]; an unparsable date is an evaluation error.",
        notes=(
            camel_keys("interval", "date1", "date2"),
            "d/h/n/s truncate elapsed time; ww counts Sunday week boundaries; m/yyyy subtract "
            "calendar fields [inferred from the doc table].",
        ),
    ),
    Function(
        name="DateFromNum",
        params=(param("value", "source", N),),
        returns=D,
        description="AD FILETIME (100-ns ticks since 1601-01-01 UTC) to DateTime.",
        example="DateFromNum(129699324000000000) -> 1/1/2012 11:00:00 PM (UTC)",
        null_rule='NULL yields NULL [inferred]; "" or a non-number is an evaluation error '
        "[inferred].",
        notes=("For AD dates (accountExpires, lastLogonTimestamp); not restricted to AD targets.",),
    ),
    Function(
        name="DefaultDomain",
        params=(),
        returns=S,
        description="The tenant's default verified domain.",
        example='Join("@", "jdoe", DefaultDomain()) -> "jdoe@contoso.com" when the default domain '
        "is contoso.com",
        null_rule="Takes no input; an evaluation error if the tenant has no default domain.",
        deterministic=False,
        needs_context=True,
        notes=("Current function reference only (newer than the git snapshot).",),
    ),
    Function(
        name="FormatDateTime",
        params=(
            param("source", "source", S),
            param("dateTimeStyles", "dateTimeStyles", S, optional=True),
            param("inputFormat", "inputFormat", S),
            param("outputFormat", "outputFormat", S),
        ),
        returns=S,
        description="Reformats a date string with .NET custom date/time formats.",
        example='FormatDateTime("20150123105347.1Z", , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd") '
        '-> "2015-01-23"',
        null_rule='NULL source yields NULL [inferred]; "" or a value not matching inputFormat is '
        "an evaluation error [inferred].",
        needs_context=True,  # a time-only inputFormat takes the date from the context clock
        min_args=3,
        max_args=4,
        notes=(
            "With 3 arguments the slots are source, inputFormat, outputFormat (cloud-sync form, "
            "and the Graph functions sample); with 4 the second is dateTimeStyles.",
            "Graph key 'dateTimeStyles' assumed (lowerCamelCase of the documented name); the "
            "others are in the Graph functions sample.",
            "dateTimeStyles default: RoundtripKind, AllowLeadingWhite, AllowTrailingWhite.",
        ),
    ),
    Function(
        name="IgnoreFlowIfNullOrEmpty",
        result_from="every argument",
        params=(param("expression", "source", A),),
        returns=VType.NOFLOW,
        description="Drops the target attribute from the export when the value is NULL or empty.",
        example='IgnoreFlowIfNullOrEmpty([department]) -> no flow when department is NULL or "", '
        "else its value",
        null_rule='NULL or "" means the target attribute is omitted from the export (neither set '
        "nor cleared); anything else flows unchanged.",
        notes=(SOURCE_KEY, "A flow-control wrapper: never an IIF condition; wrap the whole IIF."),
    ),
    Function(
        name="IIF",
        result_from="the branches",
        lazy=True,
        params=(
            param("condition", "one", VType.CONDITION),
            param("valueIfTrue", "four", A),
            param("valueIfFalse", "five", A, optional=True),
        ),
        returns=A,
        description="valueIfTrue if the condition holds, else valueIfFalse (no AND/OR: nest IIFs).",
        example='IIF([country]="USA", [country], [department]) -> "USA" when country is "USA"',
        null_rule='A condition on a NULL or "" attribute is documented as unsupported; here a '
        'comparison with NULL is false and a NULL or "" condition takes valueIfFalse '
        "[inferred, docs/entra-provisioning.md §7, item 4]; only the chosen branch is evaluated.",
        min_args=3,
        notes=(
            "Keys from real exports: a comparison condition is split by the JSON backend into "
            "one (left), two (operator constant) and three (right); a predicate condition is "
            "'one' alone; valueIfTrue is 'four', valueIfFalse is 'five'.",
            "valueIfFalse is documented as required, but real exports hold IIF(cond, value, ) "
            "with keys one and four only: the slot is written, its value may be left out.",
        ),
    ),
    Function(
        name="IsNull",
        params=(param("Expression", "source", A),),
        returns=B,
        description="True if the value is NULL (the attribute is absent).",
        example="IsNull([displayName]) -> True when displayName is absent",
        null_rule='NULL yields True; "" yields False.',
        notes=(SOURCE_KEY, "Do not use as the source of Switch."),
    ),
    Function(
        name="IsNullOrEmpty",
        params=(param("Expression", "source", A),),
        returns=B,
        description="True if the value is NULL or the empty string.",
        example='IsNullOrEmpty("") -> True',
        null_rule='NULL yields True; "" yields True.',
        notes=(SOURCE_KEY, "Do not use as the source of Switch or as an IIF condition."),
    ),
    Function(
        name="IsPresent",
        params=(param("Expression", "source", A),),
        returns=B,
        description="True if the value is neither NULL nor the empty string.",
        example='IsPresent("") -> False',
        null_rule='NULL yields False; "" yields False.',
        notes=("Do not use as the source of Switch or as an IIF condition.",),
    ),
    Function(
        name="IsString",
        params=(param("Expression", "source", A),),
        returns=B,
        description="True if the value can be evaluated as a string.",
        example='IsString("abc") -> True (illustrative: no documented example)',
        null_rule='NULL yields False [inferred]; "" yields True [inferred].',
        notes=(SOURCE_KEY,),
    ),
    Function(
        name="Item",
        params=(param("attribute", "source", M), param("index", "index", N)),
        returns=A,
        description="One value of a multi-valued attribute, 1-based.",
        example='Item([proxyAddresses], 1) -> "SMTP:a@contoso.com" when that is the first value',
        null_rule="A NULL attribute yields NULL [inferred]; an index out of bounds is an "
        "evaluation error (cloud-sync reference); index 0 should not be used.",
    ),
    Function(
        name="Not",
        params=(param("source", "source", B),),
        returns=B,
        description='Flips a boolean string: "True" gives "False", anything else "True".',
        example='Not("True") -> "False"',
        null_rule='NULL and "" yield True, as anything other than "True" does (documented); '
        '"True" is recognised in any case, surrounding spaces ignored [inferred].',
    ),
    Function(
        name="Now",
        params=(),
        returns=D,
        description="The current UTC time, M/d/yyyy h:mm:ss tt.",
        example='Now() -> the current UTC time such as "7/2/2021 3:33:38 PM"',
        null_rule="Takes no input.",
        deterministic=False,
        needs_context=True,
    ),
    Function(
        name="NumFromDate",
        params=(param("value", "source", S),),
        returns=N,
        needs_context=True,  # a date without a year takes the evaluation clock's year
        description="An ISO 8601 date string to AD FILETIME (for accountExpires).",
        example='NumFromDate("2012-01-01 23:00:00+00:00") -> 129699324000000000 (the inverse of '
        "the DateFromNum example)",
        null_rule='NULL yields NULL [inferred]; "" or a non-ISO-8601 string is an evaluation '
        "error [inferred].",
        notes=(
            "Graph key 'source' assumed, as DateFromNum's (real export).",
            "For AD dates; not restricted to AD targets.",
        ),
    ),
    Function(
        name="Redact",
        result_from="every argument",
        params=(param("attribute/value", "source", A),),
        returns=A,
        description='Passes the value through; provisioning logs show "[Redact]" instead.',
        example='Redact("StringToBeRedacted") -> "StringToBeRedacted" (logged as "[Redact]")',
        null_rule='Returns its argument unchanged: NULL stays NULL, "" stays "".',
        notes=(SOURCE_KEY,),
    ),
    Function(
        name="RemoveDuplicates",
        params=(param("attribute", "source", M),),
        returns=M,
        description="Removes duplicate values of a multi-valued attribute.",
        example='RemoveDuplicates([proxyAddresses]) -> ["smtp:a@contoso.com", '
        '"SMTP:b@contoso.com"] for ["smtp:a@contoso.com", "SMTP:b@contoso.com", '
        '"smtp:a@contoso.com"]',
        null_rule="NULL yields NULL [inferred]; first occurrences keep their order and case "
        "matters [inferred].",
    ),
    Function(
        name="SelectUniqueValue",
        lazy=True,
        params=(param("uniqueValueRule", "uniqueValueRule", S, repeating=True),),
        returns=S,
        description="The first rule value not yet present in the target directory (AD only).",
        example='SelectUniqueValue(Join("@", "John.Smith", "contoso.com"), Join("@", "J.Smith", '
        '"contoso.com")) -> "J.Smith@contoso.com" when John.Smith@contoso.com exists',
        null_rule='A rule yielding NULL or "" is skipped [inferred]; when every value exists the '
        "object is escrowed.",
        deterministic=False,
        needs_context=True,
        targets=frozenset({"ad"}),
        min_args=2,
        notes=(
            camel_keys("uniqueValueRule"),
            "Top level only; not on matching attributes; use with flow type ObjectAddOnly.",
            "Wrap rules in NormalizeDiacritics: the AD LDAP lookup does not escape them.",
        ),
    ),
    Function(
        name="SingleAppRoleAssignment",
        params=(param("appRoleAssignments", "source", A),),
        returns=S,
        description="One assigned app role (unpredictable when several are assigned).",
        example='SingleAppRoleAssignment([appRoleAssignments]) -> "User" when that is the only '
        "assigned role",
        null_rule="No assignment yields NULL [inferred].",
        notes=("Needs a Microsoft Entra ID source with [appRoleAssignments] (outbound).",),
    ),
    Function(
        name="Switch",
        result_from="the default and values",
        lazy=True,
        params=(
            param("source", "source", S),
            param("defaultValue", "defaultValue", A, optional=True),
            param("key/value", "switchValue", A, repeating=True),
        ),
        returns=A,
        description="The value paired with the first key equal to source (case-sensitive), else "
        "the default.",
        example='Switch("QLD", "Australia/Sydney", "NSW", "Australia/Sydney", "QLD", '
        '"Australia/Brisbane", "SA", "Australia/Adelaide") -> "Australia/Brisbane"',
        null_rule='A NULL source behaves as "" and matches a "" key, else the default (ex-043); '
        "no match and no default yields NULL [inferred].",
        min_args=4,
        notes=(
            "key/value slots alternate key, value and must come in pairs: the slot count is "
            "always even (source, defaultValue, then pairs).",
            "Do not use for reference attributes (manager) or with IsPresent/IsNull/"
            "IsNullOrEmpty as source.",
        ),
    ),
)
