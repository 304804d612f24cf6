"""ses_events: SES bounce and complaint events (configuration set → SNS) suppress the address.

A permanent bounce, or a complaint about an alert, stops every alert to that address; the same event
delivered twice changes nothing. Addresses are never logged.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import SNSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_suppression_recorder

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
recorder = build_suppression_recorder()


# The event carries addresses: it is never logged.
@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    outcome = recorder.record(record.sns.message for record in SNSEvent(event).records)
    metrics.add_metric("AddressesSuppressed", MetricUnit.Count, outcome.suppressed)
    return outcome.as_dict()
