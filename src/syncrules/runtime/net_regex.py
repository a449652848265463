"""Translation of .NET regular expressions into ``regex``-module patterns: translate or refuse.

Contract: imports only the standard library, ``regex`` and sibling runtime modules.

:func:`translate` parses a pattern as .NET's ``RegexParser`` does and writes an equivalent
``regex`` pattern (VERSION1) that runs over the string's UTF-16 code units (``utf16.to_units``), so
``.`` and ``\\W`` see a surrogate pair as two characters, as .NET does. Nothing is left to the
``regex`` module's own reading of a construct where the two dialects differ: character classes
(``\\w``, ``\\d``, ``\\s``, class subtraction ``[a-z-[aeiou]]``), anchors (``$``, ``\\Z``, ``\\b``),
inline options (``(?imnsx-imnsx)``, scoped to the enclosing group as in .NET), case-insensitive
matching (the input character lower-cased by the invariant culture, then compared) and group
numbering (unnamed groups first, then named ones, as .NET numbers them) are all spelt out.

Two errors, both with the position (0-based, in the pattern) of the construct:

- :class:`NetRegexError`: .NET itself refuses the pattern (``\\K``, ``(?P<n>..)``, ``a*+``, an
  unknown escape or property, a reference to an undefined group, ...).
- :class:`Untranslatable`: a valid .NET construct without a faithful equivalent here (balancing
  groups); ``prov check`` refuses it rather than run something that could differ.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import utf16


class NetRegexError(ValueError):
    """.NET refuses the pattern."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class Untranslatable(ValueError):
    """A valid .NET construct that syncrules cannot run faithfully."""

    def __init__(self, construct: str, position: int) -> None:
        super().__init__(f"{construct} at position {position} is not supported")
        self.construct = construct
        self.position = position


@dataclass(frozen=True, slots=True)
class Translation:
    """A .NET pattern and its ``regex`` equivalent.

    ``numbers`` are the .NET group numbers in ascending order (0 first); ``names`` maps every
    group name to its number, a group without a name being named by its number (.NET's
    ``GetGroupNames``). In ``pattern`` the group numbered N is the ``regex`` group named ``gN``.

    After an empty match .NET starts the next search one code unit further but keeps ``\\G``
    anchored where the empty match was, so there ``\\G`` never matches: ``after_empty`` is the
    pattern with ``\\G`` made to fail (the same text when there is none).
    """

    source: str
    pattern: str
    after_empty: str  # the pattern for the search that follows an empty match (see below)
    numbers: tuple[int, ...]
    names: dict[str, int]

    def group_key(self, name: str) -> str | int | None:
        """The ``regex`` group key of the .NET group ``name`` (a name or a number), or None."""
        number = self.names.get(name)
        if number is None and name.isdigit() and int(name) in self.numbers:
            number = int(name)
        if number is None:
            return None
        return 0 if number == 0 else f"g{number}"


# ---- characters ------------------------------------------------------------------------------

_CATEGORIES = frozenset({
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc",
    "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C",
    "Cc", "Cf", "Cs", "Co", "Cn",
})
_WORD = r"\p{L}\p{Mn}\p{Nd}\p{Pc}"  # .NET \w (Core 3.1): letters, Mn, Nd, Pc
_DIGIT = r"\p{Nd}"
_SPACE = r"\f\n\r\t\v\x85\p{Z}"  # .NET \s
_BOUNDARY_WORD = "[" + _WORD + r"\u200c\u200d]"  # .NET IsWordChar adds ZWNJ and ZWJ for \b
_X_SPACE = frozenset("\t\n\f\r ")  # what IgnorePatternWhitespace skips (RegexParser.IsSpace)


def _lower(ch: str) -> str:
    """.NET invariant ``Char.ToLower``: the simple mapping; ``İ`` is kept."""
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


@functools.lru_cache(maxsize=1)
def _cased() -> tuple[str, str]:
    """All BMP code units whose lower case differs, and those lower cases, aligned."""
    units = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    changed = [u for u in units if _lower(u) != u]
    return "".join(changed), "".join(_lower(u) for u in changed)


