"""The tables of template.yaml on moto, through the stores the functions themselves use on them."""

from __future__ import annotations

from datetime import datetime

from esja.ingest.changes import Change, plan_change
from esja.model import Tender
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
