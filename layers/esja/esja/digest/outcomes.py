"""Contracts won: awards whose supplier is a registered enterprise — results read from the publishers
instead of asked for in surveys.

A supplier is recognised by its NEQ (Québec enterprise number: SEAO gives it in `details.neq`, OCDS
publishers as a « CA-NEQ-… » identifier). When the supplier or the enterprise has no NEQ, by name,
compared without case, accents, punctuation or legal form (« inc. », « ltée », « coop »…). Two NEQs
that differ are two enterprises, whatever their names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from esja.geo.names import PARTICLES, words
from esja.model import Award, Enterprise, Supplier, Tender, Text

# An award counts unless its publisher says it fell through (the parsers' own rule for « awarded »).
NOT_AWARDED = frozenset({"cancelled", "unsuccessful"})
# Words that say what kind of legal person an enterprise is, not which one.
LEGAL_FORM_WORDS = frozenset(
    {
        "inc",
        "incorporee",
        "incorporated",
        "ltee",
        "limitee",
        "ltd",
        "limited",
        "enr",
        "senc",
        "cie",
        "corp",
        "corporation",
        "coop",
        "cooperative",
        "obnl",
        "osbl",
    }
)
_NEQ_IDENTIFIER = "CA-NEQ-"


@dataclass(frozen=True, slots=True)
class ContractWon:
    enterprise_id: str
    enterprise_name: str
    tender_key: str
    award_id: str
    title: Text
    buyer: Text
    amount: Decimal | None  # CAD; None when the publisher gave no amount, or another currency
    awarded_on: datetime | None
    supplier_name: str  # as the publisher wrote it
    recognised_by: str  # "neq" or "name"
    found_at: datetime | None = None  # when ESJA found the tender awarded: what the digest counts it by

    @property
    def record_key(self) -> str:
        """One record per enterprise, tender and award (esja.store.digest_sources)."""
        return won_key(self.tender_key, self.award_id)


def won_key(tender_key: str, award_id: str) -> str:
    return f"won#{tender_key}#{award_id}"


def supplier_neq(supplier: Supplier) -> str | None:
    if supplier.neq:
        return supplier.neq.strip()
    if supplier.id and supplier.id.upper().startswith(_NEQ_IDENTIFIER):
        return supplier.id[len(_NEQ_IDENTIFIER) :].strip()
    return None


def name_key(name: str) -> str:
    """« Les Ateliers Mon Choix inc. » and "LES ATELIERS MON CHOIX" → ``ateliers mon choix``."""
    return " ".join(w for w in words(name) if w not in LEGAL_FORM_WORDS and w not in PARTICLES)


class SupplierDirectory:
    """The registered enterprises, by NEQ and by name."""

    def __init__(self, enterprises: Iterable[Enterprise]) -> None:
        self._by_neq: dict[str, Enterprise] = {}
        self._by_name: dict[str, Enterprise] = {}
        for enterprise in sorted(enterprises, key=lambda e: e.id):
            if enterprise.neq:
                self._by_neq.setdefault(enterprise.neq, enterprise)
            if key := name_key(enterprise.name):
                self._by_name.setdefault(key, enterprise)

    def enterprise_of(self, supplier: Supplier) -> tuple[Enterprise, str] | None:
        """The enterprise and how it was recognised ("neq" or "name"), or None."""
        neq = supplier_neq(supplier)
        if neq and neq in self._by_neq:
            return self._by_neq[neq], "neq"
        named = self._by_name.get(name_key(supplier.name)) if supplier.name else None
        if named is None or (neq and named.neq):  # both have a NEQ, and they differ
            return None
        return named, "name"


def contracts_won(tenders: Iterable[Tender], directory: SupplierDirectory) -> list[ContractWon]:
    found: dict[tuple[str, str, str], ContractWon] = {}
    for tender in tenders:
        for number, award in enumerate(tender.awards):
            if award.status in NOT_AWARDED:
                continue
            for supplier in award.suppliers:
                recognised = directory.enterprise_of(supplier)
                if recognised is None:
                    continue
                enterprise, how = recognised
                award_id = award.id or str(number)
                won = ContractWon(
                    enterprise_id=enterprise.id,
                    enterprise_name=enterprise.name,
                    tender_key=tender.key,
                    award_id=award_id,
                    title=tender.title,
                    buyer=tender.buyer.name if tender.buyer else Text(),
                    amount=_cad(award),
                    awarded_on=award.date,
                    supplier_name=supplier.name,
                    recognised_by=how,
                )
                found.setdefault((enterprise.id, tender.key, award_id), won)
    return sorted(found.values(), key=lambda w: (w.enterprise_name, w.tender_key, w.award_id))


def total_amount(won: Iterable[ContractWon]) -> Decimal:
    """Each award once, however many registered enterprises share it."""
    awards = {(w.tender_key, w.award_id): w.amount or Decimal(0) for w in won}
    return sum(awards.values(), Decimal(0))


def _cad(award: Award) -> Decimal | None:
    value = award.value
    return value.amount if value is not None and value.currency in (None, "CAD") else None