@functools.lru_cache(maxsize=1)
def _preimages() -> dict[str, str]:
    out: dict[str, str] = {}
    for upper, lower in zip(*_cased(), strict=True):
        out[lower] = out.get(lower, "") + upper
    return out


def _esc(ch: str) -> str:
    return ch if ch.isascii() and ch.isalnum() else f"\\u{ord(ch):04x}"


def _members(chars: set[str]) -> str:
    """Set members for ``chars``, consecutive code units written as ranges."""
    codes = sorted(ord(c) for c in chars)
    out: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = _esc(chr(codes[i])), _esc(chr(codes[j]))
        out.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(out)


@dataclass
class _Class:
    """A parsed .NET character class."""

    negated: bool = False
    ranges: list[tuple[str, str]] | None = None
    items: list[str] | None = None  # regex set members for categories (\p{L}, [^...], ...)
    subtraction: _Class | None = None

    def plain(self, lowered: bool) -> str:
        """A VERSION1 set for the class; ``lowered`` adds the lower case of every range (what
        .NET's AddLowercase does under IgnoreCase), subtraction classes included."""
        members = ""
        for lo, hi in self.ranges or []:
            if lowered and lo == hi:
                lo = hi = _lower(lo)  # .NET replaces a single character by its lower case
            members += _esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}"
            if lowered and lo != hi:
                members += "".join(
                    _esc(chr(a)) if a == b else f"{_esc(chr(a))}-{_esc(chr(b))}"
                    for a, b in _lowercase_ranges(ord(lo), ord(hi))
                )
        members += "".join(self.items or [])
        base = "[" + ("^" if self.negated else "") + members + "]"
        if self.subtraction is None:
            return base
        return "[" + base + "--" + self.subtraction.plain(lowered) + "]"


def _lowercase_ranges(first: int, last: int) -> list[tuple[int, int]]:
    """The ranges .NET's ``AddLowercaseRange`` adds for ``first-last`` (its own old table)."""
    from ._net_tables import LOWERCASE

    out = []
    for low, high, operation, data in LOWERCASE:
        if high < first or low > last:
            continue
        a, b = max(low, first), min(high, last)
        if operation == 0:
            a = b = data
        elif operation == 1:
            a, b = a + data, b + data
        elif operation == 2:
            a, b = a | 1, b | 1
        else:
            a, b = a + (a & 1), b + (b & 1)
        if a < first or b > last:
            out.append((a, b))
    return out


def _case_insensitive(plain: str) -> str:
    """A set matching a code unit c exactly when .NET's lower case of c is in ``plain``."""
    upper, lower = _cased()
    compiled = regex.compile("(?V1)" + plain)
    direct = {m.group() for m in compiled.finditer(upper)}
    lowered = {upper[m.start()] for m in compiled.finditer(lower)}
    drop, add = direct - lowered, lowered - direct
    out = plain
    if drop:
        out = "[" + out + "--[" + _members(drop) + "]]"
    if add:
        out = "[" + out + "[" + _members(add) + "]]"
    return out


# ---- the parser ------------------------------------------------------------------------------

_OPTION_LETTERS = frozenset("imnsx")


