"""What the target would refuse, `prov run` refuses: each record fails alone, at the export, with
a reason naming the attribute and the rule (``run.target_rules``, rules from the catalogue)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncrules.run.target_rules import (
    AD_CODE,
    AD_EMPTY_CODE,
    ENTRA_CODE,
    UPN_CODE,
    violations,
)
from tests.run.conftest import by_index, jsonl, run, scim_user, write_job

GOOD_ENTRA = {"displayName": "Ada Lovelace", "userPrincipalName": "ada.lovelace@contoso.com",
              "mailNickname": "ada.lovelace", "employeeHireDate": "2024-03-01T08:00:00Z",
              "accountEnabled": True, "usageLocation": "GB", "employeeId": "12345"}


def test_a_valid_entra_user_passes() -> None:
    assert violations("entra", GOOD_ENTRA, creating=True) == []
    assert violations("entra", {**GOOD_ENTRA, "accountEnabled": "False",
                                "employeeHireDate": "2024-03-01"}, creating=True) == []


@pytest.mark.parametrize(("attribute", "value", "code", "words"), [
    ("displayName", "", ENTRA_CODE, "a new user needs a value"),
    ("displayName", "x" * 257, ENTRA_CODE, "more than the 256"),
    ("userPrincipalName", "@contoso.com", UPN_CODE, "nothing before the @"),
    ("userPrincipalName", "ada lovelace@contoso.com", UPN_CODE, "characters other than"),
    ("userPrincipalName", "ada.@contoso.com", UPN_CODE, "period"),
    ("userPrincipalName", "ada@contoso", UPN_CODE, "no valid domain"),
    ("userPrincipalName", "adacontoso.com", UPN_CODE, "is not alias@domain"),
    ("mailNickname", "ada lovelace", ENTRA_CODE, "mail nickname cannot hold"),
    ("mailNickname", "ada@x", ENTRA_CODE, "mail nickname cannot hold"),
    ("employeeHireDate", "yesterday", ENTRA_CODE, "not an ISO 8601 date"),
    ("employeeHireDate", "2023-02-30", ENTRA_CODE, "not an ISO 8601 date"),
    ("accountEnabled", "yes", ENTRA_CODE, "not a Boolean"),
    ("usageLocation", "GBR", ENTRA_CODE, "more than the 2"),
    ("usageLocation", "G1", ENTRA_CODE, "two-letter country code"),
    ("employeeId", "1" * 17, ENTRA_CODE, "more than the 16"),
])
def test_entra_rules(attribute: str, value: object, code: str, words: str) -> None:
    [problem] = violations("entra", {**GOOD_ENTRA, attribute: value}, creating=True)
    assert problem.attribute == attribute and problem.code == code
    assert words in problem.message and problem.message.startswith(f"{attribute}: ")


def test_lengths_count_utf16_code_units() -> None:
    # 16 emoji are 32 UTF-16 code units: more than the 16 employeeId holds
    [problem] = violations("entra", {**GOOD_ENTRA, "employeeId": "😀" * 16}, creating=True)
    assert "32 characters" in problem.message
    assert violations("entra", {**GOOD_ENTRA, "employeeId": "😀" * 8}, creating=True) == []


def test_an_update_checks_only_what_it_changes() -> None:
    assert violations("entra", {"jobTitle": "Engineer"}, creating=False) == []
    [problem] = violations("entra", {"displayName": "y" * 300}, creating=False)
    assert problem.attribute == "displayName"


GOOD_AD = {"displayName": "Ada Lovelace", "sAMAccountName": "alovelace",
           "parentDistinguishedName": "OU=Users,OU=Provisioned,DC=contoso,DC=com",
           "accountDisabled": False, "countryCode": 826,
           "userPrincipalName": "ada@contoso.com"}


def test_a_valid_ad_user_passes() -> None:
    assert violations("ad", GOOD_AD, creating=True) == []
    assert violations("ad", {**GOOD_AD, "msExchHideFromAddressLists": "TRUE",
                             "parentDistinguishedName": r"OU=Sales\, EMEA,DC=contoso,DC=com"},
                      creating=True) == []


@pytest.mark.parametrize(("attribute", "value", "code", "words"), [
    ("sAMAccountName", "a" * 21, AD_CODE, "more than the 20"),
    ("sAMAccountName", "ada/lovelace", AD_CODE, "sAMAccountName cannot hold"),
    ("sAMAccountName", "ada.", AD_CODE, "ends with a period"),
    ("displayName", "d" * 65, AD_CODE, "64 of the cn"),
    ("displayName", "", AD_CODE, "a new user needs a value"),
    ("parentDistinguishedName", "Users/contoso", AD_CODE, "not a distinguished name"),
    ("title", "", AD_EMPTY_CODE, "cannot write an empty string"),
    ("countryCode", "forty", AD_CODE, "not a whole number"),
    ("msExchHideFromAddressLists", "True", AD_CODE, "TRUE or FALSE (in capitals)"),
])
def test_ad_rules(attribute: str, value: object, code: str, words: str) -> None:
    [problem] = violations("ad", {**GOOD_AD, attribute: value}, creating=True)
    assert problem.attribute == attribute and problem.code == code
    assert words in problem.message


def test_the_cn_limit_applies_only_when_the_cn_is_made() -> None:
    assert violations("ad", {"displayName": "d" * 65}, creating=False) == []


ENTRA_JOB = """
job "Rules" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
map {
    displayName       <- [displayName]
    userPrincipalName <- [userName]  on create
    employeeHireDate  <- [title]
    extensionAttribute1 <- [nickName]
}
"""


def test_prov_run_fails_each_refused_record_alone(tmp_path: Path) -> None:
    job = write_job(tmp_path / "rules.prov", ENTRA_JOB)
    users = [
        scim_user("1", "Ada", "Lovelace", title="2024-01-02"),
        scim_user("2", "Bob", "Empty", displayName=""),
        scim_user("3", "Cy", "Upn", userName="@contoso.com"),
        scim_user("4", "Di", "Date", title="yesterday"),
        scim_user("5", "Ed", "Fine"),
    ]
    recs = by_index(run(job, jsonl(tmp_path / "in.jsonl", *users), tmp_path / "d.sqlite"))
    outcome = [(r["syncrulesAction"], (r["provisioningStatusInfo"].get("errorInformation") or {})
                .get("errorCode")) for r in recs]
    assert outcome == [("create", None), ("fail", ENTRA_CODE), ("fail", UPN_CODE),
                       ("fail", ENTRA_CODE), ("create", None)]
    reasons = [r["provisioningStatusInfo"]["errorInformation"]["reason"] for r in recs[1:4]]
    assert reasons[0] == "displayName: a new user needs a value (Microsoft Graph requires it)"
    assert reasons[1].startswith('userPrincipalName: "@contoso.com"')
    assert reasons[2].startswith('employeeHireDate: "yesterday" is not an ISO 8601 date')
    export = [s for s in recs[1]["provisioningSteps"] if s["provisioningStepType"] == "export"]
    assert export and export[-1]["status"] == "failure"


class _SlowOnly(dict):  # type: ignore[type-arg]
    def get(self, key: object, default: object = None) -> object:
        from syncrules.run import target_rules

        return target_rules._never


_VALUE = (st.text(max_size=12) | st.emails() | st.booleans() | st.integers()
          | st.sampled_from(["", "ada.lovelace", "GB", "x" * 300, "é", "a@b", "2024-03-01"])
          | st.lists(st.text(max_size=4), max_size=2))


@pytest.mark.parametrize("kind", ["entra", "ad"])
@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_the_quick_test_of_common_values_decides_as_the_full_check(
    kind: str, data: st.DataObject
) -> None:
    """``violations`` accepts most values with one cheap test per attribute; with or without
    that shortcut it reports the same problems, whatever the values."""
    from syncrules.run import target_rules

    names = [*sorted(target_rules._rules(kind)[0]), "notAnAttribute"]
    values = data.draw(st.dictionaries(st.sampled_from(names), _VALUE, max_size=8))
    creating = data.draw(st.booleans())
    fast = violations(kind, values, creating)
    original = target_rules._accepts
    try:
        target_rules._accepts = lambda kind: _SlowOnly()  # type: ignore[assignment]
        slow = violations(kind, values, creating)
    finally:
        target_rules._accepts = original
    assert fast == slow


def test_every_value_the_quick_test_accepts_passes_the_full_check() -> None:
    from syncrules.run import target_rules

    samples = ["ada", "ada.lovelace@contoso.com", "GB", "x" * 64, "x" * 65, "x" * 257, "a b",
               "OU=Users,DC=contoso,DC=com", "jdoe", "é", "", True, False, 1, "True"]
    accepted = 0
    for kind in ("entra", "ad"):
        attributes = target_rules._rules(kind)[0]
        for name, test in target_rules._accepts(kind).items():
            for value in samples:
                if test(value):
                    accepted += 1
                    for creating in (True, False):
                        assert target_rules._check(kind, attributes[name], value, creating,
                                                   False) is None, (kind, name, value)
    assert accepted > 100  # the shortcut does take the common values
