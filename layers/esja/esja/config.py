"""Settings.from_env(): the one reader of os.environ, called once per container at cold start."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from esja.geo.mamh import MUN_CSV_URL
from esja.model import LANGUAGES, Language, one_of
from esja.signatory_space.publication import PLACEHOLDER_OCID_PREFIX
from esja.sources.catalogue import DEFAULT_FEEDS, FeedConfig


class ConfigurationError(Exception):
    """A required setting is missing or malformed; raised at cold start, naming the variable."""

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing  # the variables required but not set


# The resources a function may use, and the variable template.yaml sets for each.
RESOURCES = {
    "tenders_table": "TENDERS_TABLE",
    "feeds_table": "FEEDS_TABLE",
    "match_queue_url": "MATCH_QUEUE_URL",
    "enterprises_table": "ENTERPRISES_TABLE",
    "matches_table": "MATCHES_TABLE",
    "subscriptions_table": "SUBSCRIPTIONS_TABLE",  # preferences, consent log, suppressions (alerts)
    "pledges_table": "PLEDGES_TABLE",  # pledges and their confirmation tokens (web form)
    "rate_limits_table": "RATE_LIMITS_TABLE",  # per address / per e-mail counters with a TTL (web form)
    "organizers_table": "ORGANIZERS_TABLE",  # organizers, signatory links, digest send records
    "sessions_table": "SESSIONS_TABLE",  # sign-in links and sessions (the spaces)
    "audit_table": "AUDIT_TABLE",  # the append-only audit log of the spaces
    "signatories_table": "SIGNATORIES_TABLE",  # yearly reports, colleagues, notices sent (the signatories' space)
    "directory_table": "DIRECTORY_TABLE",  # the public directory's listings and their choices
    "archive_bucket": "ARCHIVE_BUCKET",  # HTML archive of the weekly digests
    "reference_bucket": "REFERENCE_BUCKET",  # cached official reference files (municipalities list)
    "public_base_url": "PUBLIC_BASE_URL",  # e.g. https://esja.example.org: links in e-mails, origin checks
    "sender_email": "SENDER_EMAIL",  # the verified SES identity e-mails are sent from
    "ses_configuration_set": "SES_CONFIGURATION_SET",
    "invitations_table": "INVITATIONS_TABLE",  # the signatories' invitations (written with their tenders)
    "invitation_alert_queue_url": "INVITATION_ALERT_QUEUE_URL",  # match_tenders → send_invitation_alerts
}


DEFAULT_ORGANISATION = "L'économie sociale, j'achète!"


@dataclass(frozen=True, slots=True)
class SenderIdentity:
    """Who sends every commercial e-mail (CASL: name, mailing address, a way to reach them)."""

    organisation: str = DEFAULT_ORGANISATION
    mailing_address: str = ""
    contact_email: str = ""
    privacy_officer: str = ""  # Law 25: who to contact about personal information


@dataclass(frozen=True, slots=True)
class Settings:
    tenders_table: str = ""
    feeds_table: str = ""
    match_queue_url: str = ""
    enterprises_table: str = ""
    matches_table: str = ""
    subscriptions_table: str = ""
    pledges_table: str = ""
    rate_limits_table: str = ""
    organizers_table: str = ""
    sessions_table: str = ""
    audit_table: str = ""
    signatories_table: str = ""
    directory_table: str = ""
    archive_bucket: str = ""
    reference_bucket: str = ""
    public_base_url: str = ""
    sender_email: str = ""
    ses_configuration_set: str = ""
    invitations_table: str = ""
    invitation_alert_queue_url: str = ""
    # ESJA's registered OCDS ocid prefix (esja.signatory_space.publication): set once, never changed.
    ocds_ocid_prefix: str = PLACEHOLDER_OCID_PREFIX
    sender: SenderIdentity = field(default_factory=SenderIdentity)
    # Keys for signed links, oldest first: [previous,] current[, next]; current signs (esja.tokens). Locally
    # SIGNING_KEYS (comma-separated); in AWS the secret named by SIGNING_KEYS_SECRET_ARN, re-read every 5 min.
    signing_keys: tuple[str, ...] = ()
    signing_keys_secret_arn: str = ""
    # The secret of the keyed hash of addresses (esja.people.keys): ADDRESS_KEY_SECRET locally; in AWS the
    # secret named by ADDRESS_KEY_SECRET_ARN, read once. Never rotated.
    address_key_secret: str = ""
    address_key_secret_arn: str = ""
    # Every answer to « send me a link » takes at least this long, known address or not (esja.signin.service):
    # SES answers in about 100 ms; one second covers nearly every send, and a person barely notices it.
    sign_in_floor_seconds: float = 1.0
    feeds: Mapping[str, FeedConfig] = field(default_factory=lambda: dict(DEFAULT_FEEDS))
    http_timeout_seconds: float = 30.0
    http_retries: int = 2
    max_feed_bytes: int = 100 * 1024 * 1024
    max_linked_releases: int = 100  # per poll run: releases a record package only links to
    seao_backfill_weeks: int = 1
    # E-mails per second; 0 asks SES for the account's maximum (GetAccount), which moto cannot answer.
    ses_max_send_rate: float = 0.0
    municipalities_url: str = MUN_CSV_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read the environment; explicit keyword arguments win over it (CLI flags, tests)."""
        env = os.environ if environ is None else environ

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            try:
                return float(raw) if raw else default
            except ValueError:
                raise ConfigurationError(f"environment variable {name} must be a number, got {raw!r}") from None

        values: dict[str, object] = {field: env.get(variable, "").strip() for field, variable in RESOURCES.items()}
        values |= {
            "feeds": _feeds(env.get("FEEDS")),
            "http_timeout_seconds": number("HTTP_TIMEOUT_SECONDS", 30.0),
            "http_retries": int(number("HTTP_RETRIES", 2)),
            "max_feed_bytes": int(number("MAX_FEED_BYTES", 100 * 1024 * 1024)),
            "max_linked_releases": int(number("MAX_LINKED_RELEASES", 100)),
            "seao_backfill_weeks": int(number("SEAO_BACKFILL_WEEKS", 1)),
            "ses_max_send_rate": number("SES_MAX_SEND_RATE", 0.0),
            "municipalities_url": env.get("MUNICIPALITIES_URL") or MUN_CSV_URL,
            "ocds_ocid_prefix": env.get("OCDS_OCID_PREFIX") or PLACEHOLDER_OCID_PREFIX,
            "sender": SenderIdentity(
                organisation=env.get("SENDER_ORGANISATION") or DEFAULT_ORGANISATION,
                mailing_address=env.get("SENDER_MAILING_ADDRESS", ""),
                contact_email=env.get("SENDER_CONTACT_EMAIL", ""),
                privacy_officer=env.get("PRIVACY_OFFICER", ""),
            ),
            "signing_keys": tuple(k.strip() for k in env.get("SIGNING_KEYS", "").split(",") if k.strip()),
            "signing_keys_secret_arn": env.get("SIGNING_KEYS_SECRET_ARN", ""),
            "address_key_secret": env.get("ADDRESS_KEY_SECRET", ""),
            "address_key_secret_arn": env.get("ADDRESS_KEY_SECRET_ARN", ""),
            "sign_in_floor_seconds": number("SIGN_IN_FLOOR_SECONDS", 1.0),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def require(self, *resources: str) -> None:
        """Fail (at cold start, where services are built) naming every variable a use case needs but lacks."""
        missing = [RESOURCES[name] for name in resources if not getattr(self, name)]
        if missing:
            raise ConfigurationError(
                f"environment variable(s) {', '.join(missing)} required but not set", missing=tuple(missing)
            )


def command_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language the `esja` command speaks, read as gettext reads it: the first of LANGUAGE, LC_ALL,
    LC_MESSAGES and LANG that is set (LANGUAGE may list several, « en:fr »), its first French or English
    entry; French otherwise (« C.UTF-8 », « de_DE »), as the pages are."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if value := env.get(variable, "").strip():
            found = (one_of(entry.strip().lower()[:2], LANGUAGES) for entry in value.split(":"))
            return next((language for language in found if language), "fr")
    return "fr"


def _feeds(raw: str | None) -> dict[str, FeedConfig]:
    """The built-in feeds, plus or overridden by FEEDS: {"name": {"format": "ocds", "url": "…"}}."""
    feeds = dict(DEFAULT_FEEDS)
    if not raw:
        return feeds
    try:
        extra = json.loads(raw)
        for name, spec in extra.items():
            base = feeds.get(name)
            feeds[name] = FeedConfig(
                name=name,
                format=spec.get("format") or (base.format if base else ""),
                url=spec.get("url") or (base.url if base else ""),
            )
            feeds[name].validate()
    except (ValueError, AttributeError, TypeError) as error:
        raise ConfigurationError(f"environment variable FEEDS is not valid: {error}") from None
    return feeds
