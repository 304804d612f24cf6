"""What organizers set up for the digest: who receives it (their spreadsheet, esja.digest.organizers_csv), and
the links they drew between signatories and buyers (drawn in esja.console.buyer_links)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from esja.digest.organizers import Organizer
from esja.digest.signatories import SignatoryLink


@dataclass(frozen=True, slots=True)
class SavedOrganizers:
    written: int
    removed: int
    unchanged: int


class OrganizerDirectory(Protocol):
    def organizers(self) -> list[Organizer]: ...
    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers: ...
    def links(self) -> list[SignatoryLink]: ...


class DigestSetup:
    def __init__(self, organizers: OrganizerDirectory) -> None:
        self._organizers = organizers

    def organizers(self) -> list[Organizer]:
        return self._organizers.organizers()

    def save_organizers(self, organizers: Sequence[Organizer]) -> SavedOrganizers:
        """The table holds exactly these organizers afterwards: the spreadsheet is the whole list."""
        return self._organizers.save_organizers(organizers)

    def links(self) -> list[SignatoryLink]:
        return self._organizers.links()
