"""Cloud-sync-only functions: catalogued with ``engine="cloud-sync"`` so the checker can say so.

These belong to the Microsoft Entra Cloud Sync (AD to Entra ID) dialect, not to app provisioning
(docs/entra-provisioning.md §1.4, "Functions that exist but are documented elsewhere"). They are
registered, not
supported: knowing their shape lets ``prov check`` report "cloud sync only" instead of "unknown
function". Imported by ``function_table``; data only.

Signatures come from the cloud-sync expression reference. ``CRef`` and ``Contains`` are only used
there in examples (``DNComponent(CRef([dn]),1)``, ``Contains([proxyAddresses], "SMTP:")``); their
parameters follow the Azure AD Connect sync function reference and are marked as assumptions.
Keys: ``Trim`` (``source``) and ``Error`` (``message``) are seen in real exports; the others follow
the rule of ``function_table`` (main input ``source``, else lowerCamelCase of the documented name).
"""

from __future__ import annotations

from syncrules.catalogue.functions import Function, Param, VType, _register

_CLOUD = "cloud-sync"
_SOURCE_KEY = "Graph key 'source' assumed: every function whose main-input key is known uses it."

_register(
    Function(
        name="ConvertFromBase64",
        params=(
            Param(name="source", key="source", type=VType.STRING),
            Param(
                name="Encoding",
                key="encoding",
                type=VType.ENUM,
                required=False,
                choices=("Unicode", "ASCII", "UTF8"),
            ),
        ),
        returns=VType.STRING,
        description="Decodes a base64 string (default encoding Unicode, i.e. UTF-16LE).",
        example='ConvertFromBase64("SGVsbG8gd29ybGQh", UTF8) -> "Hello world!"',
        null_rule="NULL yields NULL [inferred]; invalid base64 is an evaluation error [inferred].",
        engine=_CLOUD,
        notes=(_SOURCE_KEY, "Graph key 'encoding' assumed (lowerCamelCase)."),
    ),
    Function(
        name="DNComponent",
        params=(
            Param(name="dn", key="source", type=VType.REFERENCE),
            Param(name="ComponentNumber", key="componentNumber", type=VType.NUMBER),
        ),
        returns=VType.STRING,
        description="The value of the n-th DN component, counted from the left.",
        example='DNComponent(CRef([dn]), 1) -> "Joe" when dn is '
        '"cn=Joe,ou=Users,dc=contoso,dc=com"',
        null_rule="A NULL dn yields NULL [inferred]; a component past the end yields NULL "
        "[inferred].",
        engine=_CLOUD,
        notes=(_SOURCE_KEY, "Graph key 'componentNumber' assumed (lowerCamelCase)."),
    ),
    Function(
        name="Error",
        params=(Param(name="ErrorMessage", key="message", type=VType.STRING),),
        returns=VType.ANY,
        description="Fails the object with a custom error message.",
        example='IIF(IsPresent([accountName]), [accountName], Error("AccountName is required")) '
        "-> fails the object when accountName is absent",
        null_rule="Always fails the object, whatever its input; a NULL message gives no text "
        "[inferred].",
        engine=_CLOUD,
    ),
    Function(
        name="StringFromSID",
        params=(Param(name="ObjectSID", key="source", type=VType.ANY),),
        returns=VType.STRING,
        description="A binary security identifier as its S-1-... string form.",
        example="StringFromSID([objectSid]) -> \"S-1-5-21-...\" (illustrative: Microsoft's "
        "documentation has no example)",
        null_rule="NULL yields NULL [inferred].",
        engine=_CLOUD,
        notes=(
            _SOURCE_KEY,
            "Microsoft's documentation spells it StringFromSid in its syntax line.",
        ),
    ),
    Function(
        name="Trim",
        params=(Param(name="value", key="source", type=VType.ANY),),
        returns=VType.ANY,
        description="Removes leading and trailing white space (each value of a multi-valued one).",
        example='Trim(" Test ") -> "Test"',
        null_rule='NULL yields NULL [inferred]; "" yields "".',
        engine=_CLOUD,
    ),
    Function(
        name="CRef",
        params=(Param(name="value", key="source", type=VType.STRING),),
        returns=VType.REFERENCE,
        description="Converts a DN string to a reference value.",
        example='DNComponent(CRef([dn]), 1) -> "Joe" when dn is '
        '"cn=Joe,ou=Users,dc=contoso,dc=com"',
        null_rule="NULL yields NULL [inferred].",
        engine=_CLOUD,
        notes=(
            _SOURCE_KEY,
            "Signature from the Azure AD Connect sync reference (ref CRef(str value)) "
            "[unverified for cloud sync].",
        ),
    ),
    Function(
        name="Contains",
        params=(
            Param(name="stringcheck", key="source", type=VType.ANY),
            Param(name="stringmatch", key="stringmatch", type=VType.STRING),
            Param(
                name="CaseType",
                key="caseType",
                type=VType.ENUM,
                required=False,
                choices=("CaseInsensitive", "CaseSensitive"),
            ),
        ),
        returns=VType.NUMBER,
        description="1-based index of the first value containing stringmatch, 0 if none.",
        example='Item([proxyAddresses], Contains([proxyAddresses], "SMTP:")) -> the primary '
        '"SMTP:" address',
        null_rule="A NULL attribute yields 0 [inferred].",
        engine=_CLOUD,
        notes=(
            _SOURCE_KEY,
            "Signature from the Azure AD Connect sync reference (str or mvstr stringcheck, str "
            "stringmatch, enum CaseType) [unverified for cloud sync]; keys 'stringmatch' and "
            "'caseType' assumed.",
        ),
    ),
)
