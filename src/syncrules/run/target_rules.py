"""What the target would refuse: the values of a create or an update, checked against the target's
own rules before they are exported, so that `prov run` fails such a record alone, with the reason,
as the service's export would.

The rules are catalogue data (``catalogue/data/target_*.json``: each attribute's ``type``,
``maxLength`` and ``syntax``, and the ``constraints`` a create requires): Microsoft Graph's user
resource for ``entra`` targets, Active Directory's user class and the provisioning agent's for
``ad``. This module only applies them. Lengths count UTF-16 code units, as .NET does.

Error codes, as the provisioning log reports them:

- ``AzureActiveDirectoryInvalidUserPrincipalName``: a user principal name the target refuses
  (documented by Microsoft);
- ``InvalidAttributeSyntax``: an empty string to AD, which the AD connector cannot write
  (documented);
- ``HybridSynchronizationActiveDirectoryInvalidParameter``: any other value AD refuses (documented
  for Booleans not in capitals; used here for every AD value rule);
- ``InvalidTargetValue``: any other value Microsoft Graph refuses. Graph answers 400
  ``Request_BadRequest``; the code the service logs for it is not documented, so this name is
  syncrules' own (change it here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from syncrules.catalogue.attributes import AttributeDef, target_attributes, target_constraints

UPN_CODE = "AzureActiveDirectoryInvalidUserPrincipalName"
AD_EMPTY_CODE = "InvalidAttributeSyntax"
AD_CODE = "HybridSynchronizationActiveDirectoryInvalidParameter"
ENTRA_CODE = "InvalidTargetValue"

_UPN_ALIAS = re.compile(r"[A-Za-z0-9'._!#^~-]{1,64}")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}")
_NICKNAME_REFUSED = re.compile(r'[\s@()\\\[\]";:<>,]|[^\x00-\x7f]')
_SAM_REFUSED = re.compile(r'["/\\\[\]:;|=,+*?<>@]|[\x00-\x1f]')
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_DN_PART = re.compile(r"\s*[A-Za-z][A-Za-z0-9-]*\s*=\s*(?:[^,\\+]|\\.)+")
_INTEGER = re.compile(r"[+-]?\d{1,19}")
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a value breaks: the attribute, the error code and a message naming the rule."""

    attribute: str
    code: str
    message: str


def violations(kind: str, values: dict[str, Any], creating: bool,
               hidden: frozenset[str] = frozenset()) -> list[Violation]:
    """Every rule of target ``kind`` that ``values`` break (a create's values, or an update's
    changed ones), in a fixed order: what a create requires, then by attribute name. Values of
    the attributes in ``hidden`` (those whose mapping uses ``Redact``) never appear in a
    message: they are shown as ``[Redact]``."""
    out: list[Violation] = []
    attributes, required = _rules(kind)
    if creating:
        for name in required:
            value = values.get(name)
            # An empty value is refused. An absent one (not mapped, or NULL: it does not flow)
            # is let through: whether the service fills it in is not established [inferred].
            if name in values and (value == "" or value == []):
                code = AD_CODE if kind == "ad" else (UPN_CODE if name == "userPrincipalName"
                                                      else ENTRA_CODE)
                what = "cn is set from it" if kind == "ad" else "Microsoft Graph requires it"
                out.append(Violation(name, code, f"{name}: a new user needs a value ({what})"))
    if not out:
        # the common case, every value fine, decided by one cheap test per value
        accepts = _accepts(kind)
        for name, value in values.items():
            if value is not None and not accepts.get(name, _any)(value):
                break
        else:
            return out
    for name in sorted(values):
        value = values[name]
        defn = attributes.get(name)
        if value is None or defn is None or (out and any(v.attribute == name for v in out)):
            continue
        for item in value if isinstance(value, list) else (value,):
            problem = _check(kind, defn, item, creating, name in hidden)
            if problem is not None:
                out.append(Violation(name, *problem))
                break
    return out


