"""Organizers: who reads the weekly digest, in which language, for which regions (loaded from a
spreadsheet by `esja organizers import`, esja.digest.organizers_csv)."""

from __future__ import annotations

from dataclasses import dataclass, field

from esja.matching.regions import ALL_QUEBEC, covers_every_region, serves_any
from esja.model import Enterprise, Language, Scope, Tender


@dataclass(frozen=True, slots=True)
class Organizer:
    id: str
    name: str
    # Personal information (a staff member's address): kept out of repr, hence out of logs.
    email: str = field(repr=False)
    language: Language = "fr"
    regions: tuple[str, ...] = ()  # "01" … "17", or "QC": all of Québec (as none listed, as in the console)

    @property
    def region_codes(self) -> tuple[str, ...]:
        """The regions the digest names: all of Québec for whoever lists none."""
        return (ALL_QUEBEC,) if covers_every_region(self.regions) else self.regions

    def covers(self, code: str) -> bool:
        return covers_every_region(self.regions) or code in self.regions

    def covers_tender(self, tender: Tender) -> bool:
        """The tender takes place in one of the organizer's regions (Québec- or Canada-wide notices do
        not count: they would drown every region's list)."""
        return self.covers_any(tender_places(tender))

    def covers_any(self, places: tuple[str, ...]) -> bool:
        return any(map(self.covers, places))

    def covers_enterprise(self, enterprise: Enterprise) -> bool:
        """An enterprise serving one of the regions (or all of Québec, or saying nothing) is the organizer's."""
        return serves_any(enterprise.regions_served, self.covers)


def tender_places(tender: Tender) -> tuple[str, ...]:
    """The regions a tender takes place in: none when it is Québec- or Canada-wide, or not located."""
    regions = tender.regions
    return regions.codes if regions is not None and regions.scope is Scope.REGIONS else ()
