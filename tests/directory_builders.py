"""The directory on fakes: the spaces' people (tests.space_builders) with Les Ateliers Mon Choix' profiles, the
listing form as a browser sends it, and the use cases built on one FakeWorld."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from esja.directory.listing import LISTING_WORDING_VERSION
from esja.directory.moderation import ListingModeration
from esja.directory.public import PublicDirectory
from esja.directory.space import CONSENT_FIELD, WORDING_FIELD, ListingSpace
from esja.model import Category, Profile
from esja.people.actor import Actor
from esja.people.roles import Role
from tests.space_builders import CESIM, ESBSL, EVERYWHERE, FJORD, JULIE, MARC, MON_CHOIX, People

Form = dict[str, Sequence[str]]
PROFILES = (
    Profile(MON_CHOIX.id, "emballage", unspsc=("73151500", "73151600"), categories=(Category.SERVICES,)),
    Profile(MON_CHOIX.id, "entretien", unspsc=("76111500", "72"), keywords=("entretien ménager",)),
)
CONSENT = {CONSENT_FIELD: ["yes"], WORDING_FIELD: [LISTING_WORDING_VERSION]}


def listing_form(**changes: str | Sequence[str]) -> Form:
    """A valid listing form, `changes` overriding its fields."""
    fields: dict[str, str | Sequence[str]] = {
        "description_fr": "Entreprise adaptée de Rimouski : emballage, assemblage et entretien ménager.",
        "description_en": "",
        "regions": ["01", "11"],
        "categories": ["services"],
        "families": ["7315", "7611"],
        "other_families": "",
        "website": "https://ateliersmonchoix.example.org",
        "contact_email": "info@ateliersmonchoix.example.org",
    }
    fields.update(changes)
    return {name: [value] if isinstance(value, str) else list(value) for name, value in fields.items()}


@dataclass
class Directory:
    """The spaces' people and the directory's use cases, on one FakeWorld."""

    people: People = field(default_factory=People)

    def __post_init__(self) -> None:
        world = self.people.world
        world.enterprises.save([MON_CHOIX, FJORD], PROFILES)
        self.world = world
        self.space = world.build(ListingSpace)
        self.moderation = world.build(ListingModeration)
        self.public = world.build(PublicDirectory)

    @property
    def julie(self) -> Actor:
        """Les Ateliers Mon Choix' manager."""
        return self.people.actor(JULIE.email, Role.ENTERPRISE, MON_CHOIX.id)

    @property
    def marc(self) -> Actor:
        """Coop du Fjord's manager: another enterprise."""
        return self.people.actor(MARC.email, Role.ENTERPRISE, FJORD.id)

    def organizer(self, who: str = "esbsl") -> Actor:
        email = {"esbsl": ESBSL.email, "cesim": CESIM.email, "chantier": EVERYWHERE.email}[who]
        return self.people.actor(email, Role.ORGANIZER, who)

    def listed(self, actor: Actor | None = None, **changes: str | Sequence[str]) -> None:
        """The actor's enterprise (Mon Choix by default) saves its listing and publishes it."""
        actor = actor or self.julie
        assert self.space.save(actor, listing_form(**changes)).status == 200
        assert self.space.publish(actor, CONSENT).record.listed  # type: ignore[union-attr]
