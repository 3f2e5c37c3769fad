"""The client's address: derived once per request, in this one place.

Behind reverse proxies, `REMOTE_ADDR` is the nearest proxy's address and the client's is in
`X-Forwarded-For`, which the client itself may have filled in. Only hops we trust are read:

- `TRUSTED_PROXY_COUNT = N` (setting): exactly N proxies in front of the app, each appending
  the address it received from; the client is the N-th address from the right.
- `TRUSTED_PROXY_IPS = ["10.0.0.0/8", ...]` (setting): walking from `REMOTE_ADDR` leftwards,
  every hop inside these networks is skipped; the first other address is the client.
- Neither (the default): `REMOTE_ADDR`, and `X-Forwarded-For` is ignored.

Used by the API throttles, the suggestion form's rate limit and the login lockout (axes'
`AXES_CLIENT_IP_CALLABLE`). A malformed header falls back to the nearest trusted address.

Limits hold per person, not per address: one IPv6 subscriber is given a whole /64 (often
more), and can rotate through it at will. Every limit is therefore keyed on `limit_key()`:
the full address for IPv4, its /64 for IPv6 (an IPv4-mapped IPv6 address counts as the
IPv4 address it carries).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

ATTRIBUTE = "_essmap_client_ip"
UNKNOWN = "unknown"


def _valid(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def derive(remote_addr: str, forwarded_for: str, *, count: int, trusted: tuple[str, ...]) -> str:
    """The client address from the socket peer and the X-Forwarded-For header (pure)."""
    remote = _valid(remote_addr or "") or UNKNOWN
    if remote == UNKNOWN or not (count or trusted):
        return remote
    hops = [part for part in (forwarded_for or "").split(",") if part.strip()]
    chain = [*hops, remote]  # left: farthest from us; right: the socket peer
    if count:
        index = max(len(chain) - 1 - count, 0)
        # Every address from `index` rightwards was written by a trusted proxy; a malformed
        # one falls back to the next address towards us.
        for candidate in chain[index:]:
            if address := _valid(candidate):
                return address
        return remote
    networks = _networks(trusted)
    if not _trusted(remote, networks):
        return remote
    last = remote
    for candidate in reversed(hops):
        address = _valid(candidate)
        if address is None:
            return last  # a malformed hop: stop at the last address we could trust
        if not _trusted(address, networks):
            return address
        last = address
    return last


IPV6_PREFIX = 64


def _limit_network(address: str):
    """The network one person may use for `address`: itself (IPv4) or its /64 (IPv6)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return ipaddress.ip_network(ip)
    return ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False)


def limit_key(ident: str) -> str:
    """The key a limit counts `ident` under: an IPv4 address as is, an IPv6 address as its
    /64 ("2001:db8:1:2::/64"); anything that is not an address ("user:5") unchanged."""
    network = _limit_network(ident)
    if network is None:
        return ident
    if network.version == 4:
        return str(network.network_address)
    return str(network)


def client_ip(request) -> str:
    """The client's address for this request (computed once, then kept on the request)."""
    request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    value = getattr(request, ATTRIBUTE, None)
    if value is None:
        value = derive(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            count=settings.TRUSTED_PROXY_COUNT,
            trusted=tuple(settings.TRUSTED_PROXY_IPS),
        )
        setattr(request, ATTRIBUTE, value)
    return value


def axes_client_ip(request) -> str | None:
    """The address django-axes keys its lockout on, None when unknown: its columns hold IP
    addresses only (PostgreSQL's inet refuses "unknown"; a request built without
    REMOTE_ADDR, as by the test client's login, has none).

    For IPv6 it is the first address of the client's /64 ("2001:db8:1:2::"), so that every
    address of one /64 shares one username + address counter (a valid address for axes'
    columns, unlike "…/64")."""
    value = client_ip(request)
    if value == UNKNOWN:
        return None
    network = _limit_network(value)
    return str(network.network_address) if network is not None else None
