"""Where an enterprise's profiles are kept, as its use cases see it (esja.store.enterprises keeps them):
apart from the use cases, so that the stores that only read profiles load none of the form's validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from esja.model import Enterprise, Profile


@dataclass(frozen=True, slots=True)
class StoredProfile:
    profile: Profile
    version: str  # changes whenever the stored profile does


class ProfileStore(Protocol):
    def enterprise(self, enterprise_id: str) -> Enterprise | None: ...

    def stored_profiles(self, enterprise_id: str) -> list[StoredProfile]:
        """The enterprise's profiles, by id (strongly consistent)."""
        ...

    def add(self, profile: Profile) -> StoredProfile | None:
        """Write a new profile; None when the enterprise already has one with its id."""
        ...

    def replace(self, profile: Profile, version: str) -> StoredProfile | None:
        """Overwrite the profile if it is still at `version`; None when it changed or is gone."""
        ...

    def remove_profile(self, enterprise_id: str, profile_id: str, version: str) -> bool:
        """Delete the profile if it is still at `version`; False when it changed or is gone."""
        ...
