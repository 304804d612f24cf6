"""A page of a space, in the spaces' one layout (templates/pages/space/layout.html): the space's navigation,
who is signed in and for what, their sessions, changing role, signing out, the language.

A space's navigation lists only sections that exist; a new section adds its link to SECTIONS here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import Response

from esja.config import SenderIdentity
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.signin.links import CSRF_FIELD, ROLE_PATH, SESSIONS_PATH, SIGN_OUT_PATH, SPACE_HOMES
from esja.signin.model import Session
from esja.web.pages import page


@dataclass(frozen=True, slots=True)
class Section:
    path: str
    label_key: str  # its wording in templates/i18n/spaces.json


SECTIONS: dict[Role, tuple[Section, ...]] = {
    Role.ORGANIZER: (
        Section(SPACE_HOMES[Role.ORGANIZER], "space.organizer.home"),
        Section("/organisation/engagements", "space.organizer.pledges_section"),
        Section("/organisation/domaines", "space.organizer.domains_section"),
        Section("/organisation/entreprises", "space.organizer.enterprises"),
        Section("/organisation/adhesions", "join.console.nav"),
        Section("/organisation/journal", "space.organizer.journal"),
        Section("/organisation/sessions", "space.organizer.sessions"),
        Section("/organisation/repertoire", "space.organizer.directory"),
        # The console's reports (esja.web.organizer_report_routes).
        Section("/organisation/flux", "console.feeds.nav"),
        Section("/organisation/sommaires", "console.digests.nav"),
        Section("/organisation/rapport", "console.report.nav"),
        Section("/organisation/rapports-annuels", "report.console.nav"),
        Section("/organisation/pertinence", "feedback.section.console"),
    ),
    Role.ENTERPRISE: (
        Section(SPACE_HOMES[Role.ENTERPRISE], "space.enterprise.home"),
        Section(f"{SPACE_HOMES[Role.ENTERPRISE]}profils", "profiles.nav"),
        Section("/entreprise/repertoire", "space.enterprise.listing"),
        Section("/entreprise/pertinence", "feedback.section.enterprise"),
        Section("/entreprise/collegues", "team.section"),
        Section("/entreprise/contrats", "contract.section"),
    ),
    Role.SIGNATORY: (
        Section(SPACE_HOMES[Role.SIGNATORY], "space.signatory.home"),
        Section("/signataire/invitations", "space.signatory.invitations"),
        Section("/signataire/qui-convient", "fits.nav"),
        Section("/signataire/rapports", "report.space.nav"),
        Section("/signataire/engagement", "pledge.space.nav"),
    ),
}
# What every page of the spaces links to, for the templates.
PATHS = {"sign_out": SIGN_OUT_PATH, "sessions": SESSIONS_PATH, "role": ROLE_PATH}


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who the layout says is signed in."""

    role: Role | None  # None on the account's pages before a role is chosen
    label: str  # the organisation, enterprise or institution acted for
    email: str
    form_token: str
    several_roles: bool

    @classmethod
    def of(cls, actor: Actor) -> Viewer:
        return cls(actor.role, actor.grant.label, actor.email, actor.form_token, actor.roles_held > 1)

    @classmethod
    def of_session(cls, session: Session) -> Viewer:
        """On the account's pages, which need no role: the role chosen as of sign-in, if any."""
        chosen = session.chosen
        grant = chosen and next(
            (g for g in session.grants if (g.role, g.item_id) == (chosen.role, chosen.item_id)), None
        )
        several = len(session.grants) > 1
        return cls(grant.role if grant else None, grant.label if grant else "", "", session.csrf_token, several)


def space_page(
    template: str,
    lang: str,
    viewer: Viewer,
    *,
    sender: SenderIdentity,
    here: str = "",
    status: int = 200,
    **context: Any,
) -> Response[str]:
    """A page of a space: `viewer` (Viewer.of(actor)) feeds the layout, `here` is the page's path (its section
    is marked current); every form carries the session's token (the layout's `csrf()` macro)."""
    sections = SECTIONS.get(viewer.role, ()) if viewer.role else ()
    return page(
        template,
        lang,
        sender=sender,
        status=status,
        viewer=viewer,
        here=here,
        sections=sections,
        space_paths=PATHS,
        csrf_field=CSRF_FIELD,
        **context,
    )
