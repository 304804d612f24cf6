"""send_invitation_alerts: consumes the invitation alert queue; each message names an invitation that
match_tenders just matched (or matched again after a change), told now to its enterprises' subscribers.

A message that fails (AWS trouble, SES paused) is reported as a partial batch failure and retried after
the queue's visibility timeout; after three receives it waits in the dead-letter queue, and the invitation
goes with the next scheduled instant run.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_alert_service

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
processor = BatchProcessor(event_type=EventType.SQS)
service = build_alert_service()


def record_handler(record: SQSRecord) -> None:
    report = service.send_invitation_message(record.body)
    metrics.add_metric("AlertsSent", MetricUnit.Count, report.sent)
    metrics.add_metric("AlertsFailed", MetricUnit.Count, report.failed)
    logger.info("invitation alerts", extra=report.as_dict())  # counts and the tender key only
    if report.stopped or report.deferred:
        # SES paused or throttling: the message comes back after its visibility timeout.
        raise RuntimeError(f"invitation alerts stopped ({report.stopped or 'out of time'}): retried")


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
