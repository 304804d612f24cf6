"""The Enterprises table as the spreadsheet's import sees it (esja.enterprises.spreadsheet): the enterprises
and their alert profiles saved, and read back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from esja.model import Enterprise, Profile


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
    def save(self, enterprises: Sequence[Enterprise], profiles: Sequence[Profile]) -> SaveSummary:
        """Make the table hold these enterprises and, for them, exactly these profiles; idempotent."""
        ...

    def load(self) -> tuple[list[Enterprise], list[Profile]]: ...
