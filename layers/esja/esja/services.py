"""Composition: the use cases wired to their AWS adapters, built once per container from Settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from esja.config import Settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

    from esja.alerts.service import AlertService
    from esja.digest.service import DigestService
    from esja.digest.signatories import SignatoryIndex
    from esja.geo import Gazetteer
    from esja.ingest.poll import PollService
    from esja.matching.service import MatchService
    from esja.pledges.service import PledgeService
    from esja.sources.http import HttpFetcher
    from esja.store.subscriptions import SubscriptionStore
    from esja.tokens import KeySource

# Each build_* function imports what its use case needs, so no function pays for another's at cold start.

# Adaptive retries absorb throttling; short timeouts keep a stuck call from eating the Lambda's time.
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


def utc_now() -> datetime:
    return datetime.now(UTC)


def aws_client(service: str, session: boto3.Session | None = None, *, config: Config = AWS_CONFIG) -> Any:
    """A client honouring AWS_ENDPOINT_URL (moto locally) through boto3's own configuration."""
    return (session or _session()).client(service, config=config)  # type: ignore[call-overload]


@lru_cache(maxsize=1)
def _session() -> boto3.Session:
    """One session per container: each new one costs ~50 ms of cold start (it loads botocore's data)."""
    return boto3.Session()


def build_poll_service(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient | None = None,
    sqs: SQSClient | None = None,
    s3: S3Client | None = None,
    fetcher: HttpFetcher | None = None,
) -> PollService:
    from esja.geo import RegionInferrer
    from esja.ingest.poll import PollService
    from esja.sources.http import HttpFetcher
    from esja.store.feeds import FeedStateStore
    from esja.store.match_queue import MatchQueue
    from esja.store.tenders import TenderStore

    settings.require("tenders_table", "feeds_table", "match_queue_url")
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
        enrich=RegionInferrer(gazetteer(settings, fetcher, s3)).with_regions,
        seao_backfill_weeks=settings.seao_backfill_weeks,
        max_linked_releases=settings.max_linked_releases,
    )


def gazetteer(settings: Settings, fetcher: HttpFetcher, s3: S3Client | None = None) -> Gazetteer:
    """The official municipalities list (fetched, cached in S3) when a bucket is configured; else bundled."""
    from esja.geo import Gazetteer

    if not settings.reference_bucket:
        return Gazetteer.bundled()
    from esja.ingest.reference_data import official_gazetteer
    from esja.store.reference_files import ReferenceFiles

    cache = ReferenceFiles(settings.reference_bucket, s3 or aws_client("s3"))
    return official_gazetteer(fetcher, cache, utc_now(), settings.municipalities_url)


def build_match_service(settings: Settings, *, dynamodb: DynamoDBClient | None = None) -> MatchService:
    # Imported here so the other functions do not pay for the matcher's stemmers at cold start.
    from esja.matching.service import MatchService
    from esja.store.enterprises import EnterpriseStore
    from esja.store.matches import MatchStore
    from esja.store.tenders import TenderStore

    settings.require("tenders_table", "enterprises_table", "matches_table")
    dynamodb = dynamodb or aws_client("dynamodb")
    return MatchService(
        tenders=TenderStore(settings.tenders_table, dynamodb),
        profiles=EnterpriseStore(settings.enterprises_table, dynamodb),
        matches=MatchStore(settings.matches_table, dynamodb),
        clock=utc_now,
    )


def build_alert_service(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient | None = None,
    sesv2: SESV2Client | None = None,
    sending: bool = True,
) -> AlertService:
    """The alerts use case; `sending=False` builds it for previews (no SES client, no rate lookup)."""
    # Imported here: Jinja2 and Babel are for the functions that render e-mails.
    from esja.alerts.links import SubscriberLinks
    from esja.alerts.service import AlertService
    from esja.mail.mailer import Mailer
    from esja.store.enterprises import EnterpriseStore
    from esja.store.matches import MatchStore
    from esja.store.subscriptions import SubscriptionStore
    from esja.store.tenders import TenderStore

    settings.require("enterprises_table", "matches_table", "tenders_table", "subscriptions_table", "public_base_url")
    dynamodb = dynamodb or aws_client("dynamodb")
    mailer = None
    if sending:
        settings.require("sender_email", "ses_configuration_set")
        options: dict[str, Any] = {
            "sender_email": settings.sender_email,
            "sender_name": settings.sender.organisation,
            "reply_to": settings.sender.contact_email or None,
            "configuration_set": settings.ses_configuration_set,
        }
        sesv2 = sesv2 or aws_client("sesv2")
        rate = settings.ses_max_send_rate
        mailer = Mailer(sesv2, max_per_second=rate, **options) if rate else Mailer.at_account_rate(sesv2, **options)
    return AlertService(
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb),
        matches=MatchStore(settings.matches_table, dynamodb),
        tenders=TenderStore(settings.tenders_table, dynamodb),
        subscriptions=SubscriptionStore(settings.subscriptions_table, dynamodb),
        mailer=mailer,
        links=SubscriberLinks(settings.public_base_url, signing_keys(settings)),
        sender=settings.sender,
        clock=utc_now,
        signatories=signatory_index(settings, dynamodb),
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


def build_subscription_store(settings: Settings, *, dynamodb: DynamoDBClient | None = None) -> SubscriptionStore:
    from esja.store.subscriptions import SubscriptionStore

    settings.require("subscriptions_table")
    return SubscriptionStore(settings.subscriptions_table, dynamodb or aws_client("dynamodb"))


