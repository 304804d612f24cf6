"""remind_reports: every morning (Montréal), the yearly reports' reminders due that day — on the due date its
region's organizers set, then once more a month later, never a third (esja.signatory_space.reminders).

Event: {"scheduled_time": "<aws.scheduler.scheduled-time>"} from the schedule — the same on every retry, so a
replay names the same day; each reminder goes at most once through its send record. A run that could not send
some reminder fails after the others, so Lambda retries it (then parks the event in ScheduleDeadLetterQueue).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_report_reminders

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
reminders = build_report_reminders()


class RemindersNotSent(Exception):
    """Some reminders could not be sent; Lambda's retry sends them (the others are not sent again)."""


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    scheduled = event.get("scheduled_time")
    report = reminders.send_due(datetime.fromisoformat(scheduled) if scheduled else None)
    metrics.add_metric("ReportRemindersSent", MetricUnit.Count, report.sent)
    metrics.add_metric("ReportRemindersFailed", MetricUnit.Count, report.failed)
    logger.info("report reminders", extra=report.as_dict())  # counts only: no address, no name
    if report.failed:
        raise RemindersNotSent(f"{report.failed} reminder(s) of {report.day} not sent; a retry sends them")
    return report.as_dict()
