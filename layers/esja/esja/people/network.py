"""Where a request came from, as much as the audit log and the rate limits need: its network, never the
full address (a /24 for IPv4, a /48 for IPv6 — an office or a provider's neighbourhood, not a person)."""

from __future__ import annotations

import ipaddress

IPV4_PREFIX, IPV6_PREFIX = 24, 48


def network_of(source_ip: str) -> str:
    """« 203.0.113.0/24 », « 2001:db8:1::/48 »; « unknown » for anything that is not an IP address."""
    try:
        address = ipaddress.ip_address(source_ip.strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