def _any(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


@cache
def _accepts(kind: str) -> dict[str, Any]:
    """Per attribute of the target, a test that accepts (True) only values that ``_check``
    accepts, for the commonest kinds of values; anything else it leaves to ``_check``
    (False). An attribute the target does not define is accepted (``_any``), as
    ``violations`` skips it. Tests check that every value accepted here passes ``_check``."""
    tests: dict[str, Any] = {}
    for name, defn in _rules(kind)[0].items():
        if defn.type == "Boolean":
            tests[name] = _is_bool
        elif defn.type not in ("String", "Integer", "DateTime"):
            tests[name] = _any  # Reference, Binary: no rule of the target's
        elif defn.type != "String" or (kind == "ad" and name == "displayName"):
            tests[name] = _never
        else:
            tests[name] = _string_test(defn.max_length, _SYNTAX.get(defn.syntax or ""))
    return tests


def _is_bool(value: Any) -> bool:
    return value.__class__ is bool


def _string_test(longest: int | None, syntax: Any) -> Any:
    limit = longest if longest is not None else 1 << 62

    def test(value: Any) -> bool:
        # ASCII: one UTF-16 unit per character; empty strings and the rest go to ``_check``
        return (value.__class__ is str and 0 < len(value) <= limit and value.isascii()
                and (syntax is None or syntax(value) is None))

    return test


@cache
def _rules(kind: str) -> tuple[dict[str, AttributeDef], tuple[str, ...]]:
    return target_attributes(kind), target_constraints(kind)[1]


def _code(kind: str, defn: AttributeDef) -> str:
    if defn.syntax == "upn" and kind == "entra":
        return UPN_CODE
    return AD_CODE if kind == "ad" else ENTRA_CODE


def _check(kind: str, defn: AttributeDef, value: Any, creating: bool,
           hidden: bool) -> tuple[str, str] | None:
    name = defn.name
    code = _code(kind, defn)
    shown = "[Redact]" if hidden else None  # the value as a message shows it: made on demand
    if defn.type == "Boolean":
        if isinstance(value, bool):
            return None
        text = str(value)
        allowed = ("TRUE", "FALSE") if kind == "ad" else None
        if (allowed is not None and text in allowed) or (
            allowed is None and text.lower() in ("true", "false")
        ):
            return None
        wanted = "TRUE or FALSE (in capitals)" if kind == "ad" else "true or false"
        return code, f"{name}: {shown or _show(value)} is not a Boolean ({wanted})"
    if defn.type == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            number: int | None = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            number = int(value.strip())
        else:
            number = None
        if number is None or not -(2**63) <= number < 2**63:
            return code, f"{name}: {shown or _show(value)} is not a whole number"
        return None
    if defn.type == "DateTime":
        if isinstance(value, datetime) or (isinstance(value, str) and _is_date_time(value)):
            return None
        return code, (f"{name}: {shown or _show(value)} is not an ISO 8601 date and time "
                      "(DateTimeOffset)")
    if defn.type != "String" or not isinstance(value, str):
        return None
    if value == "":
        if kind == "ad":
            return AD_EMPTY_CODE, (f"{name}: the AD connector cannot write an empty string; "
                                   "use IgnoreFlowIfNullOrEmpty or a placeholder value")
        return None
    # UTF-16 code units, as .NET counts: one per character below U+10000
    units = len(value) if value.isascii() else len(value.encode("utf-16-le")) // 2
    if defn.max_length is not None and units > defn.max_length:
        return code, (f"{name}: {units} characters, more than the {defn.max_length} the target "
                      "holds")
    if kind == "ad" and creating and name == "displayName" and units > 64:
        return code, f"{name}: {units} characters, more than the 64 of the cn set from it"
    syntax = _SYNTAX.get(defn.syntax or "")
    if syntax is not None:
        problem = syntax(value)
        if problem is not None:
            if hidden:  # the problem may quote a character of the value
                return code, f"{name}: [Redact] does not have the {defn.syntax} syntax"
            return code, f"{name}: {_show(value)} {problem}"
    return None


def _is_date_time(text: str) -> bool:
    """An ISO 8601 date, or date and time, that exists (2023-02-30 does not)."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text)  # Python 3.11 reads every form the pattern lets through
    except ValueError:
        return False
    return True


def _upn(value: str) -> str | None:
    alias, at, domain = value.rpartition("@")
    if not at:
        return "is not alias@domain"
    if not alias:
        return "has nothing before the @"
    if not _UPN_ALIAS.fullmatch(alias):
        return ("has an alias with characters other than A-Z a-z 0-9 ' . - _ ! # ^ ~, or longer "
                "than 64")
    if alias.startswith(".") or alias.endswith(".") or ".." in alias:
        return "has a period at the start or end of the alias, or two in a row"
    if not _DOMAIN.fullmatch(domain):
        return "has no valid domain after the @"
    return None


def _nickname(value: str) -> str | None:
    bad = _NICKNAME_REFUSED.search(value)
    if bad:
        return f"has {bad.group()!r}, which a mail nickname cannot hold"
    return None


def _country(value: str) -> str | None:
    return None if _COUNTRY.fullmatch(value) else "is not a two-letter country code"


def _sam(value: str) -> str | None:
    bad = _SAM_REFUSED.search(value)
    if bad:
        return f"has {bad.group()!r}, which a sAMAccountName cannot hold"
    if value.endswith("."):
        return "ends with a period"
    return None


def _dn(value: str) -> str | None:
    parts = re.split(r"(?<!\\),", value)
    if not all(_DN_PART.fullmatch(part) for part in parts):
        return "is not a distinguished name (TYPE=value, ... such as OU=Users,DC=contoso,DC=com)"
    return None


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + '..."'


_SYNTAX = {"upn": _upn, "mailNickname": _nickname, "countryCode": _country,
           "samAccountName": _sam, "dn": _dn}
