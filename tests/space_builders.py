"""The people of the spaces, for the use cases' tests on fakes: an organizer per region, an enterprise and its
managers, signatories in every state — and sessions opened for any of them (« another person's session »)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from esja.digest.organizers import Organizer
from esja.model import Consent, Enterprise, Subscriber
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.model import Pledge, PledgeStatus, Verdict, Verification
from esja.signin.links import new_secret
from esja.signin.model import Chosen, Session
from esja.signin.sessions import Sessions
from tests.fakes import TEST_KEYS, FakeWorld
from tests.pledge_builders import pledge_fields

NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
ESBSL = Organizer("esbsl", "Économie sociale Bas-Saint-Laurent", "sommaire@esbsl.example.org", "fr", ("01",))
CESIM = Organizer("cesim", "CÉSIM", "digest@cesim.example.org", "en", ("06",))
EVERYWHERE = Organizer("chantier", "Chantier de l'économie sociale", "info@chantier.example.org", "fr", ())
CONSENT = Consent(datetime(2026, 2, 3, 14, tzinfo=UTC), "formulaire web", "v1")
JULIE = Subscriber("julie@monchoix.example.org", "Julie Pelletier", "fr", "daily", CONSENT)
MARC = Subscriber("marc@monchoix.example.org", "Marc Ouellet", "fr", "instant", CONSENT)
MON_CHOIX = Enterprise(
    "ateliers-mon-choix", "Les Ateliers Mon Choix", regions_served=("01",), subscribers=(JULIE, MARC)
)
FJORD = Enterprise("coop-fjord", "Coop du Fjord", regions_served=("02",), subscribers=(MARC,))


def pledge(
    pledge_id: str, email: str, *, region: str = "01", institution: str = "Ville de Rimouski", **state: object
) -> Pledge:
    """A pledge as the store holds it: confirmed and verified unless `state` says otherwise."""
    from esja.pledges.form import read_pledge_form

    fields = {name: [value] if isinstance(value, str) else list(value) for name, value in pledge_fields().items()}
    details = read_pledge_form(
        fields | {"email": [email], "region": [region], "institution_name": [institution]}
    ).details
    assert details is not None
    verified = Verdict(Verification.VERIFIED, NOW - timedelta(days=1), "esbsl", "organizer")
    stored = Pledge(
        id=pledge_id,
        details=details,
        language="fr",
        status=PledgeStatus.CONFIRMED,
        created_at=NOW - timedelta(days=3),
        consent_version="2026-11",
        confirmed_at=NOW - timedelta(days=2),
        verdict=verified,
        address_key=TEST_KEYS(email),
    )
    return replace(stored, **state)  # type: ignore[arg-type]


@dataclass
class People:
    """A FakeWorld with everyone in it."""

    world: FakeWorld = field(default_factory=lambda: FakeWorld(NOW))

    def __post_init__(self) -> None:
        self.world.organizers.by_id = {o.id: o for o in (ESBSL, CESIM, EVERYWHERE)}
        self.world.enterprises.save([MON_CHOIX, FJORD], [])
        for stored in (
            pledge("p-verified", "achats@cegep.example.org", institution="Cégep de Rimouski"),
            pledge("p-to-verify", "maire@ville.example.org", verdict=Verdict()),
            pledge(
                "p-rejected",
                "x@gmail.example.org",
                verdict=Verdict(Verification.REJECTED, NOW, "esbsl", "organizer", "pas la ville"),
            ),
            pledge("p-withdrawn", "parti@ville.example.org", status=PledgeStatus.WITHDRAWN, withdrawn_at=NOW),
            pledge("p-montreal", "achats@montreal.example.org", region="06", institution="Ville de Montréal"),
        ):
            self.world.pledges.by_id[stored.id] = stored
        self.sessions = self.world.build(Sessions)

    def session(self, email: str, role: Role | None = None, item_id: str = "") -> tuple[str, Session]:
        """(cookie value, session) of a session opened for `email`, acting as `role` for `item_id`."""
        key = TEST_KEYS(email)
        session_id, digest = new_secret()
        grants = self.world.roles.of(key)
        chosen = Chosen(role, item_id) if role else None
        now = self.world.clock()
        opened = Session(digest, key, grants, f"csrf-{digest[:8]}", now, now, "fr", "192.0.2.0/24", chosen)
        self.world.sessions.by_key[digest] = opened
        return session_id, opened

    def actor(self, email: str, role: Role, item_id: str) -> Actor:
        """The Actor of `email` acting as `role` for `item_id`, as a page of that space gets it."""
        _, session = self.session(email, role, item_id)
        return self.sessions.actor(session, role, network="192.0.2.0/24")
