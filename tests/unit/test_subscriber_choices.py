"""Unsubscribe and preferences (esja.alerts.choices) on fakes: what a link may change, and the proof kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from esja.alerts.choices import LinkProblem, SubscriberChoices, Unsubscribing
from esja.alerts.links import SubscriberLinks
from esja.alerts.model import ConsentRef, Listing, Preferences, ProfileRef
from esja.model import Consent
from esja.tokens import SigningKeys, TokenSigner
from tests.fakes import FakeWorld

NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
KEYS = ("choices-test-key",)
LISTING = Listing(
    (("coop", "Coop de propreté"),),
    (ProfileRef("coop", "menage", "Entretien ménager"), ProfileRef("coop", "vitres", "Vitres")),
    Preferences("daily", "fr"),
    (ConsentRef("coop", Consent(NOW, "formulaire web", "consentement-2026-01")),),
)


class World(FakeWorld):
    def __init__(self) -> None:
        super().__init__(NOW)
        self.links = SubscriberLinks("https://esja.example.org", SigningKeys.from_list(KEYS))
        self.choices = self.build(SubscriberChoices)
        self.sid = self.subscriptions.enrol("address-key", LISTING, NOW).subscriber_id or ""


@pytest.fixture
def world() -> World:
    return World()


def test_the_unsubscribe_link_unsubscribes_once_and_logs_how_and_which_wording(world: World) -> None:
    token = world.links.unsubscribe_token(world.sid)

    world.choices.unsubscribe(token, way=Unsubscribing.ONE_CLICK, language="en")
    again = world.choices.unsubscribe(token, way=Unsubscribing.PAGE, language="fr")

    assert again.stopped and again.enterprises == ("Coop de propreté",)
    log = world.subscriptions.history("address-key")
    assert [(r.kind, r.how, r.wording_version) for r in log][1:] == [
        ("unsubscribe", "un clic (RFC 8058)", "rfc8058-one-click")
    ]


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("not-a-token", "invalid"),
        (TokenSigner(SigningKeys.from_list(("another-key",)), "unsubscribe").sign({"s": "subscriber-1"}), "invalid"),
        (TokenSigner(SigningKeys.from_list(KEYS), "unsubscribe").sign({"s": "nobody-we-know"}), "invalid"),
        (
            TokenSigner(SigningKeys.from_list(KEYS), "preferences").sign({"s": "subscriber-1"}),
            "invalid",
        ),  # another link's purpose
    ],
    ids=["garbage", "another-key", "unknown-subscriber", "another-purpose"],  # the same on every xdist worker
)
def test_a_forged_altered_or_misdirected_link_changes_nothing(world: World, token: str, kind: str) -> None:
    with pytest.raises(LinkProblem) as problem:
        world.choices.unsubscribe(token, way=Unsubscribing.PAGE, language="fr")

    assert problem.value.kind == kind
    assert world.subscriptions.state("address-key").unsubscribed_at is None


def test_saved_preferences_override_the_import_and_are_logged(world: World) -> None:
    token = world.links.preferences_token(world.sid)
    fields = {
        "frequency": ["weekly"],
        "language": ["en"],
        "profiles": ["coop/menage"],
        "reminders": ["on"],
        "invitations": ["on"],
    }

    result = world.choices.save_preferences(token, fields)

    assert result.saved == Preferences("weekly", "en", reminders=True, profiles_off=frozenset({"coop/vitres"}))
    assert result.visitor.preferences == result.saved
    assert world.subscriptions.history("address-key")[-1].kind == "preferences"


def test_preferences_outside_the_choices_offered_are_not_saved(world: World) -> None:
    token = world.links.preferences_token(world.sid)

    result = world.choices.save_preferences(token, {"frequency": ["hourly"], "language": ["de"], "profiles": ["x/y"]})

    assert result.saved is None and len(result.errors) == 3
    assert world.subscriptions.state("address-key").preferences is None
