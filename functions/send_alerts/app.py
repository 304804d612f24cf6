"""send_alerts: one run per schedule, {"frequency": "instant"|"daily"|"weekly", "scheduled_time": "…Z"}.

`scheduled_time` is the schedule's own time (EventBridge Scheduler's <aws.scheduler.scheduled-time>), the
same on every retry: a replayed run sends nothing twice. Without it (a manual run), the current time.

An instant run first announces the signatories' invitations whose announcement failed after they were saved
(the match queue down): matched, they are told at once, or at the latest by the next instant run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_alert_service, build_invitation_sweep

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
service = build_alert_service()
invitations = build_invitation_sweep()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    scheduled = event.get("scheduled_time")
    if event["frequency"] == "instant":
        metrics.add_metric("InvitationsAnnouncedLate", MetricUnit.Count, invitations.sweep())
    report = service.send_alerts(
        event["frequency"],
        datetime.fromisoformat(scheduled) if scheduled else None,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    metrics.add_metric("AlertsSent", MetricUnit.Count, report.sent)
    metrics.add_metric("AlertsFailed", MetricUnit.Count, report.failed)
    metrics.add_metric("AlertsDeferred", MetricUnit.Count, report.deferred)
    metrics.add_metric("SendingStopped", MetricUnit.Count, 1 if report.stopped else 0)
    logger.info("alerts run", extra=report.as_dict())  # counts only: no address, no name
    return report.as_dict()
