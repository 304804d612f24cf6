"""Colleagues: who of the enterprise receives its alerts, and who manages its space.

A manager asks for a colleague by address: the colleague gets a confirmation e-mail and is subscribed only once
they confirm, their consent recorded with the wording's version (CONSENT_WORDING), as the spreadsheet's consent
columns keep it. The link follows the pledge confirmation's rules, by the same code (esja.pledges.links): its
token is `<id>.<secret>` after the enterprise's id and a « / », valid once and for 72 hours, only the secret's
SHA-256 stored; its GET shows a page, only its button's POST subscribes. A manager removes anyone, changes
anyone's frequency and language, and marks who manages the space — at least one always remains. Each change is
written over the enterprise as it was read (another change meanwhile: nothing written, `Changed`) and audited
without any address or name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol, get_args
from urllib.parse import urlencode

from esja.audit.log import Audit, Item
from esja.config import SenderIdentity
from esja.emails import Email, InvalidAddress, Sender, checked_address
from esja.model import Consent, Enterprise, Frequency, Language, Subscriber
from esja.people.actor import Actor, NotAllowed
from esja.people.keys import AddressKeys
from esja.people.roles import Role
from esja.pledges.form import FieldError, Form, clean, text_errors
from esja.pledges.links import (
    CONFIRMATION_LIFETIME,
    TOKEN_FIELD,
    new_confirmation_token,
    new_pledge_id,
    read_confirmation_token,
)
from esja.rendering import render, wording

# The consent the confirmation page shows, by its version: a new wording gets a new version, and each colleague's
# consent says which they agreed to (CASL's proof of express consent).
CONFIRM_PATH = "/collegue/confirmation"
CONSENT_WORDING = "collegue-2026-12"
CONSENT_HOW = "courriel de confirmation (ajout par un collègue)"
INVITATIONS_PER_DAY = 20  # per enterprise: a manager's mistake or a stolen session sends no flood
LANGUAGES: tuple[Language, ...] = get_args(Language)
FREQUENCIES: tuple[Frequency, ...] = get_args(Frequency)
NAME_LIMITS = (2, 120)
EMAIL_MAX = 254


@dataclass(frozen=True, slots=True)
class Invited:
    """A colleague asked for, not yet confirmed."""

    id: str
    enterprise_id: str
    # Personal information: kept out of repr, hence out of logs.
    email: str = field(repr=False)
    name: str = field(repr=False)
    language: Language
    frequency: Frequency
    manages_space: bool
    secret_digest: str = field(repr=False)
    invited_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None = None

    def waiting(self, now: datetime) -> bool:
        return self.confirmed_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class Team:
    """The enterprise as read (its subscribers), the version it was read at, and who is asked for."""

    enterprise: Enterprise
    version: str
    invited: tuple[Invited, ...] = ()

    @property
    def managers(self) -> frozenset[str]:
        """The addresses that manage the space (esja.model.Enterprise.managers: marked, else the first)."""
        return frozenset(s.email for s in self.enterprise.managers)


class TeamStore(Protocol):
    def team(self, enterprise_id: str) -> Team | None: ...

    def invite(self, invited: Invited) -> bool:
        """Keep the invitation; False when the enterprise is no more."""
        ...

    def invitation(self, enterprise_id: str, invitation_id: str) -> Invited | None: ...

    def change(self, team: Team, enterprise: Enterprise, confirmed: Invited | None = None) -> bool:
        """Write the enterprise over the version read (its manager index following), and spend `confirmed`'s
        link, all or nothing; False when the enterprise changed meanwhile or the link was spent."""
        ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window: timedelta, now: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class ColleagueLinks:
    base_url: str

    def confirm(self, token: str, lang: str) -> str:
        return f"{self.base_url.rstrip('/')}{CONFIRM_PATH}?{urlencode({TOKEN_FIELD: token, 'lang': lang})}"


class Changed(Exception):
    """The enterprise changed since its page was read: nothing was written."""


class LastManager(Exception):
    """The change would leave nobody to manage the space: nothing was written."""


class TooMany(Exception):
    """The enterprise asked for INVITATIONS_PER_DAY colleagues today already: nothing sent."""


@dataclass(frozen=True, slots=True)
class NewColleague:
    email: str = field(repr=False)
    name: str = field(repr=False)
    language: Language
    frequency: Frequency
    manages_space: bool


ColleagueForm = Form[NewColleague]


def read_colleague_form(fields: Mapping[str, str]) -> ColleagueForm:
    """The form as sent (cleaned), its errors (the pledge form's: `pledge.error.<code>`), and the colleague."""
    email, name = clean(fields.get("email", ""))[: EMAIL_MAX + 1], clean(fields.get("name", ""))
    language, frequency = fields.get("language", ""), fields.get("frequency", "")
    values = {"email": email, "name": name[: NAME_LIMITS[1] + 1], "language": language, "frequency": frequency}
    errors = [*text_errors("name", name, NAME_LIMITS), *_email_errors(email)]
    errors += [FieldError(n, "choice") for n, v, allowed in _choices(language, frequency) if v not in allowed]
    if errors:
        return ColleagueForm(values, tuple(errors), None)
    colleague = NewColleague(
        checked_address(email),
        name,
        next(lang for lang in LANGUAGES if lang == language),
        next(f for f in FREQUENCIES if f == frequency),
        fields.get("manages") == "1",
    )
    return ColleagueForm(values, (), colleague)


def _email_errors(email: str) -> list[FieldError]:
    if not email:
        return [FieldError("email", "required")]
    if len(email) > EMAIL_MAX:
        return [FieldError("email", "too_long", {"max": EMAIL_MAX})]
    try:
        checked_address(email)
    except InvalidAddress:
        return [FieldError("email", "email")]
    return []


def _choices(language: str, frequency: str) -> list[tuple[str, str, Sequence[str]]]:
    return [("language", language, LANGUAGES), ("frequency", frequency, FREQUENCIES)]


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a confirmation link's page shows."""

    enterprise: Enterprise
    invited: Invited
    subscribed: bool  # already confirmed (this link, or the address subscribed meanwhile)


class Colleagues:
    def __init__(
        self,
        *,
        teams: TeamStore,
        mailer: Sender,
        links: ColleagueLinks,
        rate_limits: RateLimits,
        address_keys: AddressKeys,
        audit: Audit,
        sender: SenderIdentity,
        clock: Callable[[], datetime],
    ) -> None:
        self._teams = teams
        self._mailer = mailer
        self._links = links
        self._rate_limits = rate_limits
        self._keys = address_keys
        self._audit = audit
        self._sender = sender
        self._clock = clock

    def team(self, actor: Actor) -> Team:
        actor.require(Role.ENTERPRISE)
        team = self._teams.team(actor.item_id)
        if team is None:  # removed since the request's role check
            raise NotAllowed("the enterprise is gone", hidden=True)
        now = self._clock()
        return replace(team, invited=tuple(i for i in team.invited if i.waiting(now)))

    def person(self, team: Team, key: str) -> Subscriber:
        """The subscriber an opaque key (their address key) names; NotAllowed (404) for none of this team."""
        found = next((s for s in team.enterprise.subscribers if self._keys(s.email) == key), None) if key else None
        if found is None:
            raise NotAllowed("not a subscriber of this enterprise", hidden=True)
        return found

    def key(self, subscriber: Subscriber) -> str:
        return self._keys(subscriber.email)

    def invite(self, actor: Actor, form: ColleagueForm) -> ColleagueForm | Invited:
        """The form again with its errors, or the colleague asked for and e-mailed. TooMany past the day's limit."""
        team = self.team(actor)
        colleague = form.details
        if colleague is None:
            return form
        subscribed = {s.email.casefold() for s in team.enterprise.subscribers}
        if colleague.email.casefold() in subscribed:
            return form.with_errors([FieldError("email", "already_subscribed")])
        now = self._clock()
        if not self._rate_limits.hit(f"colleagues#{team.enterprise.id}", INVITATIONS_PER_DAY, timedelta(days=1), now):
            raise TooMany
        invitation_id = new_pledge_id()
        token, secret_digest = new_confirmation_token(invitation_id)
        invited = Invited(
            invitation_id,
            team.enterprise.id,
            colleague.email,
            colleague.name,
            colleague.language,
            colleague.frequency,
            colleague.manages_space,
            secret_digest,
            now,
            now + CONFIRMATION_LIFETIME,
        )
        if not self._teams.invite(invited):
            raise NotAllowed("the enterprise is gone", hidden=True)
        self._mailer.send(self._email(team.enterprise, invited, f"{team.enterprise.id}/{token}"))
        self._audit.record(
            actor,
            "colleague.invite",
            Item("enterprise", team.enterprise.id),
            regions=team.enterprise.regions_served,
            details={"invitation": invitation_id, "manages": str(colleague.manages_space).lower()},
        )
        return invited

    def change(
        self, actor: Actor, key: str, version: str, *, language: str, frequency: str, manages: bool
    ) -> Subscriber:
        """Anyone's language, frequency and whether they manage the space; NotAllowed for a value no form sends,
        LastManager for taking the last manager off, Changed when someone changed the enterprise meanwhile."""
        team = self.team(actor)
        person = self.person(team, key)
        if language not in LANGUAGES or frequency not in FREQUENCIES:
            raise NotAllowed("no such choice")
        changed = replace(
            person,
            language=next(lang for lang in LANGUAGES if lang == language),
            frequency=next(f for f in FREQUENCIES if f == frequency),
        )
        managers = (team.managers | {person.email}) if manages else (team.managers - {person.email})
        subscribers = tuple(changed if s == person else s for s in team.enterprise.subscribers)
        self._write(team, version, _marked(subscribers, managers))
        details = {"language": changed.language, "frequency": changed.frequency, "manages": str(manages).lower()}
        self._record(actor, team, "colleague.change", details)
        return changed

    def remove(self, actor: Actor, key: str, version: str) -> Subscriber:
        team = self.team(actor)
        person = self.person(team, key)
        subscribers = tuple(s for s in team.enterprise.subscribers if s != person)
        self._write(team, version, _marked(subscribers, team.managers - {person.email}))
        self._record(actor, team, "colleague.remove", {})
        return person

    def confirmation(self, token: str) -> Confirmation | None:
        """What the link names, or None: forged, expired, or its enterprise is no more."""
        enterprise_id, _, own = token.rpartition("/")
        read = read_confirmation_token(own)
        invited = self._teams.invitation(enterprise_id, read[0]) if read and enterprise_id else None
        if read is None or invited is None or invited.secret_digest != read[1]:
            return None
        team = self._teams.team(enterprise_id)
        if team is None:
            return None
        subscribed = invited.email.casefold() in {s.email.casefold() for s in team.enterprise.subscribers}
        if invited.confirmed_at is None and not subscribed and self._clock() >= invited.expires_at:
            return None
        return Confirmation(team.enterprise, invited, invited.confirmed_at is not None or subscribed)

    def confirm(self, token: str, network: str) -> Confirmation | None:
        """Subscribed, once, with their consent; None when the link is not (or no longer) valid."""
        shown = self.confirmation(token)
        if shown is None or shown.subscribed:
            return shown
        enterprise_id = shown.enterprise.id
        team = self._teams.team(enterprise_id)
        if team is None:
            return None
        invited, now = shown.invited, self._clock()
        colleague = Subscriber(
            invited.email,
            invited.name,
            invited.language,
            invited.frequency,
            Consent(now, CONSENT_HOW, CONSENT_WORDING),
            manages_space=invited.manages_space,
        )
        managers = team.managers | ({invited.email} if invited.manages_space else set())
        enterprise = replace(team.enterprise, subscribers=_marked((*team.enterprise.subscribers, colleague), managers))
        if not self._teams.change(team, enterprise, replace(invited, confirmed_at=now)):
            return None  # confirmed by a concurrent request, or the enterprise changed in between: try again
        self._audit.record_person(
            self._keys(invited.email),
            network,
            "colleague.confirm",
            Item("enterprise", enterprise_id),
            details={"invitation": invited.id, "wording": CONSENT_WORDING},
        )
        return Confirmation(enterprise, invited, subscribed=True)

    def _write(self, team: Team, version: str, subscribers: tuple[Subscriber, ...]) -> None:
        if version != team.version:
            raise Changed
        if not any(s.manages_space for s in subscribers):
            raise LastManager
        if not self._teams.change(team, replace(team.enterprise, subscribers=subscribers)):
            raise Changed

    def _record(self, actor: Actor, team: Team, action: str, details: Mapping[str, str]) -> None:
        enterprise = team.enterprise
        self._audit.record(
            actor, action, Item("enterprise", enterprise.id), regions=enterprise.regions_served, details=details
        )

    def _email(self, enterprise: Enterprise, invited: Invited, token: str) -> Email:
        lang = invited.language
        context = {
            "enterprise": enterprise.name,
            "name": invited.name,
            "url": self._links.confirm(token, lang),
            "expires_at": invited.expires_at,
            "hours": int(CONFIRMATION_LIFETIME.total_seconds() // 3600),
            "sender": self._sender,
        }
        return Email(
            to=invited.email,
            subject=wording("team.email.subject", lang, enterprise=enterprise.name),
            text=render("email/colleague_confirmation.txt", lang, **context),
            html=render("email/colleague_confirmation.html", lang, **context),
            language=lang,
        )


def _marked(subscribers: Sequence[Subscriber], managers: frozenset[str] | set[str]) -> tuple[Subscriber, ...]:
    """The subscribers with the managers marked explicitly (the first subscriber manages only if marked)."""
    return tuple(replace(s, manages_space=s.email in managers) for s in subscribers)
