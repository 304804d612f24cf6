"""The wiring module: the use cases built on their AWS adapters, once per container, from Settings.

The one module that knows both sides. Handlers import it (and Powertools) and nothing else of ours; the
domain never imports it (the import-linter contracts in pyproject.toml hold both). Each build_* reads
the environment when given no Settings (a function's cold start), takes clients from its caller (tests,
the local runtime) or makes them (AWS_ENDPOINT_URL honoured), and imports only what its use case needs,
so no function pays at cold start for another's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, overload

import boto3
from botocore.config import Config

from esja.clock import utc_now
from esja.config import ConfigurationError, Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import Router
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

    from esja.alerts.choices import SubscriberChoices
    from esja.alerts.service import AlertService
    from esja.alerts.suppressions import SuppressionRecorder
    from esja.audit.log import Audit
    from esja.console.buyer_links import BuyerLinks
    from esja.console.enterprises import ConsoleEnterprises
    from esja.console.pledge_export import PledgeExport
    from esja.console.report import ProgrammeReports
    from esja.digest.figure_book import FigureBook
    from esja.digest.service import DigestService
    from esja.digest.setup import DigestSetup
    from esja.digest.signatories import SignatoryIndex
    from esja.directory.public import PublicDirectory
    from esja.enterprise_space.codes import CodeChoice
    from esja.enterprise_space.preview import ProfilePreview
    from esja.enterprise_space.profiles import EnterpriseProfiles
    from esja.enterprise_space.recent_tenders import NotModified, StoredSnapshot
    from esja.enterprises.removal import EnterpriseRemoval
    from esja.enterprises.spreadsheet import EnterpriseSpreadsheet
    from esja.geo import Gazetteer
    from esja.ingest.changes import Change
    from esja.ingest.poll import PollService
    from esja.ingest.recent import RecentTendersPublisher
    from esja.mail.mailer import Mailer
    from esja.matching.service import MatchService
    from esja.model import Tender
    from esja.people.keys import AddressKeys
    from esja.people.rekey import AddressRekeying
    from esja.pledges.service import PledgeService
    from esja.signatory_space.colleagues import PledgePeople
    from esja.signatory_space.fits import ListedEnterprises
    from esja.signatory_space.invitations import InvitationService, PendingAnnouncements
    from esja.signatory_space.reminders import ReportReminders
    from esja.sources.http import HttpFetcher
    from esja.store.digest_sources import MatchHistory
    from esja.store.enterprises import EnterpriseStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.tokens import KeySource
    from esja.web.console_pledge_routes import ConsolePledges
    from esja.web.session import Spaces

# The one place AWS calls are retried: adaptive retries absorb throttling (and pace the client after it);
# what still fails reaches the use case as Throttled. Short timeouts keep a stuck call from eating the
# Lambda's time.
AWS_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    connect_timeout=5,
    read_timeout=20,
)
# The web function answers a person: it fails fast, with the 503 page, rather than after 10 attempts. A call
# gives up after 2 x (1 s + 2 s) plus at most 1 s of back-off = 7 s, well inside its 15 s Lambda timeout
# (DynamoDB, SES and S3 answer its small requests in milliseconds).
WEB_AWS_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=1,
    read_timeout=2,
)


@overload
def aws_client(
    service: Literal["dynamodb"], session: boto3.Session | None = None, *, config: Config = AWS_CONFIG
) -> DynamoDBClient: ...
@overload
def aws_client(
    service: Literal["s3"], session: boto3.Session | None = None, *, config: Config = AWS_CONFIG
) -> S3Client: ...
@overload
def aws_client(
    service: Literal["sesv2"], session: boto3.Session | None = None, *, config: Config = AWS_CONFIG
) -> SESV2Client: ...
@overload
def aws_client(
    service: Literal["sqs"], session: boto3.Session | None = None, *, config: Config = AWS_CONFIG
) -> SQSClient: ...
@overload
def aws_client(
    service: Literal["secretsmanager"], session: boto3.Session | None = None, *, config: Config = AWS_CONFIG
) -> SecretsManagerClient: ...
def aws_client(service: str, session: boto3.Session | None = None, *, config: Config = AWS_CONFIG) -> Any:
    """A client honouring AWS_ENDPOINT_URL (moto locally) through boto3's own configuration."""
    return (session or _session()).client(service, config=config)  # type: ignore[call-overload]


@lru_cache(maxsize=1)
def _session() -> boto3.Session:
    """One session per container: each new one costs ~50 ms of cold start (it loads botocore's data)."""
    return boto3.Session()


def _read(settings: Settings | None, *resources: str) -> Settings:
    """The settings given, or the environment's; ConfigurationError names what a use case lacks."""
    settings = settings or Settings.from_env()
    settings.require(*resources)
    return settings


# --- poll_tenders, match_tenders ---


