"""The function catalogue data: every app-provisioning function of the Entra function reference.

Importing this module fills ``syncrules.catalogue.functions.FUNCTIONS`` (``canonical_name`` and
``all_functions`` do so lazily). The entries live in three data modules, split by concept:
``function_table_text`` (strings), ``function_table_values`` (conditions, flow control, dates,
numbers, multi-valued attributes, app roles) and ``function_table_cloud_sync`` (registered with
``engine="cloud-sync"``, not supported). Data only: no behaviour lives here.

Sources (docs/entra-provisioning.md): §1.4 (signatures, returns, edge cases), §1.2
(empty slots), §1.3 and §7 (NULL rules), §1.5 (Replace modes), §2.1 (Graph JSON) and §11 (keys
seen in real exports). ``Param.name`` is the documented name; ``Param.key`` is the Graph internal
key. Keys come from the Graph ``functions`` sample (Append, Join, Mid, Not, Replace, Split,
StripSpaces, Switch, FormatDateTime, SingleAppRoleAssignment) or from real exports (BitAnd, Item,
Left, IIF, IsPresent, RemoveDuplicates, DateFromNum, Trim, Error). Every other key is an
assumption, listed in the function's ``notes``: the key of a function's main input is ``source``
(every export and sample uses ``source`` there, whatever the documented name: Left's ``String``,
Item's ``attribute``, DateFromNum's ``value``, IsPresent's ``Expression``); any other undocumented
key is the documented name in lowerCamelCase.

Examples use constants where the reference allows, so ``<expression> -> <result>`` reads alone;
"[inferred]" in a ``null_rule`` marks behaviour the reference does not state.
"""

from __future__ import annotations

from syncrules.catalogue import (  # noqa: F401  (importing registers the entries)
    function_table_cloud_sync,
    function_table_text,
    function_table_values,
)
