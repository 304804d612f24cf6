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

from esja.alerts.suppressions import record_ses_event
from esja.config import Settings
from esja.services import build_subscription_store

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
settings = Settings.from_env()
suppressions = build_subscription_store(settings)


# The event carries addresses: it is never logged.
@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    totals = {"suppressed": 0, "already": 0, "ignored": 0}
    for record in SNSEvent(event).records:
        outcome = record_ses_event(record.sns.message, suppressions, settings.ses_configuration_set)
        totals = {name: totals[name] + getattr(outcome, name) for name in totals}
    metrics.add_metric("AddressesSuppressed", MetricUnit.Count, totals["suppressed"])
    return totals