def build_poll_service(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    sqs: SQSClient | None = None,
    s3: S3Client | None = None,
    fetcher: HttpFetcher | None = None,
) -> PollService:
    from esja.ingest.poll import PollService
    from esja.sources.http import HttpFetcher
    from esja.store.feeds import FeedStateStore
    from esja.store.match_queue import MatchQueue
    from esja.store.tenders import TenderStore

    settings = _read(settings, "tenders_table", "feeds_table", "match_queue_url")
    dynamodb = dynamodb or aws_client("dynamodb")
    fetcher = fetcher or HttpFetcher(
        timeout_seconds=settings.http_timeout_seconds,
        max_bytes=settings.max_feed_bytes,
        retries=settings.http_retries,
    )
    return PollService(
        fetcher=fetcher,
        feed_states=FeedStateStore(settings.feeds_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        announcer=MatchQueue(settings.match_queue_url, sqs or aws_client("sqs")),
        clock=utc_now,
        enrich=_with_regions(settings, fetcher, s3),
        seao_backfill_weeks=settings.seao_backfill_weeks,
        feeds=settings.feeds,
        max_linked_releases=settings.max_linked_releases,
    )


def _with_regions(settings: Settings, fetcher: HttpFetcher, s3: S3Client | None) -> Callable[[Tender], Tender]:
    """Region inference, built for the first tender of the container: a run that stops before reading a
    feed (an unknown feed, a publisher down) does not fetch the municipalities list."""
    from esja.geo import RegionInferrer

    @lru_cache(maxsize=1)
    def inferrer() -> RegionInferrer:
        return RegionInferrer(gazetteer(settings, fetcher, s3))

    return lambda tender: inferrer().with_regions(tender)


def gazetteer(settings: Settings, fetcher: HttpFetcher, s3: S3Client | None = None) -> Gazetteer:
    """The official municipalities list (fetched, cached in S3) when a bucket is configured; else bundled."""
    from esja.geo import Gazetteer

    if not settings.reference_bucket:
        return Gazetteer.bundled()
    from esja.ingest.reference_data import official_gazetteer
    from esja.store.reference_files import ReferenceFiles

    cache = ReferenceFiles(settings.reference_bucket, s3 or aws_client("s3"))
    return official_gazetteer(fetcher, cache, utc_now(), settings.municipalities_url)


def build_match_service(
    settings: Settings | None = None, *, dynamodb: DynamoDBClient | None = None, sqs: SQSClient | None = None
) -> MatchService:
    # Imported here so the other functions do not pay for the matcher's stemmers at cold start.
    from esja.matching.service import MatchService
    from esja.store.enterprises import EnterpriseStore
    from esja.store.invitation_alert_queue import InvitationAlertQueue
    from esja.store.matches import MatchStore
    from esja.store.tenders import TenderStore

    settings = _read(settings, "tenders_table", "enterprises_table", "matches_table", "invitation_alert_queue_url")
    dynamodb = dynamodb or aws_client("dynamodb")
    return MatchService(
        tenders=TenderStore(settings.tenders_table, dynamodb),
        profiles=EnterpriseStore(settings.enterprises_table, dynamodb),
        matches=MatchStore(settings.matches_table, dynamodb),
        clock=utc_now,
        invitation_alerts=InvitationAlertQueue(settings.invitation_alert_queue_url, sqs or aws_client("sqs")),
    )


def build_recent_tenders_publisher(
    settings: Settings | None = None, *, dynamodb: DynamoDBClient | None = None, s3: S3Client | None = None
) -> RecentTendersPublisher:
    """The snapshot of the recent tenders the profiles' previews read, written after each poll."""
    from esja.ingest.recent import RecentTendersPublisher
    from esja.store.digest_sources import TenderWeeks
    from esja.store.recent_tenders import RecentTendersObject

    settings = _read(settings, "tenders_table", "reference_bucket")
    return RecentTendersPublisher(
        tenders=TenderWeeks(settings.tenders_table, dynamodb or aws_client("dynamodb")),
        snapshots=RecentTendersObject(settings.reference_bucket, s3 or aws_client("s3")),
        clock=utc_now,
    )


# --- send_alerts, ses_events ---


def build_alert_service(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    sesv2: SESV2Client | None = None,
    sending: bool = True,
) -> AlertService:
    """The alerts use case; `sending=False` builds it for previews (no SES client, no rate lookup)."""
    # Imported here: Jinja2 and Babel are for the functions that render e-mails.
    from esja.alerts.links import SubscriberLinks
    from esja.alerts.service import AlertService
    from esja.feedback.links import FeedbackLinks
    from esja.mail.mailer import Mailer
    from esja.store.enterprises import EnterpriseStore
    from esja.store.matches import MatchStore
    from esja.store.send_records import ALERT_RECORD_LIFETIME, SendRecords, alert_key
    from esja.store.subscriptions import SubscriptionStore
    from esja.store.tenders import TenderStore

    settings = _read(
        settings, "enterprises_table", "matches_table", "tenders_table", "subscriptions_table", "public_base_url"
    )
    dynamodb = dynamodb or aws_client("dynamodb")
    mailer = None
    if sending:
        settings.require("sender_email", "ses_configuration_set")
        sesv2 = sesv2 or aws_client("sesv2")
        rate = settings.ses_max_send_rate
        through = settings.ses_configuration_set  # bounces and complaints reach ses_events
        mailer = (
            _mailer(settings, sesv2, max_per_second=rate, configuration_set=through)
            if rate
            else Mailer.at_account_rate(sesv2, configuration_set=through, **_sender(settings))
        )
    return AlertService(
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb),
        matches=MatchStore(settings.matches_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        subscriptions=SubscriptionStore(settings.subscriptions_table, dynamodb),
        sends=SendRecords(settings.subscriptions_table, dynamodb, key=alert_key, lifetime=ALERT_RECORD_LIFETIME),
        mailer=mailer,
        links=SubscriberLinks(settings.public_base_url, keys := signing_keys(settings)),
        sender=settings.sender,
        clock=utc_now,
        address_keys=address_keys(settings),
        signatories=signatory_index(settings, dynamodb),
        feedback_links=FeedbackLinks(settings.public_base_url, keys),
    )


def signatory_index(settings: Settings, dynamodb: DynamoDBClient) -> Callable[[datetime], SignatoryIndex]:
    """What the alerts' « signatory » badge asks, read once per run: the signatories on the public registry
    (nothing the registry does not already show), with the organizers' links to their buyer ids."""
    from esja.digest.signatories import SignatoryIndex
    from esja.store.organizers import OrganizerStore
    from esja.store.public_signatories import PublicSignatories

    settings.require("pledges_table", "organizers_table")
    registry = PublicSignatories(settings.pledges_table, dynamodb)
    organizers = OrganizerStore(settings.organizers_table, dynamodb)
    return lambda now: SignatoryIndex.build(registry.listed(now), organizers.links())


def build_suppression_recorder(
    settings: Settings | None = None, *, dynamodb: DynamoDBClient | None = None
) -> SuppressionRecorder:
    from esja.alerts.suppressions import SuppressionRecorder
    from esja.store.subscriptions import SubscriptionStore

    settings = _read(settings, "subscriptions_table")
    store = SubscriptionStore(settings.subscriptions_table, dynamodb or aws_client("dynamodb"))
    # Complaints count about alerts only.
    return SuppressionRecorder(store, address_keys(settings), settings.ses_configuration_set)


def signing_keys(settings: Settings, *, config: Config = AWS_CONFIG) -> KeySource:
    """Keys for signed links: SIGNING_KEYS locally; in AWS, the secret {"previous", "current", "next"},
    re-read every few minutes (esja.store.signing_keys)."""
    from esja.tokens import SigningKeys

    if settings.signing_keys:
        return SigningKeys.from_list(settings.signing_keys)
    settings.require("signing_keys_secret_arn")
    from esja.store.signing_keys import SecretSigningKeys

    return SecretSigningKeys(settings.signing_keys_secret_arn, aws_client("secretsmanager", config=config))


def address_keys(settings: Settings, *, config: Config = AWS_CONFIG) -> AddressKeys:
    """The keyed hash of addresses (esja.people.keys): ADDRESS_KEY_SECRET locally; in AWS the secret named by
    ADDRESS_KEY_SECRET_ARN, read when first needed and kept (it never rotates)."""
    from esja.people.keys import AddressKeys

    if settings.address_key_secret:
        return AddressKeys.fixed(settings.address_key_secret)
    if not settings.address_key_secret_arn:
        raise ConfigurationError("environment variable ADDRESS_KEY_SECRET_ARN (or ADDRESS_KEY_SECRET) required")
    from esja.store.address_key_secret import SecretAddressKey

    arn = settings.address_key_secret_arn
    return AddressKeys(SecretAddressKey(arn, lambda: aws_client("secretsmanager", config=config)))


# --- web ---


def build_web_app(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    sesv2: SESV2Client | None = None,
    s3: S3Client | None = None,
) -> APIGatewayHttpResolver:
    """The public web function's resolver, with every feature's router; its AWS clients fail fast."""
    from esja.alerts.links import ONE_CLICK_PATH
    from esja.signatory_space.notice_links import ONE_CLICK_PATH as NOTICE_ONE_CLICK_PATH
    from esja.web.app import create_app
    from esja.web.invitation_routes import invitation_router
    from esja.web.openapi import add_openapi_route
    from esja.web.pledge_routes import pledge_router
    from esja.web.subscription_routes import subscription_router

    settings = _read(settings, "public_base_url")
    dynamodb = dynamodb or aws_client("dynamodb", config=WEB_AWS_CONFIG)
    sesv2 = sesv2 or aws_client("sesv2", config=WEB_AWS_CONFIG)
    keys = signing_keys(settings, config=WEB_AWS_CONFIG)
    people = address_keys(settings, config=WEB_AWS_CONFIG)
    pledges = build_pledge_service(settings, dynamodb=dynamodb, sesv2=sesv2, keys=keys, address_keys=people)
    routers = [
        pledge_router(pledges, settings.sender),
        subscription_router(build_subscriber_choices(settings, dynamodb=dynamodb, keys=keys), settings.sender),
        build_calendar_router(settings, dynamodb=dynamodb, keys=keys),
        build_digest_router(settings, keys=keys, s3=s3),
        invitation_router(build_invitation_service(settings, dynamodb=dynamodb), settings.sender),
        *build_space_routers(settings, dynamodb=dynamodb, sesv2=sesv2, keys=keys, address_keys=people, s3=s3),
    ]
    # RFC 8058: mail providers POST them from their own servers
    cross_site_posts = [ONE_CLICK_PATH, NOTICE_ONE_CLICK_PATH]
    app = create_app(
        public_base_url=settings.public_base_url,
        sender=settings.sender,
        routers=routers,
        cross_site_posts=cross_site_posts,
    )
    add_openapi_route(app)
    return app


def build_pledge_service(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    sesv2: SESV2Client | None,
    keys: KeySource,
    address_keys: AddressKeys,
) -> PledgeService:
    from esja.pledges.links import PledgeLinks
    from esja.pledges.service import PledgeService
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.store.rate_limits import RateLimitStore

    settings.require(
        "pledges_table",
        "rate_limits_table",
        "organizers_table",
        "audit_table",
        "sessions_table",
        "signatories_table",
        "sender_email",
        "public_base_url",
    )
    return PledgeService(
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
        mailer=_mailer(
            settings, sesv2 or aws_client("sesv2"), configuration_set=settings.ses_configuration_set or None
        ),
        sender=settings.sender,
        links=PledgeLinks(settings.public_base_url),
        keys=keys,
        address_keys=address_keys,
        domains=OrganizerStore(settings.organizers_table, dynamodb),  # institutions' listed e-mail domains
        pledge_people=_pledge_people(settings, dynamodb),  # a withdrawn pledge's space closed
        audit=_audit(settings, dynamodb),  # a pledge verified by its domain, withdrawn by its link
        clock=utc_now,
    )


def build_invitation_service(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    sqs: SQSClient | None = None,
    audit: Audit | None = None,
    directory: PublicDirectory | None = None,
    codes: CodeChoice | None = None,
) -> InvitationService:
    """The signatories' invitations: posted and changed in their space (audited), shown on the public pages;
    the enterprises they name must be listed in `directory` (the container's one, when the caller has it), the
    codes they name in `codes` (the code search's list; the bundled UNSPSC table without it)."""
    from esja.audit.log import Audit
    from esja.directory.public import PublicDirectory
    from esja.signatory_space.invitations import InvitationService
    from esja.signatory_space.publication import Publication
    from esja.store.audit_log import AuditLogStore
    from esja.store.directory import DirectoryStore
    from esja.store.invitations import InvitationStore
    from esja.store.match_queue import MatchQueue
    from esja.store.pledges import PledgeStore
    from esja.store.rate_limits import RateLimitStore
    from esja.store.tenders import TenderStore

    settings = _read(
        settings,
        "invitations_table",
        "tenders_table",
        "match_queue_url",
        "pledges_table",
        "enterprises_table",
        "rate_limits_table",
        "audit_table",
        "directory_table",
        "public_base_url",
    )
    dynamodb = dynamodb or aws_client("dynamodb")

    @lru_cache(maxsize=1)
    def match_queue() -> MatchQueue:
        # Built at the first invitation posted: the public pages, which only read, never pay for an SQS client.
        return MatchQueue(settings.match_queue_url, sqs or aws_client("sqs", config=WEB_AWS_CONFIG))

    class Announcer:
        def announce(self, changes: Sequence[Change]) -> int:
            return match_queue().announce(changes)

    return InvitationService(
        invitations=InvitationStore(settings.invitations_table, settings.tenders_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        announcer=Announcer(),
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        directory=directory
        or PublicDirectory(listings=DirectoryStore(settings.directory_table, dynamodb), clock=utc_now),
        rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
        publication=Publication(settings.public_base_url, settings.ocds_ocid_prefix),
        publisher=settings.sender.organisation,
        audit=audit or Audit(AuditLogStore(settings.audit_table, dynamodb), utc_now),
        clock=utc_now,
        code_titles=codes.title if codes else None,
    )


def build_invitation_sweep(
    settings: Settings | None = None, *, dynamodb: DynamoDBClient | None = None, sqs: SQSClient | None = None
) -> PendingAnnouncements:
    """The alerts' instant run: invitations whose announcement failed after they were saved, announced."""
    from esja.signatory_space.invitations import PendingAnnouncements
    from esja.signatory_space.publication import Publication
    from esja.store.invitations import InvitationStore
    from esja.store.match_queue import MatchQueue
    from esja.store.tenders import TenderStore

    settings = _read(settings, "invitations_table", "tenders_table", "match_queue_url", "public_base_url")
    dynamodb = dynamodb or aws_client("dynamodb")
    return PendingAnnouncements(
        invitations=InvitationStore(settings.invitations_table, settings.tenders_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        announcer=MatchQueue(settings.match_queue_url, sqs or aws_client("sqs")),
        publication=Publication(settings.public_base_url, settings.ocds_ocid_prefix),
        clock=utc_now,
    )


def build_space_routers(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    sesv2: SESV2Client,
    keys: KeySource,
    address_keys: AddressKeys,
    s3: S3Client | None = None,
) -> list[Router]:
    """Sign-in and the three spaces (esja.web.session): one Sessions, one audit log, the roles' stores."""
    from esja.audit.log import Audit
    from esja.console.home import Console
    from esja.console.journal import Journal
    from esja.console.sessions import PersonSessions
    from esja.directory.moderation import ListingModeration
    from esja.directory.public import PublicDirectory
    from esja.directory.space import ListingSpace
    from esja.enterprise_space.home import EnterpriseSpace
    from esja.people.roles import Roles
    from esja.signatory_space.home import SignatorySpace
    from esja.signin.links import SignInUrls
    from esja.signin.service import Pace, SignIn
    from esja.signin.sessions import Sessions
    from esja.store.audit_log import AuditLogStore
    from esja.store.colleagues import ColleagueStore
    from esja.store.directory import DirectoryStore
    from esja.store.enterprises import EnterpriseStore
    from esja.store.feeds import FeedStateStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.store.rate_limits import RateLimitStore
    from esja.store.sessions import SessionStore
    from esja.web.console_pledge_routes import console_pledges_router
    from esja.web.directory_routes import directory_router
    from esja.web.enterprise_routes import enterprise_router
    from esja.web.listing_routes import listing_router
    from esja.web.organizer_routes import organizer_router
    from esja.web.session import SessionCookie, Spaces
    from esja.web.signatory_routes import signatory_router
    from esja.web.signin_routes import signin_router

    settings.require(
        "sessions_table",
        "audit_table",
        "organizers_table",
        "enterprises_table",
        "pledges_table",
        "feeds_table",
        "rate_limits_table",
        "signatories_table",
        "directory_table",
        "sender_email",
        "public_base_url",
    )
    store = SessionStore(settings.sessions_table, dynamodb)
    pledges = PledgeStore(settings.pledges_table, dynamodb)
    enterprises = EnterpriseStore(settings.enterprises_table, dynamodb)
    organizers = OrganizerStore(settings.organizers_table, dynamodb)
    roles = Roles(
        organizers=organizers,
        enterprises=enterprises,
        pledges=pledges,
        colleagues=ColleagueStore(settings.signatories_table, dynamodb),
        address_keys=address_keys,
        clock=utc_now,
    )
    log = AuditLogStore(settings.audit_table, dynamodb)
    audit = Audit(log, utc_now)
    sessions = Sessions(sessions=store, roles=roles, audit=audit, clock=utc_now)
    spaces = Spaces(sessions, SessionCookie.for_site(settings.public_base_url), settings.sender)
    mailer = _mailer(settings, sesv2, configuration_set=settings.ses_configuration_set or None)  # transactional
    signin = SignIn(
        roles=roles,
        sessions=store,
        rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
        mailer=mailer,
        sender=settings.sender,
        urls=SignInUrls(settings.public_base_url),
        address_keys=address_keys,
        audit=audit,
        clock=utc_now,
        pace=Pace(settings.sign_in_floor_seconds),
    )
    console = Console(pledges=pledges, feeds=FeedStateStore(settings.feeds_table, dynamodb), clock=utc_now)
    person_sessions = PersonSessions(sessions=store, address_keys=address_keys, audit=audit, clock=utc_now)
    # The directory: the listings, and its read model, cached in this container (esja.directory.public).
    listings = DirectoryStore(settings.directory_table, dynamodb)
    directory = PublicDirectory(listings=listings, clock=utc_now)
    listing = ListingSpace(enterprises=enterprises, listings=listings, audit=audit, clock=utc_now)
    return [
        signin_router(signin, spaces),
        organizer_router(console, Journal(log=log, clock=utc_now), person_sessions, spaces),
        *_console_enterprises(
            settings,
            dynamodb=dynamodb,
            address_keys=address_keys,
            audit=audit,
            spaces=spaces,
            joining=(mailer, organizers, keys),
        ),
        build_organizer_report_router(settings, dynamodb=dynamodb, s3=s3, spaces=spaces, enterprises=enterprises),
        enterprise_router(EnterpriseSpace(enterprises=enterprises), spaces),
        *_forms_with_codes(
            settings, dynamodb=dynamodb, s3=s3, enterprises=enterprises, audit=audit, directory=directory, spaces=spaces
        ),
        signatory_router(SignatorySpace(pledges=pledges), spaces),
        console_pledges_router(
            _console_pledges(settings, dynamodb, pledges=pledges, organizers=organizers, mailer=mailer, audit=audit),
            spaces,
        ),
        *build_signatory_routers(
            settings,
            dynamodb=dynamodb,
            sesv2=sesv2,
            keys=keys,
            address_keys=address_keys,
            audit=audit,
            spaces=spaces,
            directory=directory,
        ),
        listing_router(listing, ListingModeration(listings=listings, audit=audit, clock=utc_now), spaces),
        directory_router(directory, settings.sender),
        *build_people_routers(
            settings,
            dynamodb=dynamodb,
            sesv2=sesv2,
            enterprises=enterprises,
            keys=keys,
            address_keys=address_keys,
            spaces=spaces,
            audit=audit,
        ),
    ]


def _forms_with_codes(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    s3: S3Client | None,
    enterprises: EnterpriseStore,
    audit: Audit,
    directory: PublicDirectory,
    spaces: Spaces,
) -> list[Router]:
    """The forms that name UNSPSC codes — an enterprise's alert profiles, a signatory's invitations — with one
    code search on one code list, the one an invitation's codes are checked against."""
    from esja.web.invitation_space_routes import invitation_space_router
    from esja.web.profile_routes import profile_router

    profile_space = build_profile_space(settings, enterprises=enterprises, audit=audit, s3=s3)
    codes = profile_space.codes
    invitations = build_invitation_service(settings, dynamodb=dynamodb, audit=audit, directory=directory, codes=codes)
    return [profile_router(*profile_space, spaces), invitation_space_router(invitations, codes, spaces)]


def build_people_routers(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    sesv2: SESV2Client,
    enterprises: EnterpriseStore,
    keys: KeySource,
    address_keys: AddressKeys,
    spaces: Spaces,
    audit: Audit,
) -> list[Router]:
    """Issue 13's people of an enterprise: was each tender relevant (the alerts' links, the space's and the
    console's feedback), its colleagues, the contracts it won."""
    from esja.console.feedback import ConsoleFeedback
    from esja.enterprise_space.colleagues import ColleagueLinks, Colleagues
    from esja.enterprise_space.contracts import ContractsWon
    from esja.enterprise_space.feedback import EnterpriseFeedback
    from esja.feedback.links import FeedbackLinks
    from esja.feedback.service import Feedback
    from esja.store.contracts_won import WinStore
    from esja.store.enterprise_teams import EnterpriseTeams
    from esja.store.feedback import FeedbackStore
    from esja.store.matches import MatchStore
    from esja.store.rate_limits import RateLimitStore
    from esja.store.tenders import TenderStore
    from esja.web.colleague_routes import colleague_router
    from esja.web.contract_routes import contract_router
    from esja.web.feedback_routes import feedback_router

    settings.require("matches_table", "tenders_table")
    votes = FeedbackStore(settings.matches_table, dynamodb)
    feedback = Feedback(
        links=FeedbackLinks(settings.public_base_url, keys),
        votes=votes,
        matches=MatchStore(settings.matches_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        enterprises=enterprises,
        clock=utc_now,
    )
    return [
        feedback_router(
            feedback,
            EnterpriseFeedback(enterprises=enterprises, votes=votes),
            ConsoleFeedback(enterprises=enterprises, votes=votes),
            spaces,
        ),
        colleague_router(
            Colleagues(
                teams=EnterpriseTeams(settings.enterprises_table, dynamodb, address_keys=address_keys),
                mailer=_mailer(settings, sesv2, configuration_set=settings.ses_configuration_set or None),
                links=ColleagueLinks(settings.public_base_url),
                rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
                address_keys=address_keys,
                audit=audit,
                sender=settings.sender,
                clock=utc_now,
            ),
            spaces,
        ),
        contract_router(
            ContractsWon(wins=WinStore(settings.matches_table, dynamodb), audit=audit, clock=utc_now), spaces
        ),
    ]


def build_signatory_routers(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    sesv2: SESV2Client,
    keys: KeySource,
    address_keys: AddressKeys,
    audit: Audit,
    spaces: Spaces,
    directory: ListedEnterprises,
) -> list[Router]:
    """The signatories' space beyond its invitations (issue 14): the pledge itself, who fits its tenders, its
    yearly reports; and the reports in the organizers' console."""
    from esja.console.yearly_reports import YearlyReportsConsole
    from esja.signatory_space.colleagues import ColleagueLinks, Colleagues
    from esja.signatory_space.commitments import Commitments
    from esja.signatory_space.fits import WhoFits
    from esja.signatory_space.notice_links import NoticeLinks, NoticeUnsubscribe
    from esja.signatory_space.own_tenders import OwnTenders
    from esja.signatory_space.reports import YearlyReports
    from esja.store.colleagues import ColleagueStore
    from esja.store.enterprises import EnterpriseStore
    from esja.store.invitations import InvitationStore
    from esja.store.matches import MatchStore
    from esja.store.notices import NoticeRecords, NoticeStops
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.store.rate_limits import RateLimitStore
    from esja.store.sessions import SessionStore
    from esja.store.subscriptions import SubscriptionStore
    from esja.store.tenders import TenderStore
    from esja.store.yearly_reports import ReportStore
    from esja.web.fits_routes import fits_router
    from esja.web.pledge_space_routes import pledge_space_router
    from esja.web.report_routes import console_report_router, report_router

    settings.require(
        "signatories_table",
        "pledges_table",
        "tenders_table",
        "matches_table",
        "enterprises_table",
        "invitations_table",
        "organizers_table",
        "subscriptions_table",
        "sessions_table",
        "rate_limits_table",
        "sender_email",
        "public_base_url",
    )
    pledges = PledgeStore(settings.pledges_table, dynamodb)
    colleagues = ColleagueStore(settings.signatories_table, dynamodb)
    sessions = SessionStore(settings.sessions_table, dynamodb)
    rate_limits = RateLimitStore(settings.rate_limits_table, dynamodb)
    reports = ReportStore(settings.signatories_table, dynamodb)
    enterprises = EnterpriseStore(settings.enterprises_table, dynamodb)
    own = OwnTenders(
        tenders=TenderStore(settings.tenders_table, dynamodb),
        buyer_links=OrganizerStore(settings.organizers_table, dynamodb),
    )
    mailer = _mailer(settings, sesv2, configuration_set=settings.ses_configuration_set or None)
    notice_links = NoticeLinks(settings.public_base_url, keys)
    notice_stops = NoticeStops(settings.signatories_table, dynamodb)
    common: dict[str, Any] = {"address_keys": address_keys, "audit": audit, "clock": utc_now}
    commitments = Commitments(pledges=pledges, pledge_people=_pledge_people(settings, dynamodb), **common)
    colleague_pages = Colleagues(
        pledges=pledges,
        colleagues=colleagues,
        sessions=sessions,
        rate_limits=rate_limits,
        mailer=mailer,
        sender=settings.sender,
        links=ColleagueLinks(settings.public_base_url),
        **common,
    )
    who_fits = WhoFits(
        pledges=pledges,
        own_tenders=own,
        matches=MatchStore(settings.matches_table, dynamodb),
        directory=directory,
        enterprises=enterprises,
        notices=NoticeRecords(settings.signatories_table, dynamodb),
        notice_stops=notice_stops,
        subscriptions=SubscriptionStore(settings.subscriptions_table, dynamodb),
        rate_limits=rate_limits,
        mailer=mailer,
        notice_links=notice_links,
        sender=settings.sender,
        **common,
    )
    yearly = YearlyReports(
        pledges=pledges,
        reports=reports,
        own_tenders=own,
        enterprises=enterprises,
        invitations=InvitationStore(settings.invitations_table, settings.tenders_table, dynamodb),
        deadlines=reports,
        audit=audit,
        clock=utc_now,
    )
    unsubscribe = NoticeUnsubscribe(notice_stops=notice_stops, notice_links=notice_links, clock=utc_now)
    return [
        pledge_space_router(commitments, colleague_pages, spaces),
        fits_router(who_fits, unsubscribe, spaces),
        report_router(yearly, spaces),
        console_report_router(
            YearlyReportsConsole(reports=reports, deadlines=reports, audit=audit, clock=utc_now), spaces
        ),
    ]


def _console_enterprises(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient,
    address_keys: AddressKeys,
    audit: Audit,
    spaces: Spaces,
    joining: tuple[Mailer, OrganizerStore, KeySource],
) -> list[Router]:
    """The console's enterprises: the spreadsheet's import and the removal, as the command line has them; and the
    requests to join, which an organizer approves through the same use case."""
    from esja.console.enterprise_import import ConsoleImport
    from esja.console.enterprises import ConsoleEnterprises
    from esja.enterprises.spreadsheet import EnterpriseSpreadsheet
    from esja.store.enterprises import EnterpriseStore
    from esja.store.held_files import HeldFileStore
    from esja.web.console_enterprise_routes import console_enterprise_router

    removal = build_enterprise_removal(settings, dynamodb=dynamodb, keys=address_keys, audit=audit)
    enterprises = EnterpriseStore(settings.enterprises_table, dynamodb, address_keys=address_keys)
    spreadsheet = EnterpriseSpreadsheet(enterprises=enterprises, audit=audit, removal=removal)
    desk = ConsoleEnterprises(enterprises=enterprises, spreadsheet=spreadsheet, removal=removal, audit=audit)
    held = HeldFileStore(settings.sessions_table, dynamodb)
    imports = ConsoleImport(spreadsheet=spreadsheet, held_files=held, clock=utc_now)
    mailer, organizers, keys = joining
    return [
        console_enterprise_router(desk, imports, spaces),
        _join_router(
            settings,
            desk,
            dynamodb=dynamodb,
            mailer=mailer,
            organizers=organizers,
            keys=keys,
            address_keys=address_keys,
            audit=audit,
            spaces=spaces,
        ),
    ]


def _join_router(
    settings: Settings,
    enterprises: ConsoleEnterprises,
    *,
    dynamodb: DynamoDBClient,
    mailer: Mailer,
    organizers: OrganizerStore,
    keys: KeySource,
    address_keys: AddressKeys,
    audit: Audit,
    spaces: Spaces,
) -> Router:
    """« Recevoir les alertes »: the requests to join, in the Directory table (esja.store.join_requests)."""
    from esja.joining.links import JoinLinks
    from esja.joining.requests import JoinDesk
    from esja.store.join_requests import JoinRequestStore
    from esja.store.rate_limits import RateLimitStore
    from esja.web.join_routes import join_router

    desk = JoinDesk(
        requests=JoinRequestStore(settings.directory_table, dynamodb),
        organizers=organizers,
        enterprises=enterprises,
        rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
        mailer=mailer,
        sender=settings.sender,
        links=JoinLinks(settings.public_base_url),
        keys=keys,
        address_keys=address_keys,
        audit=audit,
        clock=utc_now,
    )
    return join_router(desk, spaces)


def _console_pledges(
    settings: Settings,
    dynamodb: DynamoDBClient,
    *,
    pledges: PledgeStore,
    organizers: OrganizerStore,
    mailer: Mailer,
    audit: Audit,
) -> ConsolePledges:
    """The console's pledges: verifying them, their buyers, their export, the institutions' domains."""
    from esja.console.buyer_links import BuyerLinks
    from esja.console.domains import DomainList
    from esja.console.pledge_export import PledgeExport
    from esja.console.pledges import PledgeBook
    from esja.web.console_pledge_routes import ConsolePledges

    book = PledgeBook(
        pledges=pledges,
        organizers=organizers,
        mailer=mailer,
        sender=settings.sender,
        pledge_people=_pledge_people(settings, dynamodb),
        audit=audit,
        clock=utc_now,
    )
    return ConsolePledges(
        book=book,
        links=BuyerLinks(pledges=pledges, organizers=organizers, audit=audit, clock=utc_now),
        export=PledgeExport(pledges=pledges, audit=audit, clock=utc_now),
        domains=DomainList(organizers=organizers, audit=audit, clock=utc_now),
    )


def build_organizer_report_router(
    settings: Settings, *, dynamodb: DynamoDBClient, s3: S3Client | None, spaces: Spaces, enterprises: EnterpriseStore
) -> Router:
    """The console's feeds, past digests and programme report (esja.web.organizer_report_routes)."""
    from esja.console.digests import PastDigests
    from esja.console.feeds import FeedWatch
    from esja.store.digest_archive import DigestArchive
    from esja.store.feeds import FeedStateStore
    from esja.store.organizers import OrganizerStore
    from esja.web.organizer_report_routes import organizer_report_router

    settings.require("feeds_table", "archive_bucket", "organizers_table", "tenders_table", "matches_table")
    organizers = OrganizerStore(settings.organizers_table, dynamodb)

    @lru_cache(maxsize=1)
    def reports() -> ProgrammeReports:  # built at the first report: its modules cost every page ~50 ms of CPU
        from esja.console.report import ProgrammeReports
        from esja.store.digest_sources import MatchHistory
        from esja.store.pledges import PledgeStore
        from esja.store.yearly_reports import ReportStore

        pledges = PledgeStore(settings.pledges_table, dynamodb)
        return ProgrammeReports(
            book=_figure_book(settings, dynamodb, enterprises=enterprises, pledges=pledges),
            enterprises=enterprises,
            matches=MatchHistory(settings.matches_table, dynamodb),
            pledges=pledges,
            reports=ReportStore(settings.signatories_table, dynamodb),
            clock=utc_now,
        )

    feeds = FeedWatch(feeds=FeedStateStore(settings.feeds_table, dynamodb), clock=utc_now, configured=settings.feeds)

    @lru_cache(maxsize=1)
    def archive() -> DigestArchive:  # built when first read: an S3 client costs every page ~70 ms of cold start
        return DigestArchive(settings.archive_bucket, s3 or aws_client("s3", config=WEB_AWS_CONFIG))

    digests = PastDigests(open_archive=archive, organizers=organizers)
    return organizer_report_router(feeds, digests, reports, spaces)


def build_calendar_router(settings: Settings, *, dynamodb: DynamoDBClient, keys: KeySource) -> Router:
    """« Ajouter à mon agenda »: a tender's closing as an event, for the web function."""
    from urllib.parse import urlsplit

    from esja.alerts.calendar import ClosingEvents
    from esja.alerts.links import SubscriberLinks
    from esja.store.tenders import TenderStore
    from esja.web.calendar_routes import calendar_router

    settings.require("tenders_table", "public_base_url")
    events = ClosingEvents(
        TenderStore(settings.tenders_table, dynamodb),
        SubscriberLinks(settings.public_base_url, keys),
        uid_domain=urlsplit(settings.public_base_url).hostname or "esja",
        clock=utc_now,
    )
    return calendar_router(events, settings.sender)


def build_subscriber_choices(settings: Settings, *, dynamodb: DynamoDBClient, keys: KeySource) -> SubscriberChoices:
    """Unsubscribe and preferences, for the pages the links in the alerts open."""
    from esja.alerts.choices import SubscriberChoices
    from esja.alerts.links import SubscriberLinks
    from esja.store.subscriptions import SubscriptionStore

    settings.require("subscriptions_table", "public_base_url")
    return SubscriberChoices(
        SubscriptionStore(settings.subscriptions_table, dynamodb),
        SubscriberLinks(settings.public_base_url, keys),
        utc_now,
    )


class ProfileSpace(NamedTuple):
    """The use cases of the enterprises' own profiles, for their pages."""

    profiles: EnterpriseProfiles
    preview: ProfilePreview
    codes: CodeChoice


def build_profile_space(
    settings: Settings, *, enterprises: EnterpriseStore, audit: Audit, s3: S3Client | None = None
) -> ProfileSpace:
    """Profiles, their live preview on the recent tenders' snapshot (read at the first preview, checked for
    a newer one once a minute), and the code list completed by the codes those tenders carry."""
    from esja.enterprise_space.codes import CodeChoice
    from esja.enterprise_space.preview import ProfilePreview
    from esja.enterprise_space.profiles import EnterpriseProfiles
    from esja.enterprise_space.recent_tenders import LatestRecentTenders
    from esja.store.recent_tenders import RecentTendersObject

    settings.require("reference_bucket")

    class LazyS3Snapshot:
        """The S3 client built at the first preview: it costs every other page ~70 ms of cold start."""

        @cached_property
        def _object(self) -> RecentTendersObject:
            return RecentTendersObject(settings.reference_bucket, s3 or aws_client("s3", config=WEB_AWS_CONFIG))

        def read(self, unless: str | None) -> StoredSnapshot | NotModified | None:
            return self._object.read(unless)

    recent = LatestRecentTenders(LazyS3Snapshot(), utc_now)
    profiles = EnterpriseProfiles(profiles=enterprises, audit=audit)
    return ProfileSpace(profiles, ProfilePreview(profiles=profiles, recent=recent), CodeChoice(recent=recent))


def build_digest_router(settings: Settings, *, keys: KeySource, s3: S3Client | None = None) -> Router:
    """The archived digests the organizers' e-mails link to, for the web function."""
    from esja.digest.links import DigestLinks
    from esja.store.digest_archive import DigestArchive
    from esja.web.digest_routes import digest_router

    settings.require("archive_bucket", "public_base_url")

    @lru_cache(maxsize=1)
    def archive() -> DigestArchive:
        # Built at the first request for an archive: an S3 client costs every page ~70 ms of cold start.
        return DigestArchive(settings.archive_bucket, s3 or aws_client("s3", config=WEB_AWS_CONFIG))

    return digest_router(archive=archive, links=DigestLinks(settings.public_base_url, keys), sender=settings.sender)


# --- weekly_digest ---


def build_report_reminders(
    settings: Settings | None = None, *, dynamodb: DynamoDBClient | None = None, sesv2: SESV2Client | None = None
) -> ReportReminders:
    """remind_reports: a yearly report's reminders, on its region's due date and once more a month later."""
    from esja.signatory_space.reminders import ReportReminders
    from esja.store.notices import NoticeRecords
    from esja.store.pledges import PledgeStore
    from esja.store.yearly_reports import ReportStore

    settings = _read(settings, "signatories_table", "pledges_table", "sender_email", "public_base_url")
    dynamodb = dynamodb or aws_client("dynamodb")
    return ReportReminders(
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        reports=ReportStore(settings.signatories_table, dynamodb),
        sends=NoticeRecords(settings.signatories_table, dynamodb),
        mailer=_mailer(
            settings, sesv2 or aws_client("sesv2"), configuration_set=settings.ses_configuration_set or None
        ),
        sender=settings.sender,
        public_base_url=settings.public_base_url,
        clock=utc_now,
    )


def build_digest_service(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    s3: S3Client | None = None,
    sesv2: SESV2Client | None = None,
    sending: bool = True,
) -> DigestService:
    """The weekly digest; `sending=False` builds it for previews (no archive, no SES)."""
    # Imported here: the digest's templates and stores are for weekly_digest and the CLI only.
    from esja.digest.links import DigestLinks
    from esja.digest.service import DigestService
    from esja.store.digest_archive import DigestArchive
    from esja.store.digest_figures import DigestFigureStore
    from esja.store.digest_sources import MatchHistory, SubscriptionEvents, TenderWeeks
    from esja.store.enterprises import EnterpriseStore
    from esja.store.feedback import FeedbackStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.store.send_records import SendRecords, digest_key

    settings = _read(
        settings,
        "organizers_table",
        "tenders_table",
        "matches_table",
        "enterprises_table",
        "pledges_table",
        "subscriptions_table",
        "public_base_url",
    )
    dynamodb = dynamodb or aws_client("dynamodb")
    archive, mailer = None, None
    if sending:
        settings.require("archive_bucket", "sender_email")
        archive = DigestArchive(settings.archive_bucket, s3 or aws_client("s3"))
        # A few organizers: one e-mail a second stays under any SES account's rate, without asking SES.
        mailer = _mailer(
            settings,
            sesv2 or aws_client("sesv2"),
            max_per_second=settings.ses_max_send_rate or 1.0,
            configuration_set=settings.ses_configuration_set or None,  # the digest's own: its bounces are seen
        )
    return DigestService(
        organizers=OrganizerStore(settings.organizers_table, dynamodb),
        tenders=TenderWeeks(settings.tenders_table, dynamodb),
        matches=MatchHistory(settings.matches_table, dynamodb),
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb),
        votes=FeedbackStore(settings.matches_table, dynamodb),
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        events=SubscriptionEvents(settings.subscriptions_table, dynamodb),
        sends=SendRecords(settings.organizers_table, dynamodb, key=digest_key),
        archive=archive,
        mailer=mailer,
        links=DigestLinks(settings.public_base_url, signing_keys(settings)),
        sender=settings.sender,
        clock=utc_now,
        figures=DigestFigureStore(settings.organizers_table, dynamodb) if sending else None,
    )


def build_figure_book(settings: Settings | None = None) -> FigureBook:
    """`esja digest figures`: the digest's figures of past weeks, worked out and kept (esja.digest.figure_book)."""
    from esja.store.digest_sources import MatchHistory
    from esja.store.enterprises import EnterpriseStore
    from esja.store.pledges import PledgeStore

    settings = _read(
        settings, "organizers_table", "tenders_table", "matches_table", "enterprises_table", "pledges_table"
    )
    dynamodb = aws_client("dynamodb")
    return _figure_book(
        settings,
        dynamodb,
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb),
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        matches=MatchHistory(settings.matches_table, dynamodb),
    )


def _figure_book(
    settings: Settings,
    dynamodb: DynamoDBClient,
    *,
    enterprises: EnterpriseStore,
    pledges: PledgeStore,
    matches: MatchHistory | None = None,  # to record contracts won (the command line): the web only reads
) -> FigureBook:
    from esja.digest.figure_book import FigureBook
    from esja.store.digest_figures import DigestFigureStore
    from esja.store.digest_sources import TenderWeeks
    from esja.store.organizers import OrganizerStore

    return FigureBook(
        tenders=TenderWeeks(settings.tenders_table, dynamodb),
        enterprises=enterprises,
        pledges=pledges,
        organizers=OrganizerStore(settings.organizers_table, dynamodb),
        figures=DigestFigureStore(settings.organizers_table, dynamodb),
        matches=matches,
        clock=utc_now,
    )


# --- the command line's own use cases ---


def build_enterprise_spreadsheet(settings: Settings | None = None, *, prune: bool = False) -> EnterpriseSpreadsheet:
    """`esja enterprises import/export`, audited as the console's. `prune`: imports may remove the enterprises a
    file leaves out (the removal's tables are needed)."""
    from esja.enterprises.spreadsheet import EnterpriseSpreadsheet
    from esja.store.enterprises import EnterpriseStore

    settings = _read(settings, "enterprises_table", "audit_table")
    dynamodb, keys = aws_client("dynamodb"), address_keys(settings)
    enterprises = EnterpriseStore(settings.enterprises_table, dynamodb, address_keys=keys)
    audit = _audit(settings, dynamodb)
    removal = build_enterprise_removal(settings, dynamodb=dynamodb, keys=keys, audit=audit) if prune else None
    return EnterpriseSpreadsheet(enterprises=enterprises, audit=audit, removal=removal)


def build_enterprise_removal(
    settings: Settings | None = None,
    *,
    dynamodb: DynamoDBClient | None = None,
    keys: AddressKeys | None = None,
    audit: Audit | None = None,
) -> EnterpriseRemoval:
    """`esja enterprises remove`, and the console's removal (`audit`: the web function's)."""
    from esja.enterprises.removal import EnterpriseRemoval
    from esja.store.directory import DirectoryStore
    from esja.store.enterprises import EnterpriseStore
    from esja.store.feedback import FeedbackStore
    from esja.store.matches import MatchStore
    from esja.store.subscriptions import SubscriptionStore

    tables = ("enterprises_table", "matches_table", "subscriptions_table", "directory_table", "audit_table")
    settings = _read(settings, *tables)
    dynamodb, keys = dynamodb or aws_client("dynamodb"), keys or address_keys(settings)
    return EnterpriseRemoval(
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb, address_keys=keys),
        matches=MatchStore(settings.matches_table, dynamodb),
        votes=FeedbackStore(settings.matches_table, dynamodb),
        subscriptions=SubscriptionStore(settings.subscriptions_table, dynamodb),
        listings=DirectoryStore(settings.directory_table, dynamodb),
        address_keys=keys,
        audit=audit or _audit(settings, dynamodb),
        clock=utc_now,
    )


def build_pledge_export(settings: Settings | None = None) -> PledgeExport:
    """`esja pledges export`: the console's export, audited alike."""
    from esja.console.pledge_export import PledgeExport
    from esja.store.pledges import PledgeStore

    settings = _read(settings, "pledges_table", "audit_table")
    dynamodb = aws_client("dynamodb")
    return PledgeExport(
        pledges=PledgeStore(settings.pledges_table, dynamodb), audit=_audit(settings, dynamodb), clock=utc_now
    )


def build_buyer_links(settings: Settings | None = None) -> BuyerLinks:
    """`esja pledges link`: the console's links between signatories and buyers, audited alike."""
    from esja.console.buyer_links import BuyerLinks
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore

    settings = _read(settings, "pledges_table", "organizers_table", "audit_table")
    dynamodb = aws_client("dynamodb")
    return BuyerLinks(
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        organizers=OrganizerStore(settings.organizers_table, dynamodb),
        audit=_audit(settings, dynamodb),
        clock=utc_now,
    )


def build_digest_setup(settings: Settings | None = None) -> DigestSetup:
    from esja.digest.setup import DigestSetup
    from esja.store.organizers import OrganizerStore

    settings = _read(settings, "organizers_table")
    return DigestSetup(OrganizerStore(settings.organizers_table, aws_client("dynamodb")))


def build_address_rekeying(settings: Settings | None = None) -> AddressRekeying:
    """`esja people rekey` (esja.people.rekey)."""
    from esja.people.rekey import AddressRekeying
    from esja.store.enterprises import EnterpriseStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore
    from esja.store.subscriptions import SubscriptionStore

    settings = _read(settings, "subscriptions_table", "pledges_table", "enterprises_table", "organizers_table")
    dynamodb, keys = aws_client("dynamodb"), address_keys(settings)
    return AddressRekeying(
        subscriptions=SubscriptionStore(settings.subscriptions_table, dynamodb),
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb, address_keys=keys),
        organizers=OrganizerStore(settings.organizers_table, dynamodb),
        address_keys=keys,
        clock=utc_now,
    )


