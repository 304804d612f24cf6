"""The enterprises and their alert profiles as the organizers keep them: their spreadsheet
(esja.matching.profiles_csv, docs/enterprises-csv.md) saved to the Enterprises table, and read back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from esja.model import Enterprise, Profile

if TYPE_CHECKING:  # the spreadsheet's reader is for the command line: the stores import SaveSummary from here
    from esja.matching.profiles_csv import ImportResult


@dataclass(frozen=True, slots=True)
class SaveSummary:
    enterprises_changed: int = 0
    profiles_changed: int = 0
    profiles_removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.enterprises_changed or self.profiles_changed or self.profiles_removed)


class EnterpriseTable(Protocol):
    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary: ...
    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...


class EnterpriseBook:
    def __init__(self, enterprises: EnterpriseTable) -> None:
        self._enterprises = enterprises

    def save(self, read: ImportResult) -> SaveSummary:
        """The file is the truth for the enterprises it lists (a profile left out is removed); idempotent."""
        if not read.ok:
            raise ValueError("a file with errors is never imported")
        return self._enterprises.save(read.enterprises, read.profiles)

    def export_csv(self) -> str:
        from esja.matching.profiles_csv import write_profiles_csv

        return write_profiles_csv(*self._enterprises.load())
