"""The signatories' yearly reports and their deadlines, in the Signatories table.

Items (pk, sk):
  ("institution#<region>#<folded name>", "report#<year>")   one report: what was declared, what ESJA found, the
                                                           target when saved, who saved it (a pledge id), its
                                                           version; `report_year` + `report_sort` (region#key)
                                                           put it in the `by_year` index (the console's year)
  ("deadline", "<year>#<region>")                          when a region's reports of a year are due

A report is written only at the version it was read (0: none yet), so two people of one institution never
overwrite each other unseen. Nothing here is personal: institutions, amounts, the enterprises they name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Award, Deadline, Declared, Found, Period, YearlyReport
from esja.store.errors import AWS_ERRORS, CONDITION_FAILED, error_code, store_error
from esja.store.queries import Item, query_all

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

YEAR_INDEX = "by_year"
DEADLINE = "deadline"


class ReportStore:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def reports_of(self, institution_key: str) -> list[YearlyReport]:
        found = query_all(
            self._client,
            "reading an institution's reports",
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :report)",
            ExpressionAttributeValues={":pk": {"S": _pk(institution_key)}, ":report": {"S": "report#"}},
            ConsistentRead=True,
        )
        return [_report(item) for item in found]

    def save(self, report: YearlyReport, *, expected_version: int) -> bool:
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if expected_version == 0
            else {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        )
        try:
            self._client.put_item(TableName=self._table, Item=_item(report), **condition)
        except AWS_ERRORS as error:
            if error_code(error) == CONDITION_FAILED:
                return False
            raise store_error(error, "saving a yearly report") from error
        return True

    def of_year(self, year: int) -> list[YearlyReport]:
        """Every institution's report of `year`, by region then institution."""
        found = query_all(
            self._client,
            "reading a year's reports",
            TableName=self._table,
            IndexName=YEAR_INDEX,
            KeyConditionExpression="report_year = :year",
            ExpressionAttributeValues={":year": {"S": str(year)}},
        )
        return [_report(item) for item in found]

    # --- deadlines ---

    def deadline(self, year: int, region: str) -> date | None:
        try:
            item = self._client.get_item(TableName=self._table, Key=_deadline_key(year, region)).get("Item")
        except AWS_ERRORS as error:
            raise store_error(error, "reading a report deadline") from error
        return date.fromisoformat(item["due"]["S"]) if item else None

    def deadlines(self) -> list[Deadline]:
        found = query_all(
            self._client,
            "reading the report deadlines",
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": DEADLINE}},
        )
        return [_deadline(item) for item in found]

    def set_deadlines(self, deadlines: Iterable[Deadline]) -> None:
        for deadline in deadlines:
            item = _deadline_key(deadline.year, deadline.region) | {
                "year": {"N": str(deadline.year)},
                "region": {"S": deadline.region},
                "due": {"S": deadline.due.isoformat()},
                "set_by": {"S": deadline.set_by},
                "set_at": {"S": _moment(deadline.set_at or datetime.now(UTC))},
            }
            try:
                self._client.put_item(TableName=self._table, Item=item)
            except AWS_ERRORS as error:
                raise store_error(error, "setting a report deadline") from error


def _pk(institution_key: str) -> str:
    return f"institution#{institution_key}"


def _deadline_key(year: int, region: str) -> Item:
    return {"pk": {"S": DEADLINE}, "sk": {"S": f"{year}#{region}"}}


def _item(report: YearlyReport) -> Item:
    declared, institution = report.declared, report.institution
    item: Item = {
        "pk": {"S": _pk(institution.key)},
        "sk": {"S": f"report#{declared.period.year}"},
        "institution_name": {"S": institution.name},
        "region": {"S": institution.region},
        "year": {"N": str(declared.period.year)},
        "start_month": {"N": str(declared.period.start_month)},
        "amount": {"N": str(declared.amount)},
        "count": {"N": str(declared.count)},
        "enterprises": {"L": [{"S": name} for name in declared.enterprises]},
        "found": {"S": json.dumps(_found_json(report.found), ensure_ascii=False, sort_keys=True)},
        "saved_at": {"S": _moment(report.saved_at)},
        "saved_by": {"S": report.saved_by},
        "version": {"N": str(report.version)},
        "report_year": {"S": str(declared.period.year)},
        "report_sort": {"S": f"{institution.region}#{institution.key}"},
    }
    if declared.total is not None:
        item["total"] = {"N": str(declared.total)}
    if declared.comment:
        item["comment"] = {"S": declared.comment}
    if report.target_share is not None:
        item["target_share"] = {"N": str(report.target_share)}
    return item


def _report(item: Item) -> YearlyReport:
    declared = Declared(
        period=Period(int(item["year"]["N"]), int(item["start_month"]["N"])),
        amount=Decimal(item["amount"]["N"]),
        count=int(item["count"]["N"]),
        total=Decimal(item["total"]["N"]) if "total" in item else None,
        enterprises=tuple(name["S"] for name in item.get("enterprises", {}).get("L", [])),
        comment=item.get("comment", {}).get("S", ""),
    )
    return YearlyReport(
        institution=Institution(item["institution_name"]["S"], item["region"]["S"]),
        declared=declared,
        found=_found(json.loads(item["found"]["S"])),
        target_share=int(item["target_share"]["N"]) if "target_share" in item else None,
        saved_at=datetime.fromisoformat(item["saved_at"]["S"]),
        saved_by=item["saved_by"]["S"],
        version=int(item["version"]["N"]),
    )


def _found_json(found: Found) -> dict[str, Any]:
    return {
        "invitations": found.invitations,
        "awards": [
            {
                "tender_key": a.tender_key,
                "award_id": a.award_id,
                "enterprise_id": a.enterprise_id,
                "enterprise_name": a.enterprise_name,
                "title": a.title,
                "amount": None if a.amount is None else str(a.amount),
                "awarded_on": None if a.awarded_on is None else a.awarded_on.isoformat(),
            }
            for a in found.awards
        ],
    }


def _found(raw: dict[str, Any]) -> Found:
    awards = tuple(
        Award(
            tender_key=a["tender_key"],
            award_id=a["award_id"],
            enterprise_id=a["enterprise_id"],
            enterprise_name=a["enterprise_name"],
            title=a["title"],
            amount=None if a["amount"] is None else Decimal(a["amount"]),
            awarded_on=None if a["awarded_on"] is None else date.fromisoformat(a["awarded_on"]),
        )
        for a in raw.get("awards", [])
    )
    return Found(awards, int(raw.get("invitations", 0)))


def _deadline(item: Item) -> Deadline:
    return Deadline(
        year=int(item["year"]["N"]),
        region=item["region"]["S"],
        due=date.fromisoformat(item["due"]["S"]),
        set_by=item.get("set_by", {}).get("S", ""),
        set_at=datetime.fromisoformat(item["set_at"]["S"]) if "set_at" in item else None,
    )


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")
