"""The bot defences and the links' tokens, with a clock the test moves."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from esja.pledges.bot_defences import MAX_SECONDS, TimeTrap, Trap
from esja.pledges.links import PledgeLinks, digest, new_confirmation_token, new_pledge_id, read_confirmation_token
from esja.tokens import SigningKeys
from tests.tokens import altered

KEYS = ("old-key", "new-key")
SHOWN = datetime(2026, 10, 22, 14, 0, tzinfo=UTC)


def trap_at(moment: datetime, keys: tuple[str, ...] = KEYS) -> TimeTrap:
    return TimeTrap(SigningKeys.from_list(keys), clock=lambda: moment)


def sent(token: str, **extra: str) -> dict[str, list[str]]:
    return {"form_token": [token], **{k: [v] for k, v in extra.items()}}


def test_a_form_sent_after_a_few_seconds_passes() -> None:
    token = trap_at(SHOWN).issue()

    assert trap_at(SHOWN + timedelta(seconds=40)).check(sent(token)) is Trap.PASSED


def test_a_form_sent_within_three_seconds_is_too_fast() -> None:
    token = trap_at(SHOWN).issue()

    assert trap_at(SHOWN + timedelta(seconds=2)).check(sent(token)) is Trap.TOO_FAST
    assert trap_at(SHOWN + timedelta(seconds=3)).check(sent(token)) is Trap.PASSED


def test_a_form_older_than_a_day_is_stale() -> None:
    token = trap_at(SHOWN).issue()

    assert trap_at(SHOWN + timedelta(seconds=MAX_SECONDS + 1)).check(sent(token)) is Trap.STALE


def test_a_forged_missing_or_doubled_time_trap_is_stale() -> None:
    token = trap_at(SHOWN).issue()
    later = trap_at(SHOWN + timedelta(minutes=1))

    assert later.check(sent(altered(token))) is Trap.STALE
    assert later.check({}) is Trap.STALE
    assert later.check({"form_token": [token, token]}) is Trap.STALE
    assert trap_at(SHOWN + timedelta(minutes=1), ("another-key",)).check(sent(token)) is Trap.STALE


def test_a_time_trap_signed_with_the_previous_key_still_passes_after_a_rotation() -> None:
    token = trap_at(SHOWN, ("old-key",)).issue()

    assert trap_at(SHOWN + timedelta(minutes=1), ("old-key", "new-key")).check(sent(token)) is Trap.PASSED


def test_a_filled_honeypot_is_a_bot_whatever_the_time_trap() -> None:
    token = trap_at(SHOWN).issue()

    assert trap_at(SHOWN + timedelta(minutes=1)).check(sent(token, website="x")) is Trap.HONEYPOT


def test_a_confirmation_token_carries_its_pledge_and_is_stored_as_a_hash() -> None:
    pledge_id = new_pledge_id()

    token, stored = new_confirmation_token(pledge_id)

    secret = token.split(".", 1)[1]
    assert token.startswith(f"{pledge_id}.") and len(secret) >= 43
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    assert read_confirmation_token(token) == (pledge_id, stored)


def test_confirmation_tokens_never_repeat() -> None:
    assert len({new_confirmation_token("0" * 32)[0] for _ in range(100)}) == 100


def test_anything_else_is_not_a_confirmation_token() -> None:
    for token in ("", "abc", "0" * 32, "0" * 32 + ".short", "Z" * 32 + "." + "a" * 43, "0" * 32 + "." + "a" * 43 + "x"):
        assert read_confirmation_token(token) is None, token
    assert read_confirmation_token("0" * 32 + "." + "a" * 43) == ("0" * 32, digest("a" * 43))


def test_links_carry_the_token_and_the_language() -> None:
    links = PledgeLinks("https://esja.example.org/")

    assert links.confirm("a.b", "en") == "https://esja.example.org/engagement/confirmation?jeton=a.b&lang=en"
    assert links.withdraw("x/y", "fr") == "https://esja.example.org/engagement/retrait?jeton=x%2Fy&lang=fr"
