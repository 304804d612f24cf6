"""What an enterprise notices: which tenders it is told about, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from esja.l10n import money
from esja.matching.brute_force import brute_force_match
from esja.matching.features import tender_features
from esja.matching.rules import match_one
from esja.model import (
    Buyer,
    Category,
    Classification,
    Match,
    Money,
    Profile,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Tender,
    Text,
)
from tests.words import plain

NOW = datetime(2026, 9, 21, 12, tzinfo=UTC)
BAS_SAINT_LAURENT = Regions(Scope.REGIONS, (RegionEvidence("01", "buyer postal code G5L 4X2", 0.95),))
CLEANING = Classification("UNSPSC", "76111500", Text("Nettoyage de bâtiments", "Building cleaning services"))


def tender(
    title: str = "Services professionnels",
    *,
    status: Status = Status.OPEN,
    codes: tuple[Classification, ...] = (),
    regions: Regions | None = BAS_SAINT_LAURENT,
    description: str | None = None,
    category: Category | None = None,
    value: str | None = None,
    buyer: str | None = None,
    closing_at: datetime | None = None,
) -> Tender:
    return Tender(
        source="seao",
        native_id="ocds-ec9k95-0001",
        revision="1",
        title=Text(title),
        status=status,
        description=Text(description),
        classifications=codes,
        category=category,
        value=Money(Decimal(value)) if value else None,
        buyer=Buyer(Text(buyer)) if buyer else None,
        closing_at=closing_at,
        regions=regions,
    )


def profile(**changes: object) -> Profile:
    fields: dict[str, object] = {"enterprise_id": "coop-menage", "id": "p1", "name": "Ménage", "regions": ("01",)}
    return Profile(**(fields | changes))  # type: ignore[arg-type]


def match(p: Profile, t: Tender) -> Match | None:
    return match_one(p, t, tender_features(t, NOW))


def kinds(m: Match | None) -> list[str]:
    assert m is not None
    return [r.kind for r in m.reasons]


def test_cleaning_coop_is_told_about_cleaning_tender() -> None:
    m = match(profile(unspsc=("7611",)), tender("Entretien ménager", codes=(CLEANING,)))
    assert m is not None
    assert m.reasons[0].fr == "code UNSPSC 76111500 – Nettoyage de bâtiments"
    assert m.reasons[0].en == "UNSPSC code 76111500 – Building cleaning services"
    assert m.reasons[0].code == "76111500"  # an alert marks that code where it lists the tender's codes
    assert m.reasons[-1].fr == "région 01 Bas-Saint-Laurent"


def test_keyword_reason_says_where_it_was_found() -> None:
    m = match(profile(keywords=('"entretien ménager"',)), tender("Entretien ménager de l'école"))
    assert m is not None
    assert m.reasons[0].fr == "mot-clé «\u00a0entretien ménager\u00a0» dans le titre"
    assert m.reasons[0].en == "keyword “entretien ménager” in the title"


def test_a_keyword_in_one_language_of_a_bilingual_title_says_which() -> None:
    shredding = replace(
        tender(),
        title=Text(
            "Services de déchiquetage sécurisé de documents sur place – Institut Maurice-Lamontagne",
            "Secure On-Site Document Shredding Services – Maurice Lamontagne Institute",
        ),
    )

    english_word = match(profile(keywords=("shredding",)), shredding)
    french_word = match(profile(keywords=("déchiquetage",)), shredding)
    both = match(profile(keywords=("documents",)), shredding)

    assert english_word is not None and french_word is not None and both is not None
    assert plain(english_word.reasons[0].fr) == "mot-clé « shredding » dans le titre anglais"
    assert english_word.reasons[0].en == "keyword “shredding” in the title"
    assert plain(french_word.reasons[0].fr) == "mot-clé « déchiquetage » dans le titre"
    assert french_word.reasons[0].en == "keyword “déchiquetage” in the French title"
    assert both.reasons[0].en == "keyword “documents” in the title"
    assert match(profile(keywords=("shredding",)), tender("Shredding")).reasons[0].fr.endswith("dans le titre")  # type: ignore[union-attr]


def test_keyword_in_description_only() -> None:
    m = match(profile(keywords=("conciergerie",)), tender("Contrat 2026-14", description="Services de conciergerie"))
    assert m is not None
    assert m.reasons[0].en == "keyword “conciergerie” in the description"


def test_keyword_in_classification_description() -> None:
    m = match(profile(keywords=("cleaning",)), tender("Contrat 2026-14", codes=(CLEANING,)))
    assert m is not None
    assert m.reasons[0].en == "keyword “cleaning” in the classification"


def test_profile_without_codes_or_keywords_never_matches() -> None:
    assert match(profile(), tender("Entretien ménager", codes=(CLEANING,))) is None


def test_inactive_profile_never_matches() -> None:
    assert match(profile(unspsc=("7611",), active=False), tender(codes=(CLEANING,))) is None


def test_cancelled_tender_is_never_matched() -> None:
    for status in (Status.CANCELLED, Status.CLOSED, Status.AWARDED):
        assert match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), status=status)) is None


def test_tender_past_its_closing_date_is_never_matched() -> None:
    t = tender(codes=(CLEANING,), closing_at=NOW - timedelta(minutes=1))
    assert match(profile(unspsc=("7611",)), t) is None
    assert match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), closing_at=NOW + timedelta(days=3)))


def test_excluded_word_vetoes_match() -> None:
    t = tender("Entretien ménager et désamiantage", description="Présence d'amiante")
    assert match(profile(keywords=("entretien",)), t) is not None
    assert match(profile(keywords=("entretien",), excluded=("amiante",)), t) is None


def test_excluded_word_in_the_code_description_also_vetoes() -> None:
    p = profile(unspsc=("7611",), excluded=("bâtiments",))
    assert match(p, tender(codes=(CLEANING,))) is None


def test_broader_profile_code_covers_narrower_tender_code() -> None:
    assert match(profile(unspsc=("76000000",)), tender(codes=(CLEANING,))) is not None


def test_narrower_profile_code_two_levels_down_does_not_match() -> None:
    family = Classification("UNSPSC", "76110000")
    assert match(profile(unspsc=("76111501",)), tender(codes=(family,))) is None


def test_related_code_one_level_broader_scores_lower() -> None:
    exact = match(profile(unspsc=("76111500",)), tender(codes=(CLEANING,)))
    related = match(profile(unspsc=("76111501",)), tender(codes=(CLEANING,)))
    assert exact is not None and related is not None
    assert related.score < exact.score
    assert kinds(related)[0] == "unspsc-related"
    assert related.reasons[0].fr.endswith("(plus général que votre code 76111501)")


def test_related_reason_names_the_smallest_of_your_codes_beneath() -> None:
    m = match(profile(unspsc=("76111504", "76111501")), tender(codes=(CLEANING,)))
    assert m is not None
    assert m.reasons[0].en.endswith("(broader than your code 76111501)")


def test_ontario_only_tender_never_matches_quebec_profile() -> None:
    ontario = Regions(Scope.OUTSIDE_QUEBEC)
    for regions in (("01",), ("QC",), ("01", "06")):
        assert match(profile(unspsc=("7611",), regions=regions), tender(codes=(CLEANING,), regions=ontario)) is None
    assert match(profile(unspsc=("7611",), regions=("CA",)), tender(codes=(CLEANING,), regions=ontario))


def test_tender_in_another_region_does_not_match() -> None:
    montreal = Regions(Scope.REGIONS, (RegionEvidence("06", "buyer city Montréal", 1.0),))
    assert match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), regions=montreal)) is None
    assert match(profile(unspsc=("7611",), regions=("01", "QC")), tender(codes=(CLEANING,), regions=montreal))


def test_canada_wide_tender_matches_every_region() -> None:
    m = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), regions=Regions(Scope.CANADA)))
    assert m is not None
    assert m.reasons[-1].en == "anywhere in Canada"


def test_all_quebec_tender_matches_a_regional_profile() -> None:
    m = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), regions=Regions(Scope.ALL_QUEBEC)))
    assert m is not None
    assert m.reasons[-1].fr == "tout le Québec"


def test_unknown_region_matches_but_says_region_not_specified() -> None:
    for regions in (None, Regions(Scope.UNKNOWN)):
        m = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), regions=regions))
        assert m is not None
        assert (m.reasons[-1].kind, m.reasons[-1].fr, m.reasons[-1].en) == (
            "region-unknown",
            "région non précisée",
            "region not specified",
        )


def test_known_region_scores_higher_than_unknown() -> None:
    known = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,)))
    unknown = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,), regions=None))
    assert known is not None and unknown is not None
    assert known.score > unknown.score


def test_profile_without_regions_takes_any_region() -> None:
    ontario = Regions(Scope.OUTSIDE_QUEBEC)
    assert match(profile(unspsc=("7611",), regions=()), tender(codes=(CLEANING,), regions=ontario))


def test_accents_and_case_do_not_matter() -> None:
    assert match(profile(keywords=("DENEIGEMENT",)), tender("Déneigement des stationnements"))
    assert match(profile(keywords=("déneigement",)), tender("DENEIGEMENT DES STATIONNEMENTS"))


def test_french_plural_stems_match() -> None:
    assert match(profile(keywords=("entretien ménager",)), tender("Entretiens ménagers — pavillons"))


def test_quoted_phrase_requires_consecutive_words() -> None:
    assert match(profile(keywords=('"entretien ménager"',)), tender("Entretien des électroménagers")) is None
    assert match(profile(keywords=('"entretien ménager"',)), tender("Ménager l'entretien du parc")) is None


def test_keyword_in_title_scores_higher_than_in_description() -> None:
    in_title = match(profile(keywords=("conciergerie",)), tender("Conciergerie"))
    in_description = match(profile(keywords=("conciergerie",)), tender("Contrat", description="Conciergerie"))
    assert in_title is not None and in_description is not None
    assert in_title.score > in_description.score


def test_category_must_be_one_the_profile_asked_for() -> None:
    p = profile(keywords=("entretien",), categories=(Category.SERVICES,))
    assert match(p, tender("Entretien", category=Category.GOODS)) is None
    m = match(p, tender("Entretien", category=Category.SERVICES))
    assert m is not None and m.reasons[-1].en == "category: services"
    assert match(p, tender("Entretien", category=None)) is not None


def test_value_band_only_applies_when_value_given() -> None:
    p = profile(keywords=("entretien",), min_value=Decimal(10_000), max_value=Decimal(100_000))
    assert match(p, tender("Entretien", value="250000")) is None
    assert match(p, tender("Entretien", value="5000")) is None
    assert match(p, tender("Entretien")) is not None
    m = match(p, tender("Entretien", value="45990"))
    assert m is not None
    assert m.reasons[-1].fr == f"valeur {money(Decimal(45990), 'fr')} dans votre fourchette"
    assert m.reasons[-1].en == "value $45,990 within your range"


def test_buyer_allow_list_compares_names_loosely() -> None:
    p = profile(keywords=("entretien",), buyers_allow=("VILLE DE RIMOUSKI",))
    assert match(p, tender("Entretien", buyer="Ville de Rimouski")) is not None
    assert match(p, tender("Entretien", buyer="Ville de Matane")) is None
    assert match(p, tender("Entretien")) is None


def test_denied_buyer_is_never_matched() -> None:
    p = profile(keywords=("entretien",), buyers_deny=("Ville de Matane",))
    assert match(p, tender("Entretien", buyer="Ville de Matane")) is None
    assert match(p, tender("Entretien", buyer="Ville de Rimouski")) is not None


def test_score_formula() -> None:
    # code 1.0 + keyword phrase in title 0.9 + one more keyword 0.1 + named region 0.2
    p = profile(unspsc=("7611",), keywords=("entretien ménager", "bâtiments"))
    m = match(p, tender("Entretien ménager", codes=(CLEANING,)))
    assert m is not None
    assert m.score == 2.2


def test_brute_force_sorts_by_tender_enterprise_profile() -> None:
    profiles = [
        profile(enterprise_id=e, id=i, keywords=("entretien",)) for e, i in (("b", "1"), ("a", "2"), ("a", "1"))
    ]
    matches = brute_force_match(profiles, [tender("Entretien")], NOW)
    assert [(m.enterprise_id, m.profile_id) for m in matches] == [("a", "1"), ("a", "2"), ("b", "1")]


def test_match_is_an_ordinary_frozen_match() -> None:
    m = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,)))
    assert m is not None
    twin = Match(m.enterprise_id, m.profile_id, m.tender_key, m.score, m.reasons)
    assert (m, hash(m), repr(m)) == (twin, hash(twin), repr(twin))


def test_match_round_trips_through_its_dict() -> None:
    m = match(profile(unspsc=("7611",)), tender(codes=(CLEANING,)))
    assert m is not None
    assert Match.from_dict(m.to_dict()) == m