# --- plumbing ---


def _audit(settings: Settings, dynamodb: DynamoDBClient) -> Audit:
    from esja.audit.log import Audit
    from esja.store.audit_log import AuditLogStore

    return Audit(AuditLogStore(settings.audit_table, dynamodb), utc_now)


def _pledge_people(settings: Settings, dynamodb: DynamoDBClient) -> PledgePeople:
    """A pledge's signer and colleagues, whose sessions end as the pledge stops opening the signatories' space."""
    from esja.signatory_space.colleagues import PledgePeople
    from esja.store.colleagues import ColleagueStore
    from esja.store.sessions import SessionStore

    return PledgePeople(
        colleagues=ColleagueStore(settings.signatories_table, dynamodb),
        sessions=SessionStore(settings.sessions_table, dynamodb),
    )


def _sender(settings: Settings) -> dict[str, Any]:
    """Who every e-mail is from; a reply reaches the programme's contact, not the sending address."""
    return {
        "sender_email": settings.sender_email,
        "sender_name": settings.sender.organisation,
        "reply_to": settings.sender.contact_email or None,
    }


def _mailer(
    settings: Settings,
    sesv2: SESV2Client,
    *,
    max_per_second: float | None = None,
    configuration_set: str | None = None,
) -> Mailer:
    from esja.mail.mailer import Mailer

    return Mailer(sesv2, configuration_set=configuration_set, max_per_second=max_per_second, **_sender(settings))