class _Parser:
    def __init__(self, pattern: str, numbering: tuple[dict[int, int], dict[str, int]] | None):
        self.p = pattern
        self.i = 0
        self.counting = numbering is None
        # counting pass: collect numbers and names as .NET's CountCaptures does
        self.slots: dict[int, int] = {} if numbering is None else dict(numbering[0])
        self.names: dict[str, int] = {} if numbering is None else dict(numbering[1])
        self.name_order: list[str] = []
        self.autocap = 1
        self.ignore_next_paren = False
        self.enclosing: list[str] = []
        self.emitted: set[int] = set()  # the kinds of the open groups ("test": (?(expr)..))

    # -- helpers
    def error(self, message: str, at: int | None = None) -> NetRegexError:
        return NetRegexError(message, self.i if at is None else at)

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.p[j] if j < len(self.p) else ""

    def skip_blank(self, opts: frozenset[str]) -> None:
        """.NET ScanBlank: comments (?#...) always; whitespace and # comments under x."""
        while True:
            if "x" in opts:
                while self.peek() and self.peek() in _X_SPACE:
                    self.i += 1
                if self.peek() == "#":
                    end = self.p.find("\n", self.i)
                    self.i = len(self.p) if end < 0 else end + 1
                    continue
            if self.p.startswith("(?#", self.i):
                end = self.p.find(")", self.i)
                if end < 0:
                    raise self.error("Unterminated (?#...) comment", len(self.p))
                self.i = end + 1
                continue
            return

    def scan_decimal(self) -> int:
        start = self.i
        while self.peek().isdigit() and self.peek() in "0123456789":
            self.i += 1
        value = int(self.p[start : self.i])
        if value > 2**31 - 1:
            raise self.error("Capture group numbers must be less than or equal to Int32.MaxValue",
                             start)
        return value

    def scan_capname(self) -> str:
        start = self.i
        while self.peek() and is_word_char(self.peek()):
            self.i += 1
        return self.p[start : self.i]

    def note_slot(self, number: int, pos: int) -> None:
        if number not in self.slots:
            self.slots[number] = pos

    def numbering(self) -> tuple[dict[int, int], dict[str, int]]:
        """.NET AssignNameSlots: named groups take the numbers after the unnamed ones."""
        autocap = self.autocap
        for name in self.name_order:
            while autocap in self.slots:
                autocap += 1
            self.names[name] = autocap
            self.note_slot(autocap, 0)
            autocap += 1
        return self.slots, self.names

    def is_slot(self, number: int) -> bool:
        return self.counting or number in self.slots

    def is_name(self, name: str) -> bool:
        return self.counting or name in self.names

    def ref(self, number: int) -> str:
        return "" if self.counting else f"g{number}"

    # -- grammar
    def alternation(self, opts: frozenset[str], depth: int) -> tuple[str, int]:
        """Branches up to ``)`` or the end; returns the text and the number of branches.
        Options set by ``(?i)`` hold to the end of the group, across ``|``, as in .NET."""
        text, opts = self.sequence(opts, depth)
        branches = [text]
        while self.peek() == "|":
            self.i += 1
            text, opts = self.sequence(opts, depth)
            branches.append(text)
        return "|".join(branches), len(branches)

    def sequence(self, opts: frozenset[str], depth: int) -> tuple[str, frozenset[str]]:
        out: list[str] = []
        while True:
            self.skip_blank(opts)
            ch = self.peek()
            if ch == "" or ch == "|":
                return "".join(out), opts
            if ch == ")":
                if depth == 0:
                    raise self.error("Too many )'s")
                return "".join(out), opts
            if ch in "*+?" or (ch == "{" and self.is_quantifier()):
                raise self.error("Quantifier {x,y} following nothing")
            atom, opts = self.atom(opts, depth)
            if atom is None:
                continue
            self.skip_blank(opts)
            quant = self.quantifier(opts)
            if quant:
                atom = "(?:" + atom + ")" + quant
                self.skip_blank(opts)
                if (self.peek() in ("*", "+", "?") and self.peek()) or (
                    self.peek() == "{" and self.is_quantifier()
                ):
                    raise self.error(f"Nested quantifier '{self.peek()}'")
            out.append(atom)

    def is_quantifier(self) -> bool:
        return regex.match(r"\{[0-9]+(,[0-9]*)?\}", self.p[self.i :]) is not None

    def quantifier(self, opts: frozenset[str]) -> str:
        ch = self.peek()
        if ch in ("*", "+", "?") and ch:
            self.i += 1
            q = ch
        elif ch == "{" and self.is_quantifier():
            start = self.i
            self.i += 1
            low = self.scan_decimal()
            high: int | None = low
            if self.peek() == ",":
                self.i += 1
                high = self.scan_decimal() if self.peek() != "}" else None
            self.i += 1  # }
            if high is not None and low > high:
                raise self.error("Illegal {x,y} with x > y", start)
            if high == low:
                q = f"{{{low}}}"
            elif high is None:
                q = f"{{{low},}}"
            else:
                q = f"{{{low},{high}}}"
        else:
            return ""
        self.skip_blank(opts)
        if self.peek() == "?":
            self.i += 1
            q += "?"
        return q

    def atom(self, opts: frozenset[str], depth: int) -> tuple[str | None, frozenset[str]]:
        ch = self.peek()
        if ch == "(":
            return self.group(opts, depth)
        self.i += 1
        if ch == "[":
            return self.char_class(opts), opts
        if ch == "\\":
            return self.escape(opts), opts
        if ch == ".":
            return ("(?s:.)" if "s" in opts else "[^\\n]"), opts
        if ch == "^":
            return ("(?:(?<=\\n)|\\A)" if "m" in opts else "\\A"), opts
        if ch == "$":
            return ("(?=\\n|\\Z)" if "m" in opts else "(?=\\n?\\Z)"), opts
        return self.literal(ch, opts), opts

    def literal(self, ch: str, opts: frozenset[str]) -> str:
        if "i" not in opts:
            return _esc(ch)
        lower = _lower(ch)
        chars = set(_preimages().get(lower, ""))
        if _lower(lower) == lower:
            chars.add(lower)
        return "[" + _members(chars) + "]" if len(chars) > 1 else _esc(ch)

    # -- escapes outside classes
    def escape(self, opts: frozenset[str]) -> str:
        start = self.i - 1
        ch = self.peek()
        if ch == "":
            raise self.error("Illegal \\ at end of pattern", start)
        w = _BOUNDARY_WORD
        simple = {
            "b": f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))",
            "B": f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))",
            "A": "\\A",
            "G": "\\G",
            "Z": "(?=\\n?\\Z)",
            "z": "\\Z",
        }
        if ch in simple:
            self.i += 1
            return simple[ch]
        if ch in "wWsSdDpP":
            self.i += 1
            cls = self.class_escape(ch, start, "i" in opts)
            return self.emit_class(cls, opts)
        if ch == "k" or ch in "<'":
            ref = self.named_ref(opts)
            if ref is not None:
                return ref
        elif ch in "123456789":
            save = self.i
            number = self.scan_decimal()
            if self.is_slot(number):
                return self.backref(number, opts)
            if number <= 9:
                raise self.error(f"Reference to undefined group number {number}", start)
            self.i = save
        return self.literal(self.char_escape(start), opts)

    def named_ref(self, opts: frozenset[str]) -> str | None:
        start = self.i - 1
        save = self.i
        if self.peek() == "k":
            self.i += 1
            if self.peek() not in ("<", "'") or not self.peek() or self.i + 1 >= len(self.p):
                raise self.error("Malformed \\k<...> named back reference", start)
        close = ">" if self.peek() == "<" else "'"
        self.i += 1
        ch = self.peek()
        if ch and ch in "0123456789":
            number = self.scan_decimal()
            if self.peek() == close:
                self.i += 1
                if not self.is_slot(number):
                    raise self.error(f"Reference to undefined group number {number}", start)
                return self.backref(number, opts)
        elif ch and is_word_char(ch):
            name = self.scan_capname()
            if self.peek() == close:
                self.i += 1
                if not self.is_name(name):
                    raise self.error(f"Reference to undefined group name {name}", start)
                return self.backref(self.names.get(name, 0), opts)
        self.i = save  # not a reference: \k is an unknown escape, \< and \' literals
        return None

    def backref(self, number: int, opts: frozenset[str]) -> str:
        ref = f"(?P={self.ref(number)})"
        return "(?i:" + ref + ")" if "i" in opts else ref

    def char_escape(self, start: int) -> str:
        """.NET ScanCharEscape; ``self.i`` is just after the backslash."""
        ch = self.peek()
        if ch and ch in "01234567":
            value = 0
            for _ in range(3):
                if self.peek() and self.peek() in "01234567":
                    value = value * 8 + int(self.peek())
                    self.i += 1
                else:
                    break
            return chr(value & 0xFF)
        self.i += 1
        if ch in ("x", "u"):
            width = 2 if ch == "x" else 4
            digits = self.p[self.i : self.i + width]
            if len(digits) < width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise self.error("Insufficient hexadecimal digits", start)
            self.i += width
            return chr(int(digits, 16))
        table = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                 "v": "\v"}
        if ch in table:
            return table[ch]
        if ch == "c":
            ctrl = self.peek()
            if not ctrl:
                raise self.error("Missing control character", start)
            self.i += 1
            if "a" <= ctrl <= "z":
                ctrl = chr(ord(ctrl) - 32)
            code = ord(ctrl) - ord("@")
            if 0 <= code < 32:
                return chr(code)
            raise self.error("Unrecognized control character", start)
        if is_word_char(ch):
            raise self.error(f"Unrecognized escape sequence \\{ch}", start)
        return ch

    def class_escape(self, ch: str, start: int, ignore_case: bool) -> _Class:
        if ch in "wW":
            return _Class(negated=ch == "W", items=[_WORD])
        if ch in "dD":
            return _Class(negated=ch == "D", items=[_DIGIT])
        if ch in "sS":
            return _Class(negated=ch == "S", items=[_SPACE])
        # \p{Name} / \P{Name}
        if self.peek() != "{":
            raise self.error("Incomplete \\p{X} character escape", start)
        end = self.p.find("}", self.i)
        if end < 0:
            raise self.error("Incomplete \\p{X} character escape", start)
        name = self.p[self.i + 1 : end]
        self.i = end + 1
        if name in _CATEGORIES and ignore_case and name in ("Lu", "Ll", "Lt"):
            item = r"\p{Lu}\p{Ll}\p{Lt}"  # .NET: under IgnoreCase the three match alike
        elif name in _CATEGORIES:
            item = "\\p{" + name + "}"
        elif name.startswith("Is") and name[2:] in _blocks():
            lo, hi = _blocks()[name[2:]]
            item = f"{_esc(chr(lo))}-{_esc(chr(hi))}"
        else:
            raise self.error(f"Unknown property '{name}'", start)
        return _Class(negated=ch == "P", items=[item])

    def emit_class(self, cls: _Class, opts: frozenset[str]) -> str:
        plain = cls.plain("i" in opts)
        return _case_insensitive(plain) if "i" in opts and not self.counting else plain

    # -- character classes
    def char_class(self, opts: frozenset[str]) -> str:
        cls = self.scan_class(self.i - 1, "i" in opts)
        return self.emit_class(cls, opts)

    def scan_class(self, start: int, ignore_case: bool) -> _Class:
        cls = _Class(ranges=[], items=[])
        assert cls.ranges is not None and cls.items is not None
        if self.peek() == "^":
            self.i += 1
            cls.negated = True
        first = True
        in_range = False
        prev = ""
        closed = False
        while self.i < len(self.p):
            ch = self.p[self.i]
            self.i += 1
            translated = False
            if ch == "]" and not first:
                closed = True
                break
            if ch == "\\" and self.i < len(self.p):
                esc_at = self.i - 1
                nxt = self.p[self.i]
                if nxt in "dDwWsSpP":
                    self.i += 1
                    if in_range:
                        raise self.error(f"Cannot include class \\{nxt} in character range",
                                         esc_at)
                    sub = self.class_escape(nxt, esc_at, ignore_case)
                    cls.items.append(sub.plain(False))
                    first = False
                    continue
                if nxt == "b":
                    self.i += 1
                    ch = "\b"
                else:
                    ch = self.char_escape(esc_at)
                translated = True
            elif ch == "[" and self.peek() == ":" and not in_range:
                raise Untranslatable("a POSIX-style [:name:] inside a character class",
                                     self.i - 1)
            if in_range:
                in_range = False
                if ch == "[" and not translated and not first:
                    cls.ranges.append((prev, prev))
                    cls.subtraction = self.scan_class(self.i - 1, ignore_case)
                    if self.peek() != "]":
                        raise self.error("A subtraction must be the last element in a "
                                         "character class", self.i)
                else:
                    if prev > ch:
                        raise self.error("[x-y] range in reverse order", self.i - 1)
                    cls.ranges.append((prev, ch))
            elif self.i + 1 < len(self.p) and self.p[self.i] == "-" and self.p[self.i + 1] != "]":
                prev = ch
                in_range = True
                self.i += 1
            elif (self.i < len(self.p) and ch == "-" and not translated and self.p[self.i] == "["
                  and not first):
                self.i += 1
                cls.subtraction = self.scan_class(self.i - 1, ignore_case)
                if self.peek() != "]":
                    raise self.error("A subtraction must be the last element in a character "
                                     "class", self.i)
            else:
                cls.ranges.append((ch, ch))
            first = False
        if not closed:
            raise self.error("Unterminated [] set", start)
        return cls

    # -- groups
    def group(self, opts: frozenset[str], depth: int) -> tuple[str | None, frozenset[str]]:
        start = self.i
        self.i += 1
        inner = opts
        if self.peek() != "?":
            if "n" in opts or self.ignore_next_paren:
                self.ignore_next_paren = False
                return "(?:" + self.body(inner, depth, start) + ")", opts
            if self.counting:
                self.note_slot(self.autocap, start)
                self.autocap += 1
                return "(" + self.body(inner, depth, start) + ")", opts
            number = self.unnamed.pop(0)
            self.emitted.add(number)
            return f"(?P<g{number}>" + self.body(inner, depth, start) + ")", opts
        if self.counting:
            # .NET's capture count forgets the pending "(?(" condition at any parenthesis, its
            # parser only at the next plain one: after "(?(?=a)" the next "(" does not capture
            self.ignore_next_paren = False
        self.i += 1
        ch = self.peek()
        if ch == ":":
            self.i += 1
            return "(?:" + self.body(inner, depth, start) + ")", opts
        if ch in ("=", "!", ">"):
            self.i += 1
            return "(?" + ch + self.body(inner, depth, start) + ")", opts
        if ch in ("<", "'"):
            close = ">" if ch == "<" else "'"
            self.i += 1
            nxt = self.peek()
            if ch == "<" and nxt in ("=", "!") and nxt:
                self.i += 1
                return "(?<" + nxt + self.body(inner, depth, start) + ")", opts
            return self.named_group(close, opts, depth, start)
        if ch == "(":
            return self.conditional(opts, depth, start)
        # options: (?imnsx-imnsx) or (?imnsx-imnsx:...); .NET reads none directly inside the
        # branches of an expression conditional (there "(?i)" is an unrecognized construct)
        on = True
        new = set(opts)
        in_test = not self.counting and bool(self.enclosing) and self.enclosing[-1] == "test"
        while not in_test and self.peek() and (
            self.peek() in "+-" or self.peek().lower() in _OPTION_LETTERS
        ):
            c = self.peek()
            self.i += 1
            if c in "+-":
                on = c == "+"
            elif on:
                new.add(c.lower())
            else:
                new.discard(c.lower())
        if self.peek() == ")":
            self.i += 1
            return None, frozenset(new)
        if self.peek() == ":":
            self.i += 1
            return "(?:" + self.body(frozenset(new), depth, start) + ")", opts
        if not self.peek():
            raise self.error("Unrecognized grouping construct", start)
        raise self.error("Unrecognized grouping construct", start)

    def body(self, opts: frozenset[str], depth: int, start: int) -> str:
        self.enclosing.append("group")
        text, _ = self.alternation(opts, depth + 1)
        self.enclosing.pop()
        if self.peek() != ")":
            raise self.error("Not enough )'s", len(self.p))
        self.i += 1
        return text

    def named_group(self, close: str, opts: frozenset[str], depth: int, start: int
                    ) -> tuple[str, frozenset[str]]:
        ch = self.peek()
        number: int | None = None
        name: str | None = None
        if ch and ch in "0123456789":
            number = self.scan_decimal()
            if number == 0:
                raise self.error("Capture number cannot be zero", start)
        elif ch and is_word_char(ch):
            name = self.scan_capname()
        elif ch == "-":
            raise Untranslatable("a balancing group (?<-name>...)", start)
        else:
            raise self.error("Invalid group name: group names must begin with a word character",
                             start)
        if self.peek() == "-":
            raise Untranslatable("a balancing group (?<name1-name2>...)", start)
        if self.peek() != close:
            raise self.error("Invalid group name: group names must begin with a word character",
                             start)
        self.i += 1
        if self.counting:
            if number is not None:
                self.note_slot(number, start)
            elif name is not None and name not in self.names:
                self.names[name] = -1
                self.name_order.append(name)
            return "(" + self.body(opts, depth, start) + ")", opts
        key = number if number is not None else self.names[name or ""]
        self.emitted.add(key)
        return f"(?P<g{key}>" + self.body(opts, depth, start) + ")", opts

    def conditional(self, opts: frozenset[str], depth: int, start: int
                    ) -> tuple[str, frozenset[str]]:
        paren = self.i  # at the condition's "("
        self.i += 1
        ch = self.peek()
        test: str | None = None
        if ch and ch in "0123456789":
            number = self.scan_decimal()
            if self.peek() != ")":
                raise self.error("Malformed (?(number) reference", start)
            self.i += 1
            if not self.is_slot(number):
                raise self.error(f"(?({number}) ) reference to undefined group", start)
            test = self.ref(number)
        elif ch and is_word_char(ch):
            name = self.scan_capname()
            if self.peek() == ")" and name in self.names and not self.counting:
                self.i += 1
                test = self.ref(self.names[name])
            elif self.peek() == ")" and self.counting and name in self.names:
                self.i += 1
                test = ""
        if test is None:
            self.i = paren
            if self.p.startswith("(?#", paren):
                raise self.error("Alternation conditions cannot be comments", start)
            if self.p.startswith("(?'", paren) or (
                self.p.startswith("(?<", paren) and self.p[paren + 3 : paren + 4] not in "=!"
            ):
                raise self.error("Alternation conditions do not capture and cannot be named",
                                 start)
            self.ignore_next_paren = True
            self.enclosing.append("test")
            cond, _ = self.atom(opts, depth + 1)
            self.enclosing.pop()
            test = "?=" + (cond or "")
            kind = "test"
        else:
            kind = "ref"
        self.enclosing.append(kind)
        text, branches = self.alternation(opts, depth + 1)
        self.enclosing.pop()
        if branches > 2:
            raise self.error("Too many | in (?()|)", start)
        if self.peek() != ")":
            raise self.error("Not enough )'s", len(self.p))
        self.i += 1
        if branches == 1:
            # .NET matches empty when the condition is false, but only where its first-character
            # scan optimisation (which forgets the empty branch) lets a match start: not
            # translatable; "(?(condition)yes|)" says what is meant and is translated.
            raise Untranslatable("a (?(condition)yes) conditional without a '|no' branch", start)
        return "(?(" + test + ")" + text + ")", opts

    unnamed: list[int]


