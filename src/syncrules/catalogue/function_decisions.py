"""What syncrules decided where Microsoft's function reference is silent: one sentence per function,
shown by `prov explain <Function>` beside the catalogue's NULL rule and notes.

Data only, read through ``syncrules.catalogue.functions.decision``. The runtime
(``syncrules.runtime.functions``) implements these choices; the conformance vectors and the
runtime tests pin them.
"""

from __future__ import annotations

DECISIONS: dict[str, str] = {
    "Append": 'A NULL source or suffix counts as "" (string concatenation); both NULL give NULL.',
    "BitAnd": "A NULL operand gives NULL; numeric strings and &H hex text are accepted.",
    "CBool": 'NULL and "" are False; "True"/"False" (any case) and numbers are accepted.',
    "CDate": 'NULL gives NULL; "" and unparsable text raise invalid-date; no offset means UTC.',
    "Count": 'NULL and "" count 0, any other single value 1, a multi-valued attribute its size.',
    "CStr": "NULL stays NULL (absent stays absent).",
    "DateAdd": "A NULL date gives NULL; the number is truncated toward zero (VB Fix).",
    "DateDiff": "A NULL date gives NULL.",
    "DateFromNum": "NULL gives NULL; the result is rendered M/d/yyyy h:mm:ss tt in UTC.",
    "FormatDateTime": (
        'A NULL source gives NULL, "" raises invalid-date; an omitted inputFormat parses like '
        "CDate; a time-only inputFormat takes the date from the context clock."
    ),
    "IIF": "A NULL or \"\" condition is false (the 'condition check fails'): valueIfFalse.",
    "InStr": 'A NULL value1 gives 0; a NULL or "" value2 gives start; start < 1 is an error.',
    "IsString": "True for any single non-NULL value (numbers and booleans are strings in Entra).",
    "Item": "A NULL attribute gives NULL; a single value is a one-value list; index 0 is an error.",
    "Join": 'An omitted separator is ""; NULL and "" values are skipped.',
    "Left": 'As documented: NULL gives "".',
    "Mid": 'A NULL source gives "" (like Left and Word); start < 1 or length < 0 is an error.',
    "NormalizeDiacritics": (
        "Exactly the documented table, in composed and decomposed spelling; other characters "
        "(đ, þ, ð, plain œ) are kept."
    ),
    "Not": (
        '"True" in any case, surrounding spaces ignored, or the Boolean True gives False; '
        'anything else, NULL and "" included, gives True.'
    ),
    "NumFromDate": "NULL gives NULL; the FILETIME is returned as a string, as the docs print it.",
    "PCase": "NULL gives NULL; the input is lower-cased before title-casing.",
    "RandomString": (
        "Characters beyond the minima come from letters and digits (and the special set when "
        "MinimumSpecialCharacters > 0); the special set is ~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/."
    ),
    "RemoveDuplicates": "Case-sensitive; the first occurrence is kept, in order; NULL gives NULL.",
    "Replace": (
        'A NULL source gives NULL (modes 1-4); oldValue "" or neither oldValue nor '
        'regexPattern returns the source unchanged; a NULL replacementValue replaces with ""; '
        "with regexGroupName, replacementValue is spliced in literally; mode 5 returns NULL when "
        "the pattern does not match."
    ),
    "SelectUniqueValue": (
        "NULL and \"\" candidates are skipped; 'taken' is checked case-insensitively (directory "
        "lookups are); when all are taken, unique-values-exhausted (the object is escrowed)."
    ),
    "Split": (
        'No trimming; the delimiter is matched as a whole string; NULL gives NULL, "" gives '
        '[""]; an omitted delimiter splits at each whitespace character (.NET Split()).'
    ),
    "StripSpaces": "Only U+0020 is removed; NULL gives NULL.",
    "Switch": 'The source and the keys compare as strings, NULL as ""; no match and no default '
    "gives NULL.",
    "ToLower": (
        "One-to-one case mapping. Without a culture: .NET's invariant culture, which keeps İ "
        "(ToLower(\"İzmir\") is \"İzmir\"); tr/az cultures lower I to ı and İ to i; any other "
        "culture lowers İ to i."
    ),
    "ToUpper": (
        "One-to-one case mapping (ß stays ß). Without a culture: .NET's invariant culture, which "
        "keeps ı (ToUpper(\"ıstanbul\") is \"ıSTANBUL\"); tr/az cultures upper i to İ and ı "
        "to I; any other culture uppers ı to I."
    ),
    "Word": 'Runs of delimiters count as one break; NULL gives "".',
}
