"""match_tenders: consumes the match queue; each message names one new or changed tender.

A message that fails (its tender not readable yet, AWS trouble) is reported as a partial batch failure
and retried; after five receives it waits in the dead-letter queue.
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

from esja.bootstrap import build_match_service

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
processor = BatchProcessor(event_type=EventType.SQS)
service = build_match_service()


def record_handler(record: SQSRecord) -> None:
    outcome = service.handle_message(record.body)
    metrics.add_metric("MatchesRecorded", MetricUnit.Count, outcome.new_matches)
    metrics.add_metric("MatchUpdatesRecorded", MetricUnit.Count, outcome.updates)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    if service.refresh():
        logger.info("profile index rebuilt")
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
