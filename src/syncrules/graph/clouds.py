"""National clouds: which token scope and sign-in authority a Graph base URL needs.

Contract: ``cloud_for(url)`` maps the host of a Graph base URL to a ``Cloud`` (the scope to ask
azure-identity for, and the Microsoft Entra authority host to sign in at). The table is the one
place these facts live (Microsoft Graph "national cloud deployments": the global service, US
Government L4 and L5 (DoD), China operated by 21Vianet).

A host that is not a Microsoft Graph endpoint (a proxy, the loopback test server) gets the global
cloud: its scope is what the token would have been for before, and nothing is guessed from a
host name syncrules does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Cloud:
    name: str
    scope: str
    authority: str  # host name, as azure-identity's AzureAuthorityHosts


GLOBAL = Cloud("global", "https://graph.microsoft.com/.default", "login.microsoftonline.com")

CLOUDS: dict[str, Cloud] = {
    "graph.microsoft.com": GLOBAL,
    "graph.microsoft.us": Cloud(
        "US Government L4", "https://graph.microsoft.us/.default", "login.microsoftonline.us"
    ),
    "dod-graph.microsoft.us": Cloud(
        "US Government L5 (DoD)",
        "https://dod-graph.microsoft.us/.default",
        "login.microsoftonline.us",
    ),
    "microsoftgraph.chinacloudapi.cn": Cloud(
        "China (21Vianet)",
        "https://microsoftgraph.chinacloudapi.cn/.default",
        "login.chinacloudapi.cn",
    ),
}


def cloud_for(url: str) -> Cloud:
    """The cloud of a Graph base URL (see the module docstring for unknown hosts)."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return GLOBAL
    return CLOUDS.get(host, GLOBAL)
