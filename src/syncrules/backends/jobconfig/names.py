"""Names Graph uses that Microsoft does not document for API-driven jobs, kept in ONE place.

Each value below is an assumption (the reference marks it [unverified]); change it here and every
emitted schema, the importer and the deploy merge follow.
"""

from __future__ import annotations

from syncrules.ir.nodes import TargetKind

#: Source directory name of the API-driven apps (the portal calls the schema "API").
SOURCE_DIRECTORY = "API"

#: Target directory names; "Azure Active Directory" is seen in real exports, the AD one is assumed.
TARGET_DIRECTORY = {
    TargetKind.ENTRA: "Azure Active Directory",
    TargetKind.AD: "Active Directory",
}

#: Job template id prefixes: API2AAD is documented; API2AD follows Microsoft's sample naming.
TEMPLATE_ID = {TargetKind.ENTRA: "API2AAD", TargetKind.AD: "API2AD"}

#: Rule and object-mapping names (assumed; the portal shows "Provision API User").
RULE_NAME = {TargetKind.ENTRA: "API2AAD", TargetKind.AD: "API2AD"}
OBJECT_MAPPING_NAME = "Provision API User"
OBJECT_NAME = "User"

#: objectMapping.flowTypes words for the .prov actions.
FLOW_TYPES = {"create": "Add", "update": "Update", "delete": "Delete"}

#: IIF parameters as real exports encode them: a comparison condition is split into one/two/three.
IIF_KEYS = ("one", "two", "three", "four", "five")
