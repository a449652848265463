"""Masking secrets in every form a server can echo them back.

Contract:
- ``mask(text, secrets)`` replaces each secret and the forms a server is likely to send it back
  in: any letter case, percent-encoded (either hex case, ``+`` for a space), JSON ``\\uXXXX``
  escapes, HTML character references, base64 and hex of its bytes.
- ``leaks(text, secrets)`` says whether a secret long enough to be recognised (at least
  ``MIN_NORMALISED`` letters and digits) is still there after decoding percent-encodings, HTML
  references and ``\\u`` escapes and keeping only letters and digits, case folded. It catches
  forms ``mask`` does not know (a token split by punctuation, say); callers then withhold the
  whole text.
- ``redact(text, secrets)`` = ``mask``, then, if something still ``leaks``, ``WITHHELD`` instead.

A leaf module: standard library only.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote_plus

MASK = "***"
WITHHELD = "[withheld: this text holds an access token or secret in an encoded form]"
#: Secrets with fewer letters and digits than this are only masked, never searched for
#: normalised (a short one would match ordinary text).
MIN_NORMALISED = 16

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _forms(secret: str) -> set[str]:
    data = secret.encode("utf-8", "surrogatepass")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        quote(secret, safe="/:"),
        "".join(f"\\u{ord(ch):04x}" for ch in secret) if len(secret) < 10_000 else secret,
        html.escape(secret, quote=True),
        "".join(f"&#{ord(ch)};" for ch in secret),
        "".join(f"&#x{ord(ch):x};" for ch in secret),
        base64.b64encode(data).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(data).decode("ascii").rstrip("="),
        data.hex(),
        # as Python and HTTP libraries show text and bytes in errors ('a\\nb', b'a\\r')
        secret.encode("unicode_escape").decode("ascii"),
        repr(data)[2:-1],
    }
    return {form for form in forms if form}


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known form of every secret replaced by ``***`` (case-insensitive)."""
    forms: set[str] = set()
    for secret in secrets:
        forms |= _forms(secret)
    if not forms:
        return text
    # longest first, so a form containing another one is masked whole
    pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.sub(pattern, MASK, text, flags=re.IGNORECASE)


def normalise(text: str) -> str:
    """Letters and digits of ``text`` after decoding the usual encodings, case folded."""
    previous = None
    rounds = 0
    while text != previous and rounds < 3:
        previous = text
        text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
        text = html.unescape(text)
        text = unquote_plus(text, errors="replace")
        rounds += 1
    return _NOT_ALNUM.sub("", text.casefold())


def leaks(text: str, secrets: Iterable[str]) -> bool:
    """Whether a recognisable secret is still in ``text`` in some encoded form."""
    wanted = [n for n in (normalise(s) for s in secrets) if len(n) >= MIN_NORMALISED]
    if not wanted:
        return False
    flat = normalise(text)
    if any(n in flat for n in wanted):
        return True
    # base64 and hex are case-sensitive: search them in the text with only separators removed
    compact = re.sub(r"[^0-9A-Za-z+/_-]+", "", text)
    for secret in secrets:
        data = secret.encode("utf-8", "surrogatepass")
        if len(data) < MIN_NORMALISED:
            continue
        for form in (
            base64.b64encode(data).decode("ascii").rstrip("="),
            base64.urlsafe_b64encode(data).decode("ascii").rstrip("="),
        ):
            if form[:-2] and form[:-2] in compact:
                return True
        if data.hex() in compact.lower():
            return True
    return False


def redact(text: str, secrets: Iterable[str]) -> str:
    """``mask`` every known form; withhold the whole text when a secret is still there."""
    secrets = tuple(secrets)
    if not secrets:
        return text
    masked = mask(text, secrets)
    return WITHHELD if leaks(masked, secrets) else masked
