"""The tables of template.yaml on moto, through the stores the functions themselves use on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from esja.bootstrap import build_recent_tenders_publisher
from esja.config import Settings
from esja.ingest.changes import Change, plan_change
from esja.model import Classification, RegionEvidence, Regions, Scope, Status, Tender, Text
from esja.people.keys import AddressKeys
from esja.store.enterprises import EnterpriseStore
from esja.store.matches import MatchStore
from esja.store.tenders import TenderStore
from local.runtime import LOCAL_SECRETS, LocalAws

# The address keys of the local runs (what every function invoked on moto computes).
LOCAL_KEYS = AddressKeys.fixed(LOCAL_SECRETS["ADDRESS_KEY_SECRET"])


class MotoTables:
    def __init__(self, aws: LocalAws) -> None:
        self.aws = aws
        self.dynamodb = aws.client("dynamodb")
        self.names = aws.resources.names
        self.enterprises = EnterpriseStore(self.names["EnterprisesTable"], self.dynamodb, address_keys=LOCAL_KEYS)
        self.tenders = TenderStore(self.names["TendersTable"], self.dynamodb)
        self.matches = MatchStore(self.names["MatchesTable"], self.dynamodb)

    def store_tender(self, item: Tender, at: datetime) -> Change | None:
        """Stored as the poll stores it, seen at `at`; None when stored already, as it is."""
        stored = self.tenders.get(item.key)
        change = plan_change(item, stored[1] if stored else None, at)
        if change is None:
            return None
        assert isinstance(change, Change), "an older revision than the one stored"
        self.tenders.write([change])
        return change

    def publish_recent_tenders(self, stored: Iterable[tuple[str, str, str, int]]) -> None:
        """Open SEAO tenders of the Bas-Saint-Laurent (01), each (key, French title, UNSPSC code, days ago), stored
        as the poll stores them; then the recent tenders' snapshot the previews read, published as after a poll."""
        now = datetime.now(UTC)
        for key, title, code, days in stored:
            tender = Tender(
                "seao",
                key,
                "1",
                Text(title),
                Status.OPEN,
                classifications=(Classification("UNSPSC", code, Text("Vêtements", "Clothing")),),
                closing_at=now + timedelta(days=20),
                regions=Regions(Scope.REGIONS, (RegionEvidence("01", "test", 1.0),)),
            )
            self.store_tender(tender, now - timedelta(days=days))
        settings = Settings.from_env(self.aws.environment("PollTendersFunction"))
        build_recent_tenders_publisher(settings, dynamodb=self.dynamodb, s3=self.aws.client("s3")).publish()