def build_subscription_router(settings: Settings, *, dynamodb: DynamoDBClient, keys: KeySource) -> Any:
    """Unsubscribe and preferences pages, for the web function."""
    from esja.alerts.links import SubscriberLinks
    from esja.web.subscription_routes import subscription_router

    settings.require("public_base_url")
    return subscription_router(
        subscriptions=build_subscription_store(settings, dynamodb=dynamodb),
        links=SubscriberLinks(settings.public_base_url, keys),
        sender=settings.sender,
        clock=utc_now,
    )


def signing_keys(settings: Settings, *, config: Config = AWS_CONFIG) -> KeySource:
    """Keys for signed links: SIGNING_KEYS locally; in AWS, the secret {"previous", "current", "next"},
    re-read every few minutes (esja.store.signing_keys)."""
    from esja.tokens import SigningKeys

    if settings.signing_keys:
        return SigningKeys.from_list(settings.signing_keys)
    settings.require("signing_keys_secret_arn")
    from esja.store.signing_keys import SecretSigningKeys

    return SecretSigningKeys(settings.signing_keys_secret_arn, aws_client("secretsmanager", config=config))


def build_pledge_service(
    settings: Settings, *, dynamodb: DynamoDBClient, sesv2: SESV2Client, keys: KeySource
) -> PledgeService:
    from esja.mail.mailer import Mailer
    from esja.mail.pledge_confirmation import PledgeConfirmationMailer
    from esja.pledges.links import PledgeLinks
    from esja.pledges.service import PledgeService
    from esja.store.pledges import PledgeStore
    from esja.store.rate_limits import RateLimitStore

    settings.require("pledges_table", "rate_limits_table", "sender_email", "public_base_url")
    mailer = Mailer(
        sesv2,
        sender_email=settings.sender_email,
        sender_name=settings.sender.organisation,
        reply_to=settings.sender.contact_email or None,
        configuration_set=settings.ses_configuration_set or None,
    )
    return PledgeService(
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        rate_limits=RateLimitStore(settings.rate_limits_table, dynamodb),
        confirmations=PledgeConfirmationMailer(mailer, settings.sender),
        links=PledgeLinks(settings.public_base_url),
        keys=keys,
        clock=utc_now,
    )


def build_web_app(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient | None = None,
    sesv2: SESV2Client | None = None,
    s3: S3Client | None = None,
) -> Any:
    """The public web function's resolver, with every feature's router; its AWS clients fail fast."""
    from esja.alerts.links import ONE_CLICK_PATH
    from esja.web.app import create_app
    from esja.web.openapi import add_openapi_route
    from esja.web.pledge_routes import pledge_router

    settings.require("public_base_url")
    dynamodb = dynamodb or aws_client("dynamodb", config=WEB_AWS_CONFIG)
    sesv2 = sesv2 or aws_client("sesv2", config=WEB_AWS_CONFIG)
    keys = signing_keys(settings, config=WEB_AWS_CONFIG)
    routers = [
        pledge_router(build_pledge_service(settings, dynamodb=dynamodb, sesv2=sesv2, keys=keys), settings.sender),
        build_subscription_router(settings, dynamodb=dynamodb, keys=keys),
        build_calendar_router(settings, dynamodb=dynamodb, keys=keys),
        build_digest_router(settings, keys=keys, s3=s3),
    ]
    cross_site_posts = [ONE_CLICK_PATH]  # RFC 8058: mail providers POST it from their own servers
    app = create_app(
        public_base_url=settings.public_base_url,
        sender=settings.sender,
        routers=routers,
        cross_site_posts=cross_site_posts,
    )
    add_openapi_route(app)
    return app


def build_calendar_router(settings: Settings, *, dynamodb: DynamoDBClient, keys: KeySource) -> Any:
    """« Ajouter à mon agenda »: a tender's closing as an event, for the web function."""
    from esja.alerts.links import SubscriberLinks
    from esja.store.tenders import TenderStore
    from esja.web.calendar_routes import calendar_router

    settings.require("tenders_table", "public_base_url")
    return calendar_router(
        tenders=TenderStore(settings.tenders_table, dynamodb),
        links=SubscriberLinks(settings.public_base_url, keys),
        public_base_url=settings.public_base_url,
        sender=settings.sender,
        clock=utc_now,
    )


def build_digest_router(settings: Settings, *, keys: KeySource, s3: S3Client | None = None) -> Any:
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


def build_digest_service(
    settings: Settings,
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
    from esja.mail.mailer import Mailer
    from esja.store.digest_archive import DigestArchive
    from esja.store.digest_sources import MatchHistory, SubscriptionEvents, TenderWeeks
    from esja.store.enterprises import EnterpriseStore
    from esja.store.organizers import OrganizerStore
    from esja.store.pledges import PledgeStore

    settings.require(
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
        mailer = Mailer(
            sesv2 or aws_client("sesv2"),
            sender_email=settings.sender_email,
            sender_name=settings.sender.organisation,
            configuration_set=settings.ses_configuration_set or None,  # the digest's own: its bounces are seen
            reply_to=settings.sender.contact_email or None,
            max_per_second=settings.ses_max_send_rate or 1.0,
        )
    return DigestService(
        organizers=OrganizerStore(settings.organizers_table, dynamodb),
        tenders=TenderWeeks(settings.tenders_table, dynamodb),
        matches=MatchHistory(settings.matches_table, dynamodb),
        enterprises=EnterpriseStore(settings.enterprises_table, dynamodb),
        pledges=PledgeStore(settings.pledges_table, dynamodb),
        events=SubscriptionEvents(settings.subscriptions_table, dynamodb),
        archive=archive,
        mailer=mailer,
        links=DigestLinks(settings.public_base_url, signing_keys(settings)),
        sender=settings.sender,
        clock=utc_now,
    )
