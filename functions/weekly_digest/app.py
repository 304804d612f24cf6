"""weekly_digest: Mondays at 8:00 (Montréal), each organizer's digest of the week that just ended.

Event: {"scheduled_time": "<aws.scheduler.scheduled-time>"} from the schedule — the same on every retry,
so a replay names the same week and sends nothing twice — or {"week": "2026-W47"} to run a given week.
A run that could not send some digest fails after serving the others, so Lambda retries it (then parks
the event in ScheduleDeadLetterQueue); the retry sends only what is missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_digest_service

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
service = build_digest_service()


class DigestsNotSent(Exception):
    """Some digests could not be sent; Lambda's retry sends them (the others are not sent again)."""


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    scheduled = event.get("scheduled_time")
    report = service.send_week(event.get("week"), datetime.fromisoformat(scheduled) if scheduled else None)
    metrics.add_metric("DigestsSent", MetricUnit.Count, report.sent)
    metrics.add_metric("DigestsFailed", MetricUnit.Count, report.failed)
    metrics.add_metric("DigestsInDoubt", MetricUnit.Count, report.in_doubt)
    metrics.add_metric("ContractsWonRecorded", MetricUnit.Count, report.contracts_recorded)
    logger.info("digest run", extra=report.as_dict())  # counts only: no address, no name
    if report.failed:
        raise DigestsNotSent(f"{report.failed} digest(s) of {report.week} not sent; a retry sends them")
    return report.as_dict()
