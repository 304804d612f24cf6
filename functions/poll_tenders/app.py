"""poll_tenders: one feed per invocation, as named by its schedule: {"source": "seao"}; then the snapshot of
the recent tenders that the enterprises' profile previews read."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from esja.bootstrap import build_poll_service, build_recent_tenders_publisher

logger = Logger()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"esja"})  # our loggers only, not botocore's
service = build_poll_service()
recent_tenders = build_recent_tenders_publisher()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    report = service.poll_source(event["source"], fmt=event.get("format"), url=event.get("url"))
    totals = report.totals
    metrics.add_metric("TendersFetched", MetricUnit.Count, totals["tenders"])
    metrics.add_metric("TendersChanged", MetricUnit.Count, totals["new"] + totals["changed"])
    metrics.add_metric("RecordsRejected", MetricUnit.Count, totals["rejected"])
    metrics.add_metric("FeedFailed", MetricUnit.Count, 0 if report.ok else 1)
    # Even after a failed file (others may have been read) or a run with nothing new (the window moves on).
    snapshot = recent_tenders.publish()
    metrics.add_metric("RecentTendersSnapshotted", MetricUnit.Count, snapshot.tenders)
    return report.as_dict() | {"recent_tenders": snapshot.as_dict()}
