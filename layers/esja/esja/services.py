"""Composition: the use cases wired to their AWS adapters, built once per container from Settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from esja.config import Settings
from esja.geo import Gazetteer, RegionInferrer
from esja.ingest.poll import PollService
from esja.sources.http import HttpFetcher
from esja.store.feeds import FeedStateStore
from esja.store.match_queue import MatchQueue
from esja.store.tenders import TenderStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from esja.matching.service import MatchService

# Adaptive retries absorb throttling; short timeouts keep a stuck call from eating the Lambda's time.
AWS_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 10},
    connect_timeout=5,
    read_timeout=20,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def aws_client(service: str, session: boto3.Session | None = None) -> Any:
    """A client honouring AWS_ENDPOINT_URL (moto locally) through boto3's own configuration."""
    return (session or boto3.Session()).client(service, config=AWS_CONFIG)  # type: ignore[call-overload]


def build_poll_service(
    settings: Settings,
    *,
    dynamodb: DynamoDBClient | None = None,
    sqs: SQSClient | None = None,
    s3: S3Client | None = None,
    fetcher: HttpFetcher | None = None,
) -> PollService:
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
    )


def gazetteer(settings: Settings, fetcher: HttpFetcher, s3: S3Client | None = None) -> Gazetteer:
    """The official municipalities list (fetched, cached in S3) when a bucket is configured; else bundled."""
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

    settings.require("tenders_table", "enterprises_table", "matches_table")
    dynamodb = dynamodb or aws_client("dynamodb")
    return MatchService(
        tenders=TenderStore(settings.tenders_table, dynamodb),
        profiles=EnterpriseStore(settings.enterprises_table, dynamodb),
        matches=MatchStore(settings.matches_table, dynamodb),
        clock=utc_now,
    )


def signing_keys(settings: Settings) -> tuple[str, ...]:
    """Keys for signed links: SIGNING_KEYS locally; in AWS, the secret {"previous": …, "current": …}."""
    if settings.signing_keys:
        return settings.signing_keys
    settings.require("signing_keys_secret_arn")
    from aws_lambda_powertools.utilities.parameters import get_secret

    secret = json.loads(str(get_secret(settings.signing_keys_secret_arn, max_age=3600)))
    return tuple(key for key in (secret.get("previous"), secret.get("current")) if key)


def build_web_app(settings: Settings, *, dynamodb: DynamoDBClient | None = None, sesv2: Any = None) -> Any:
    """The public web function's resolver, with every feature's router."""
    from esja.web.app import create_app

    settings.require("public_base_url")
    routers: list[Any] = []
    cross_site_posts: list[str] = []
    return create_app(public_base_url=settings.public_base_url, routers=routers, cross_site_posts=cross_site_posts)
