"""Text functions of app provisioning: concatenation, substrings, case, encodings, Replace, Split.

Data only (see ``function_table`` for the sources and the key conventions).
"""

from __future__ import annotations

from syncrules.catalogue.function_params import (
    COMPARE_TYPES,
    NO_NULL_DOC,
    SOURCE_KEY,
    A,
    M,
    N,
    S,
    camel_keys,
    param,
)
from syncrules.catalogue.functions import Function, _register

_register(
    Function(
        name="Append",
        params=(param("source", "source", S), param("suffix", "suffix", S)),
        returns=S,
        description="Appends suffix to the end of source.",
        example='Append("John.Doe@contoso.com", ".test") -> "John.Doe@contoso.com.test"',
        null_rule='NULL acts as "" [inferred], so a NULL source yields the suffix; a NULL source '
        'and suffix yield NULL; "" appends nothing.',
        notes=(NO_NULL_DOC,),
    ),
    Function(
        name="ConvertToBase64",
        params=(param("source", "source", S),),
        returns=S,
        description="Base64 of the UTF-16LE ('Unicode') bytes of source.",
        example='ConvertToBase64("Hello world!") -> "SABlAGwAbABvACAAdwBvAHIAbABkACEA"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(NO_NULL_DOC,),
    ),
    Function(
        name="ConvertToUTF8Hex",
        params=(param("source", "source", S),),
        returns=S,
        description="Upper-case hex of the UTF-8 bytes of source.",
        example='ConvertToUTF8Hex("Hello world!") -> "48656C6C6F20776F726C6421"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(NO_NULL_DOC,),
    ),
    Function(
        name="Guid",
        params=(),
        returns=S,
        description="A new random GUID, lower-case and hyphenated.",
        example='Guid() -> a random GUID such as "00aa00aa-bb11-cc22-dd33-44ee44ee44ee"',
        null_rule="Takes no input.",
        deterministic=False,
        needs_context=True,
    ),
    Function(
        name="InStr",
        params=(
            param("value1", "value1", S),
            param("value2", "value2", S),
            param("start", "start", N, optional=True),
            param("compareType", "compareType", optional=True, choices=COMPARE_TYPES),
        ),
        returns=N,
        description="1-based position of value2 in value1, 0 if absent.",
        example='InStr("repEated", "e", 3, vbBinaryCompare) -> 7',
        null_rule='A NULL value1 yields 0; a NULL or "" value2 yields start [inferred]; '
        "not found yields 0.",
        notes=(camel_keys("value1", "value2", "start", "compareType"),),
    ),
    Function(
        name="Join",
        params=(param("separator", "separator", S), param("source", "source", A, repeating=True)),
        returns=S,
        description="Joins the sources (all values of multi-valued ones) with the separator.",
        example='Join(", ", "", "Doe", "John") -> "Doe, John"',
        null_rule='NULL and "" sources (and such values of multi-valued sources) are skipped, so '
        'separators never double (ex-054); nothing left yields "" [inferred].',
    ),
    Function(
        name="Left",
        params=(param("String", "source", S), param("NumChars", "length", N)),
        returns=S,
        description="The first NumChars characters (0 gives '', negative the whole string).",
        example='Left("John Doe", 3) -> "Joh"',
        null_rule='A NULL string yields "" (documented); "" yields "".',
    ),
    Function(
        name="Len",
        params=(param("String", "source", A),),
        returns=N,
        description="Length of the string (numbers are measured as written).",
        example='Len("John Doe") -> 8',
        null_rule='NULL or "" yields 0 (documented).',
        notes=(SOURCE_KEY, "Current function reference only (newer than the git snapshot)."),
    ),
    Function(
        name="Mid",
        params=(
            param("source", "source", S),
            param("start", "start", N),
            param("length", "length", N),
        ),
        returns=S,
        description="Substring from a 1-based start; a length past the end gives the rest.",
        example='Mid("John", 1, 3) -> "Joh"',
        null_rule='NULL acts as "" [inferred, docs/entra-provisioning.md §9]; a start past the end '
        'yields "".',
    ),
    Function(
        name="NormalizeDiacritics",
        params=(param("source", "source", S),),
        returns=S,
        description="Replaces diacritical characters with plain ones (fixed table; ß -> ss).",
        example='NormalizeDiacritics("Zoë") -> "Zoe"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(SOURCE_KEY, NO_NULL_DOC),
    ),
    Function(
        name="PCase",
        params=(
            param("source", "source", S),
            param("wordSeparators", "wordSeparators", S, optional=True),
        ),
        returns=S,
        description="Upper-cases the first letter of each word and lower-cases the rest.",
        example='PCase("PINTO-DE\'SILVA", " \'-") -> "Pinto-De\'Silva"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(SOURCE_KEY, camel_keys("wordSeparators")),
    ),
    Function(
        name="RandomString",
        params=(
            param("Length", "length", N),
            param("MinimumNumbers", "minimumNumbers", N),
            param("MinimumSpecialCharacters", "minimumSpecialCharacters", N),
            param("MinimumCapital", "minimumCapital", N),
            param("MinimumLowerCase", "minimumLowerCase", N),
            param("CharactersToAvoid", "charactersToAvoid", S, optional=True),
        ),
        returns=S,
        description="A random string meeting the minimum counts (max length 256).",
        example="RandomString(6, 3, 0, 0, 3) -> 6 random characters, 3 digits and 3 lower-case "
        'letters, such as "1a73qt"',
        null_rule="Takes counts, not attributes; a NULL or non-numeric count is an evaluation "
        "error [inferred].",
        deterministic=False,
        needs_context=True,
        notes=(
            camel_keys(
                "Length",
                "MinimumNumbers",
                "MinimumSpecialCharacters",
                "MinimumCapital",
                "MinimumLowerCase",
                "CharactersToAvoid",
            ),
            "Length must be at least the sum of the minimums; special characters are the "
            "Windows password-complexity set.",
        ),
    ),
    Function(
        name="Replace",
        params=(
            param("source", "source", S),
            param("oldValue", "Find", S, optional=True),
            param("regexPattern", "RegularExpression", S, optional=True),
            param("regexGroupName", "RegularExpressionGroupName", S, optional=True),
            param("replacementValue", "Replacement", S, optional=True),
            param("replacementAttributeName", "ReplacementPropertyName", A, optional=True),
            param("template", "Template", S, optional=True),
        ),
        returns=S,
        description="Replaces text or .NET regex matches; the mode depends on the slots supplied.",
        example='Replace("john.doe@contoso.com", "@contoso.com", , , "", , ) -> "john.doe"',
        null_rule="A NULL source yields NULL in modes 1-4 [inferred, docs/entra-provisioning.md "
        "§9]; the replacementAttributeName mode uses that attribute only when source is NULL or "
        '"" (docs/entra-provisioning.md §1.5).',
        needs_context=True,
        min_args=2,
        notes=(
            "Seven slots; Microsoft always writes them all, but trailing empty slots may be "
            "dropped: 2 to 7 slots are accepted.",
            'Empty slot = not supplied; "" = supplied empty (selects the mode, '
            "docs/entra-provisioning.md §1.5).",
            "replacementAttributeName is written as an attribute reference, e.g. [mobile].",
            "A result longer than 65,536 characters fails the record (value-too-long), checked "
            "while it is built: .NET substitutions such as $_ can multiply the input.",
        ),
    ),
    Function(
        name="Split",
        params=(param("source", "source", S), param("delimiter", "delimiter", S, optional=True)),
        returns=M,
        description="Splits a string into a multi-valued array on the delimiter.",
        example='Split("PermissionSetOne,PermissionSetTwo", ",") -> ["PermissionSetOne", '
        '"PermissionSetTwo"]',
        null_rule='NULL yields NULL [inferred]; "" yields one empty value [""] (.NET Split) '
        "[inferred].",
        notes=(
            "delimiter is documented as required, but the Graph functions sample marks it "
            "not required.",
            "Whether values are trimmed is not established (ex-083).",
        ),
    ),
    Function(
        name="StripSpaces",
        params=(param("source", "source", S),),
        returns=S,
        description='Removes every space (" ") character.',
        example='StripSpaces("John Smith") -> "JohnSmith"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
    ),
    Function(
        name="ToLower",
        params=(param("source", "source", S), param("culture", "culture", S, optional=True)),
        returns=S,
        description="Lower-cases source (culture rules, default invariant).",
        example='ToLower("John.Smith@contoso.com") -> "john.smith@contoso.com"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(camel_keys("culture"),),
    ),
    Function(
        name="ToUpper",
        params=(param("source", "source", S), param("culture", "culture", S, optional=True)),
        returns=S,
        description="Upper-cases source (culture rules, default invariant).",
        example='ToUpper("contoso") -> "CONTOSO"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        notes=(camel_keys("culture"),),
    ),
    Function(
        name="Word",
        params=(
            param("String", "source", S),
            param("WordNumber", "wordNumber", N),
            param("Delimiters", "delimiters", S),
        ),
        returns=S,
        description="The WordNumber-th word, splitting on any of the delimiter characters.",
        example='Word("This,string!has&many separators", 3, ",!&#") -> "has"',
        null_rule='A NULL string yields "" (documented); too few words yields "".',
        notes=(SOURCE_KEY, camel_keys("WordNumber", "Delimiters")),
    ),
)
