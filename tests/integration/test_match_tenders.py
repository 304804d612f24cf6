"""match_tenders on moto: matches written once, updates for amended and cancelled tenders, retries."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from esja.ingest.changes import Change, plan_change
from esja.model import Category, Classification, Enterprise, Profile, Status, Tender, Text
from esja.store.enterprises import EnterpriseStore
from esja.store.match_queue import message
from esja.store.matches import MatchStore
from esja.store.tenders import TenderStore
from local.runtime import LocalAws
from tests.moto_tables import LOCAL_KEYS

MATCH = "MatchTendersFunction"
QUIET = {"POWERTOOLS_LOG_LEVEL": "CRITICAL", "POWERTOOLS_METRICS_DISABLED": "true"}
NOW = datetime.now(UTC)

CLEANING = Tender(
    source="seao",
    native_id="ocds-ec9k95-1",
    revision="20261116150000",
    title=Text("Entretien ménager des édifices municipaux"),
    status=Status.OPEN,
    classifications=(Classification("UNSPSC", "76111500", Text("Services de nettoyage")),),
    category=Category.SERVICES,
    closing_at=NOW + timedelta(days=20),
)
COOP = Enterprise("coop-proprete", "Coopérative de propreté", legal_form="coop")
PROFILE = Profile("coop-proprete", "menage", "Entretien ménager", unspsc=("7611",), keywords=("entretien ménager",))


def store_tender(aws: LocalAws, tender: Tender) -> Change:
    tenders = TenderStore(aws.resources.names["TendersTable"], aws.client("dynamodb"))
    stored = tenders.get(tender.key)
    change = plan_change(tender, stored[1] if stored else None, NOW)
    assert isinstance(change, Change)
    tenders.write([change])
    return change


def sqs_event(*changes: Change) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m{n}",
                "receiptHandle": f"r{n}",
                "body": json.dumps(message(change)),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ca-central-1:123456789012:esja-local-MatchQueue",
                "awsRegion": "ca-central-1",
            }
            for n, change in enumerate(changes)
        ]
    }


def matches(aws: LocalAws) -> MatchStore:
    return MatchStore(aws.resources.names["MatchesTable"], aws.client("dynamodb"))


def items(aws: LocalAws, enterprise_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = aws.client("dynamodb").query(
        TableName=aws.resources.names["MatchesTable"],
        KeyConditionExpression="enterprise_id = :e",
        ExpressionAttributeValues={":e": {"S": enterprise_id}},
    )["Items"]
    return found


@pytest.fixture
def with_profiles(aws: LocalAws) -> EnterpriseStore:
    store = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"), address_keys=LOCAL_KEYS)
    store.save([COOP], [PROFILE])
    return store


def test_cleaning_coop_is_matched_once_with_its_reasons(aws: LocalAws, with_profiles: EnterpriseStore) -> None:
    change = store_tender(aws, CLEANING)

    first = aws.invoke(MATCH, sqs_event(change), QUIET)
    replay = aws.invoke(MATCH, sqs_event(change), QUIET)

    assert first == replay == {"batchItemFailures": []}
    [stored] = matches(aws).matches_of("coop-proprete")
    assert stored.match.tender_key == "seao:ocds-ec9k95-1" and stored.profile_ids == ("menage",)
    assert any("76111500" in reason.fr for reason in stored.match.reasons)
    assert len(items(aws, "coop-proprete")) == 1


def test_addendum_of_a_matched_tender_is_recorded_as_an_update(aws: LocalAws, with_profiles: EnterpriseStore) -> None:
    aws.invoke(MATCH, sqs_event(store_tender(aws, CLEANING)), QUIET)
    addendum = store_tender(aws, replace(CLEANING, revision="20261120150000", closing_at=NOW + timedelta(days=30)))

    aws.invoke(MATCH, sqs_event(addendum), QUIET)
    aws.invoke(MATCH, sqs_event(addendum), QUIET)

    kinds = sorted((i["kind"]["S"], i.get("change", {}).get("S", "")) for i in items(aws, "coop-proprete"))
    assert kinds == [("match", ""), ("update", "amended")]


def test_cancellation_of_a_matched_tender_is_recorded_and_never_matched_anew(
    aws: LocalAws, with_profiles: EnterpriseStore
) -> None:
    aws.invoke(MATCH, sqs_event(store_tender(aws, CLEANING)), QUIET)
    cancelled = store_tender(aws, replace(CLEANING, revision="20261121150000", status=Status.CANCELLED))

    aws.invoke(MATCH, sqs_event(cancelled), QUIET)

    kinds = sorted((i["kind"]["S"], i.get("change", {}).get("S", "")) for i in items(aws, "coop-proprete"))
    assert kinds == [("match", ""), ("update", "cancelled")]


def test_tender_not_yet_readable_is_retried_not_lost(aws: LocalAws, with_profiles: EnterpriseStore) -> None:
    change = plan_change(CLEANING, None, NOW)
    assert isinstance(change, Change)

    # Every record of the batch failed: the invocation fails and the whole batch goes back to the queue.
    with pytest.raises(BatchProcessingError):
        aws.invoke(MATCH, sqs_event(change), QUIET)

    store_tender(aws, CLEANING)
    assert aws.invoke(MATCH, sqs_event(change), QUIET) == {"batchItemFailures": []}
    assert len(matches(aws).matches_of("coop-proprete")) == 1


def test_a_malformed_message_fails_alone(aws: LocalAws, with_profiles: EnterpriseStore) -> None:
    event = sqs_event(store_tender(aws, CLEANING))
    event["Records"].append({**event["Records"][0], "messageId": "bad", "body": "not json"})

    answer = aws.invoke(MATCH, event, QUIET)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert len(matches(aws).matches_of("coop-proprete")) == 1


def test_new_profiles_are_used_by_a_warm_container(aws: LocalAws, with_profiles: EnterpriseStore) -> None:
    snow = store_tender(
        aws,
        replace(
            CLEANING,
            native_id="ocds-ec9k95-2",
            title=Text("Déneigement des stationnements"),
            classifications=(Classification("UNSPSC", "72102903", Text("Déneigement")),),
        ),
    )
    aws.invoke(MATCH, sqs_event(snow), QUIET)
    assert matches(aws).matches_of("coop-deneigement") == []
    plow = Profile("coop-deneigement", "hiver", unspsc=("72102903",), max_value=Decimal(100000))
    with_profiles.save([Enterprise("coop-deneigement", "Coop de déneigement")], [plow])

    aws.invoke(MATCH, sqs_event(snow), QUIET)

    assert len(matches(aws).matches_of("coop-deneigement")) == 1
