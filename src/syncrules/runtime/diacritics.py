"""The NormalizeDiacritics table, exactly as Microsoft documents it
(docs/entra-provisioning.md §1.6).

Contract: imports only the standard library. ``TABLE`` lists the documented lower-case inputs per
output; upper-case inputs are derived by upper-casing the base letter (combining marks kept) and
map to the upper-case output. Each input is accepted in both its composed (NFC) and decomposed
(NFD) spelling, since the two are the same text; ``normalize_diacritics`` replaces the longest
matching sequence at each position. Characters outside the table (đ, þ, ð, plain œ, ...) are left
unchanged: the documentation does not list them.
"""

from __future__ import annotations

import functools
import unicodedata

# (output, space-separated documented inputs); \u escapes keep combining sequences exact.
TABLE: tuple[tuple[str, str], ...] = (
    ("a", "\u00e4 \u00e0 \u00e2 \u00e3 \u00e5 \u00e1 \u0105 \u0103 \u0101 \u0101\u0301 "
          "\u0101\u0300 \u0101\u0302 \u0101\u0303 \u01df \u0101\u0308 \u01e1 a\u0331 "
          "\u00e5\u0304"),
    ("ae", "\u00e6 \u01e3"),
    ("c", "\u00e7 \u010d \u0107 c\u0304 c\u0331"),
    ("d", "\u010f d\u0304 \u1e0f"),
    ("e", "\u00eb \u00e8 \u00e9 \u00ea \u0119 \u011b \u0117 \u0113 \u1e17 \u1e15 \u0113\u0302 "
          "\u0113\u0303 \u00ea\u0304 e\u0331 \u00eb\u0304 e\u030a\u0304"),
    ("g", "\u011f \u1e21 g\u0331"),
    ("i", "\u00ef \u00ee \u00ec \u00ed \u0131 \u012b \u012b\u0301 \u012b\u0300 \u012b\u0302 "
          "\u012b\u0303 i\u0331"),
    ("l", "\u013e \u0142 l\u0304 \u1e39 \u1e3b"),
    ("n", "\u00f1 \u0144 \u0148 n\u0304 \u1e49"),
    ("o", "\u00f6 \u00f2 \u0151 \u00f5 \u00f4 \u00f3 \u014d \u1e53 \u1e51 \u014d\u0302 "
          "\u014d\u0303 \u022b \u014d\u0308 \u01ed \u022d \u0231 o\u0331"),
    ("oe", "\u00f8 \u00f8\u0304 \u0153\u0304"),
    ("r", "\u0159 r\u0304 \u1e5f \u1e5d"),
    ("ss", "\u00df"),
    ("s", "\u0161 \u015b \u0219 \u015f s\u0304 s\u0331"),
    ("t", "\u0165 \u021b t\u0304 \u1e6f"),
    ("u", "\u00fc \u00f9 \u00fb \u00fa \u016f \u0171 \u016b \u016b\u0301 \u016b\u0300 "
          "\u016b\u0302 \u016b\u0303 u\u0307\u0304 \u01d6 \u1e7b \u1e73\u0304 u\u0331"),
    ("y", "\u00ff \u00fd \u0233 \u0233\u0301 \u0233\u0300 \u0233\u0303 y\u0331"),
    ("z", "\u017a \u017e \u017c z\u0304 \u1e95"),
)  # fmt: skip

# Upper-case inputs the derivation cannot produce (dotted capital I has no lower-case entry).
EXTRA_UPPER: tuple[tuple[str, str], ...] = (("I", "\u0130"),)

# Documented outputs that have no upper-case form (the table lists no capital sharp s).
_NO_UPPER = frozenset({"\u00df"})


def _simple_upper(ch: str) -> str:
    upper = ch.upper()
    return upper if len(upper) == 1 else ch


@functools.lru_cache(maxsize=1)
def mapping() -> dict[str, str]:
    """Every accepted input sequence (NFC and NFD spellings, both cases) -> its output."""
    pairs: list[tuple[str, str]] = []
    for output, inputs in TABLE:
        for key in inputs.split():
            pairs.append((key, output))
            if key not in _NO_UPPER:
                upper = _simple_upper(key[0]) + key[1:]
                if upper != key and not (len(upper) == 1 and upper.isascii()):
                    pairs.append((upper, output.upper()))
    pairs.extend((key, output) for output, key in EXTRA_UPPER)
    table: dict[str, str] = {}
    for key, output in pairs:
        for form in (key, unicodedata.normalize("NFC", key), unicodedata.normalize("NFD", key)):
            table.setdefault(form, output)
    return table


@functools.lru_cache(maxsize=1)
def _longest() -> int:
    return max(len(key) for key in mapping())


def normalize_diacritics(text: str) -> str:
    """Replace every documented accented letter (or combining sequence) by its plain form."""
    table = mapping()
    longest = _longest()
    out: list[str] = []
    i = 0
    while i < len(text):
        for width in range(min(longest, len(text) - i), 0, -1):
            replacement = table.get(text[i : i + width])
            if replacement is not None:
                out.append(replacement)
                i += width
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
