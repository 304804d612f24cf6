"""ses_events on moto: bounces and complaints suppress the address, once; the next run leaves it out."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from local.runtime import ROOT, LocalAws
from tests.alert_builders import QUIET, AlertWorld, emails_to, enterprise, subscriber, tender
from tests.moto_tables import LOCAL_KEYS

SES_EVENTS = "SesEventsFunction"
JULIE = "direction@coop.example.org"  # the address in events/ses_*.json
ALEX = "partners@voisins.example.org"
# The sample events come from the stack named "esja": its alerts go through the configuration set esja-alerts.
AS_DEPLOYED = {"SES_CONFIGURATION_SET": "esja-alerts"}
LOUD = {"POWERTOOLS_LOG_LEVEL": "INFO", "POWERTOOLS_METRICS_DISABLED": "true", **AS_DEPLOYED}
QUIET_EVENTS = QUIET | AS_DEPLOYED


def event(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "events" / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def suppression_item(aws: LocalAws) -> dict[str, Any] | None:
    key = {"pk": {"S": f"address#{LOCAL_KEYS(JULIE)}"}, "sk": {"S": "state#suppressed"}}
    table = aws.resources.names["SubscriptionsTable"]
    item: dict[str, Any] | None = aws.client("dynamodb").get_item(TableName=table, Key=key).get("Item")
    return item


@pytest.fixture
def world(aws: LocalAws) -> AlertWorld:
    world = AlertWorld(aws)
    world.add(
        [
            enterprise("coop", subscriber(JULIE), name="Coop de propreté"),
            enterprise("voisins", subscriber(ALEX, language="en"), name="Les Voisins"),
        ]
    )
    return world


def test_a_permanent_bounce_suppresses_the_address(aws: LocalAws) -> None:
    answer = aws.invoke(SES_EVENTS, event("ses_bounce"), QUIET_EVENTS)

    assert answer == {"suppressed": 1, "already": 0, "ignored": 0}
    item = suppression_item(aws)
    assert item is not None and item["reason"]["S"] == "bounce" and item["detail"]["S"] == "Permanent/General"


def test_handling_the_same_event_twice_changes_nothing(aws: LocalAws) -> None:
    aws.invoke(SES_EVENTS, event("ses_bounce"), QUIET_EVENTS)
    before = suppression_item(aws)

    again = aws.invoke(SES_EVENTS, event("ses_bounce"), QUIET_EVENTS)
    complaint_later = aws.invoke(SES_EVENTS, event("ses_complaint"), QUIET_EVENTS)

    assert again == complaint_later == {"suppressed": 0, "already": 1, "ignored": 0}
    assert suppression_item(aws) == before


def test_a_transient_bounce_suppresses_nothing(aws: LocalAws) -> None:
    assert aws.invoke(SES_EVENTS, event("ses_transient_bounce"), QUIET_EVENTS) == {
        "suppressed": 0,
        "already": 0,
        "ignored": 1,
    }
    assert suppression_item(aws) is None


def test_a_complaint_suppresses_the_address(aws: LocalAws) -> None:
    aws.invoke(SES_EVENTS, event("ses_complaint"), QUIET_EVENTS)

    item = suppression_item(aws)
    assert item is not None and item["reason"]["S"] == "complaint"


def through(name: str, configuration_set: str) -> dict[str, Any]:
    """A sample event, about mail sent through another configuration set of the stack."""
    sample = event(name)
    message = json.loads(sample["Records"][0]["Sns"]["Message"])
    message["mail"]["tags"]["ses:configuration-set"] = [configuration_set]
    sample["Records"][0]["Sns"]["Message"] = json.dumps(message)
    return sample


def test_a_complaint_about_a_pledge_confirmation_does_not_stop_the_alerts(aws: LocalAws) -> None:
    # Anyone can type an address into the pledge form: complaining about that e-mail is no unsubscribe.
    answer = aws.invoke(SES_EVENTS, through("ses_complaint", "esja-transactional"), QUIET_EVENTS)

    assert answer == {"suppressed": 0, "already": 0, "ignored": 1} and suppression_item(aws) is None


def test_a_digest_that_bounces_for_good_is_seen_and_suppresses_the_address(aws: LocalAws) -> None:
    answer = aws.invoke(SES_EVENTS, through("ses_bounce", "esja-digest"), QUIET_EVENTS)

    item = suppression_item(aws)
    assert answer["suppressed"] == 1 and item is not None and item["reason"]["S"] == "bounce"


def test_the_function_knows_which_configuration_set_carries_the_alerts(aws: LocalAws) -> None:
    assert (
        aws.environment(SES_EVENTS)["SES_CONFIGURATION_SET"]
        == aws.environment("SendAlertsFunction")["SES_CONFIGURATION_SET"]
    )


def test_a_bounce_then_a_new_run_leaves_the_address_out_and_serves_the_others(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    world.run("daily", "2026-11-20T12:00:00Z")
    world.aws.invoke(SES_EVENTS, event("ses_bounce"), QUIET_EVENTS)

    world.match("coop", tender("b", "Vitres"))
    world.match("voisins", tender("c"))
    report = world.run("daily", "2026-11-21T12:00:00Z")

    assert report["suppressed"] == 1 and report["sent"] == 1
    assert len(emails_to(JULIE)) == 1 and len(emails_to(ALEX)) == 1
    assert world.state(JULIE).suppressed == "bounce"


class Everything(logging.Handler):
    """Every record with every field (extras included), as a log line's JSON would carry them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"{record.getMessage()} {record.__dict__}")


def test_no_address_reaches_the_logs(world: AlertWorld) -> None:
    world.match("coop", tender("a"))
    handler = Everything()
    # Powertools configures its "esja" logger once per process: whatever level an earlier test left, INFO here.
    loggers = [(logger, logger.level) for logger in map(logging.getLogger, ("esja", "esja.alerts.service"))]
    for logger, _ in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        world.run("daily", **LOUD)
        world.aws.invoke(SES_EVENTS, event("ses_bounce"), LOUD)
        world.run("daily", "2026-11-21T12:00:00Z", **LOUD)
    finally:
        for logger, level in loggers:
            logger.removeHandler(handler)
            logger.setLevel(level)

    logged = "\n".join(handler.seen)
    assert "alerts run" in logged and "'sent': 1" in logged  # the logs are there…
    assert JULIE not in logged and "Julie" not in logged  # …without the address or the name


def test_the_sample_events_are_what_sns_delivers() -> None:
    for name in ("ses_bounce", "ses_transient_bounce", "ses_complaint"):
        [record] = event(name)["Records"]
        assert record["EventSource"] == "aws:sns" and json.loads(record["Sns"]["Message"])["mail"]["messageId"]
    assert Path(ROOT / "events" / "ses_bounce.json").exists()
