"""The Actor: who acts in a space, for what, from where. Every use case of a space takes it first and
decides itself what the actor may do (never the routes); a refusal is NotAllowed."""

from __future__ import annotations

from dataclasses import dataclass, field

from esja.matching.regions import covers_every_region, serves_any
from esja.model import Enterprise
from esja.people.roles import Role, RoleGrant


class NotAllowed(Exception):
    """The actor may not do this. `hidden`: answer as if the item did not exist (404), for another person's
    item ids — a 403 would confirm they exist."""

    def __init__(self, reason: str, *, hidden: bool = False) -> None:
        super().__init__(reason)
        self.hidden = hidden


@dataclass(frozen=True, slots=True)
class Actor:
    grant: RoleGrant  # the role chosen for the session, re-checked against the stores on this request
    address_key: str = field(repr=False)
    language: str
    session_id: str = field(repr=False)  # the session item's key (a hash: never the cookie's value)
    form_token: str = field(repr=False)  # the session's anti-forgery token: every form of its pages carries it
    network: str = ""  # where the request came from: a /24 or /48 prefix (esja.people.network)
    roles_held: int = 1  # how many roles the session may choose from (the layout offers to change)

    @property
    def role(self) -> Role:
        return self.grant.role

    @property
    def item_id(self) -> str:
        """The organizer's id, the enterprise's id or the pledge's id the actor acts for."""
        return self.grant.item_id

    @property
    def email(self) -> str:
        return self.grant.email

    def require(self, role: Role) -> None:
        if self.role is not role:
            raise NotAllowed(f"only a {role} may do this")

    @property
    def covers_all(self) -> bool:
        """An organizer with no region listed, or all of Québec, sees every region."""
        return self.role is Role.ORGANIZER and covers_every_region(self.grant.regions)

    def covers(self, region: str) -> bool:
        """An organizer sees the items of their regions."""
        return self.covers_all or (self.role is Role.ORGANIZER and region in self.grant.regions)

    def covers_enterprise(self, enterprise: Enterprise) -> bool:
        """An organizer acts on the enterprises serving one of their regions, all of Québec or Canada, or none
        said (as the digest's Organizer.covers_enterprise)."""
        return self.role is Role.ORGANIZER and serves_any(enterprise.regions_served, self.covers)


TERMINAL = "terminal"  # the audit log's name for whoever runs the `esja` command


def at_the_terminal() -> Actor:
    """Whoever runs the `esja` command holds the stack's AWS credentials: an organizer of every region, whom the
    audit log names `terminal` (no address, no network: the command runs where the credentials are)."""
    grant = RoleGrant(Role.ORGANIZER, TERMINAL, "esja")
    return Actor(grant, address_key="", language="fr", session_id="", form_token="", network=TERMINAL)
