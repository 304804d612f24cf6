"""Section 2: tenders alerted to each of the organizer's enterprises; the flooded and the quiet flagged; what
their people answered from their alerts (« Pertinent » / « Pas pertinent ») and what it suggests."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from esja.config import SenderIdentity
from esja.digest.compose import compose_digest
from esja.digest.facts import WeekAnswers, WeekFacts
from esja.digest.sections import Figure, alert_activity, build_digest
from esja.digest.week_data import WeekData
from esja.feedback.model import Vote
from esja.model import FLOOD_THRESHOLD
from local.feedback_case import ENTERPRISE_ID, PROFILE_ID, answered_tenders
from tests.digest_builders import CESIM, ESBSL, LAST_MONDAY, MONDAY, WEEK, enterprise, matched, tender, week_data
from tests.unit.test_feedback_suggestions import CLEANING


def test_alerts_per_enterprise_this_week_beside_last_week() -> None:
    matches = (
        matched("coop", tender("a")),
        matched("coop", tender("b")),
        matched("coop", tender("c"), LAST_MONDAY),
        matched("coop", tender("d"), alerted=False),  # matched, but no subscriber was told
        matched("verger", tender("a"), LAST_MONDAY),
    )
    data = week_data(matches=matches, enterprises=(enterprise("coop", "Coop de propreté"), enterprise("verger")))

    section = alert_activity(WeekFacts(data), ESBSL)

    coop, verger = section.enterprises
    assert (coop.name, coop.alerted, coop.flooded, coop.quiet) == ("Coop de propreté", Figure(2, 1), False, False)
    assert (verger.alerted, verger.quiet) == (Figure(0, 1), False)


def test_an_enterprise_told_more_than_the_threshold_in_a_week_is_flooded() -> None:
    matches = tuple(matched("large", tender(str(n))) for n in range(FLOOD_THRESHOLD + 1))
    just_enough = tuple(matched("fine", tender(str(n))) for n in range(FLOOD_THRESHOLD))
    data = week_data(matches=matches + just_enough, enterprises=(enterprise("large"), enterprise("fine")))

    section = alert_activity(WeekFacts(data), ESBSL)

    assert section.threshold == FLOOD_THRESHOLD == 15
    assert [e.enterprise_id for e in section.flooded] == ["large"]


def test_an_enterprise_told_nothing_for_four_weeks_is_flagged_quiet() -> None:
    four_weeks_ago = WEEK.back(3).start + timedelta(hours=1)  # still within the four weeks
    five_weeks_ago = WEEK.back(4).start + timedelta(hours=1)
    matches = (matched("recent", tender("a"), four_weeks_ago), matched("silent", tender("b"), five_weeks_ago))
    data = week_data(matches=matches, enterprises=(enterprise("recent"), enterprise("silent"), enterprise("new")))

    section = alert_activity(WeekFacts(data), ESBSL)

    assert sorted(e.enterprise_id for e in section.quiet) == ["new", "silent"]


def test_only_the_enterprises_serving_the_organizers_regions_are_listed() -> None:
    enterprises = (
        enterprise("bsl", regions=("01",)),
        enterprise("mtl", regions=("06",)),
        enterprise("quebec", regions=("QC",)),
        enterprise("anywhere", regions=()),
    )
    data = week_data(enterprises=enterprises, matches=(matched("mtl", tender("a"), MONDAY),))

    assert [e.enterprise_id for e in alert_activity(WeekFacts(data), CESIM).enterprises] == [
        "mtl",
        "anywhere",
        "quebec",
    ]


def answers_data() -> WeekData:
    """Les Ateliers Mon Choix's people answered about its seven cleaning tenders this week (local.feedback_case),
    one more last week; a vote after the digest's « now » is not counted yet."""
    now = MONDAY + timedelta(days=1)
    votes = [
        Vote(ENTERPRISE_ID, t.key, "julie", (PROFILE_ID,), relevant, now, t, (), now - timedelta(days=10))
        for t, relevant in answered_tenders(now)
    ]
    earlier = replace(votes[0], voter="marc", at=LAST_MONDAY)
    later = replace(votes[1], voter="marc", relevant=False, at=WEEK.end + timedelta(hours=1))
    data = week_data(enterprises=(enterprise(ENTERPRISE_ID, "Les Ateliers Mon Choix"), enterprise("verger")))
    return replace(data, profiles=(CLEANING,), votes=(*votes, earlier, later))


def test_the_organizers_see_what_each_enterprises_people_answered_this_week_and_the_suggestions() -> None:
    section = alert_activity(WeekFacts(answers_data()), ESBSL)

    assert section.answers == (("Les Ateliers Mon Choix", WeekAnswers(relevant=3, not_relevant=4, suggestions=2)),)


def test_an_organizer_of_another_region_sees_no_answers() -> None:
    assert alert_activity(WeekFacts(answers_data()), CESIM).answers == ()


def test_the_digest_says_what_they_answered_in_french_and_english() -> None:
    facts = WeekFacts(answers_data())
    sender = SenderIdentity(mailing_address="4200, boul. Saint-Laurent, Montréal", contact_email="info@example.org")

    french = compose_digest(build_digest(facts, ESBSL), archive_url="https://x.example.org", sender=sender)
    english = compose_digest(
        build_digest(facts, replace(ESBSL, language="en")), archive_url="https://x.example.org", sender=sender
    )

    assert "Les Ateliers Mon Choix — pertinents\u00a0: 3, pas pertinents\u00a0: 4, suggestions\u00a0: 2" in french.text
    assert "Les Ateliers Mon Choix — relevant: 3, not relevant: 4, suggestions: 2" in english.html
