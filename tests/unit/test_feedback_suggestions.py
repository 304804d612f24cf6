"""What « pas pertinent » answers suggest, on a realistic case (local.feedback_case): the rule of
esja.feedback.suggestions, each of its refusals, and that a suggestion does what it says by the alerts' matcher."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from esja.feedback.model import Vote
from esja.feedback.suggestions import Judged, judged, suggest
from esja.matching.brute_force import brute_force_match
from esja.model import Category, Profile, Status
from local.feedback_case import ANSWERS, ENTERPRISE_ID, PROFILE_ID, answered_tenders

NOW = datetime(2026, 11, 20, 14, tzinfo=UTC)
CLEANING = Profile(
    ENTERPRISE_ID,
    PROFILE_ID,
    "Entretien ménager",
    unspsc=("76111500",),
    keywords=("entretien ménager", "conciergerie", "janitorial"),
    excluded=("amiante", "décontamination"),
    regions=("01",),
    categories=(Category.SERVICES,),
    max_value=Decimal(500000),
)


def case(**only: bool) -> list[Judged]:
    """The case's tenders as judged, matched ten days ago; `only` drops some by native id."""
    return [
        Judged(tender, relevant, NOW - timedelta(days=10))
        for tender, relevant in answered_tenders(NOW)
        if only.get(tender.native_id.replace("-", "_"), True)
    ]


def test_the_window_washing_at_heights_suggests_excluding_vitres_or_narrowing_the_class() -> None:
    exclude, narrow = suggest(CLEANING, case())

    assert (exclude.kind, exclude.word) == ("exclude", "vitres")
    assert exclude.changed.excluded == ("amiante", "décontamination", "vitres")
    assert (narrow.kind, narrow.code, narrow.narrower) == ("narrow", "761115", ("76111501",))
    assert narrow.changed.unspsc == ("76111501",)
    windows = {f"seao:{a.native_id}" for a in ANSWERS if "vitres" in a.title}
    # not the flood: one tender is no pattern
    assert {t.key for t in exclude.avoided} == {t.key for t in narrow.avoided} == windows
    assert (exclude.not_relevant, exclude.kept) == (4, 3)


def test_a_suggestion_does_what_it_says_by_the_matcher_that_sends_the_alerts() -> None:
    tenders = [t.tender for t in case()]
    for suggestion in suggest(CLEANING, case()):
        before = {m.tender_key for m in brute_force_match([CLEANING], tenders, NOW)}
        after = {m.tender_key for m in brute_force_match([suggestion.changed], tenders, NOW)}

        assert before - after == {t.key for t in suggestion.avoided}
        assert {t.tender.key for t in case() if t.relevant} <= after


def test_fewer_than_three_tenders_judged_not_relevant_suggest_nothing() -> None:
    assert suggest(CLEANING, case(ocds_b5fd17_2026_9107=False, ocds_b5fd17_2026_9106=False)) == ()


def test_a_tender_the_profile_no_longer_gets_is_already_avoided() -> None:
    accepted = replace(CLEANING, excluded=(*CLEANING.excluded, "vitres"))

    assert suggest(accepted, case()) == ()  # only the flood is left: no pattern


def test_a_word_of_a_tender_judged_relevant_is_never_suggested() -> None:
    # The school's cleaning mentions the windows too: excluding « vitres » would lose it.
    tenders = case()
    school = next(t for t in tenders if "Beaux-Séjours" in t.tender.title.any())
    windows = replace(school.tender, description=replace(school.tender.description, fr="Conciergerie et vitres."))
    judged_again = [replace(t, tender=windows) if t is school else t for t in tenders]

    words = [s.word for s in suggest(CLEANING, judged_again) if s.kind == "exclude"]

    assert "vitres" not in words
    assert words == ["hauteur"]  # in every window-washing tender, two of their titles


def test_the_words_of_the_profile_and_of_its_codes_titles_are_never_suggested() -> None:
    # Every tender judged not relevant: « nettoyage », « entretien » are in all of them, yet they are what the
    # profile is about.
    all_wrong = [replace(t, relevant=False) for t in case()]

    words = [s.word for s in suggest(CLEANING, all_wrong) if s.kind == "exclude"]

    assert words and not {"nettoyage", "entretien", "ménager", "conciergerie"} & set(words)


def test_without_a_relevant_tender_under_the_code_there_is_nothing_to_narrow_to() -> None:
    all_wrong = [replace(t, relevant=False) for t in case()]

    assert [s.kind for s in suggest(CLEANING, all_wrong)] == ["exclude"]


def test_a_closed_or_awarded_tender_is_judged_as_it_was_when_it_matched() -> None:
    awarded = [replace(t, tender=replace(t.tender, status=Status.AWARDED)) for t in case()]

    assert [s.word or s.code for s in suggest(CLEANING, awarded)] == ["vitres", "761115"]


def test_a_paused_profile_still_gets_its_suggestions() -> None:
    assert len(suggest(replace(CLEANING, active=False), case())) == 2


def test_a_tender_anyone_found_relevant_counts_as_relevant() -> None:
    window = next(t for t in case() if not t.relevant)
    votes = [
        Vote(
            ENTERPRISE_ID, window.tender.key, voter, (PROFILE_ID,), relevant, NOW + timedelta(minutes=n), window.tender
        )
        for n, (voter, relevant) in enumerate([("julie", False), ("marc", True), ("julie", False)])
    ]

    assert [(t.tender.key, t.relevant) for t in judged(votes, PROFILE_ID)] == [(window.tender.key, True)]
    assert judged(votes, "couture") == []  # the votes of another profile's tender