def is_word_char(ch: str) -> bool:
    """.NET ``RegexCharClass.IsWordChar``: what group names are made of."""
    return regex.match("[" + _WORD + r"\u200c\u200d]", ch) is not None


@functools.lru_cache(maxsize=1)
def _blocks() -> dict[str, tuple[int, int]]:
    from ._net_tables import BLOCKS

    return BLOCKS


def translate(pattern: str) -> Translation:
    """The ``regex`` equivalent of the .NET ``pattern`` (see the module documentation).

    Raises:
        NetRegexError: .NET refuses the pattern.
        Untranslatable: a construct syncrules does not translate.
    """
    units = utf16.to_units(pattern)
    counter = _Parser(units, None)
    counter.alternation(frozenset(), 0)
    slots, names = counter.numbering()
    parser = _Parser(units, (slots, names))
    parser.unnamed = list(range(1, counter.autocap))  # unnamed groups: 1, 2, ... in order
    body, _ = parser.alternation(frozenset(), 0)
    # .NET counts a group its parser then does not make capture (the first plain "(" after
    # "(?(?=x)"): it exists and never matches
    missing = "".join(f"(?P<g{n}>)" for n in sorted(set(slots) - parser.emitted))
    if missing:
        body = "(?:(?!)" + missing + ")?(?:" + body + ")"
    numbers = (0, *sorted(slots))
    named = set(names.values())
    all_names = {str(n): n for n in numbers if n not in named}  # as .NET's GetGroupNames
    all_names.update(names)
    return Translation(source=pattern, pattern="(?V1)" + body,
                       after_empty="(?V1)" + body.replace("\\G", "(?!)"),
                       numbers=numbers, names=all_names)

