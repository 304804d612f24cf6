"""Section 1: the calls for tenders that appeared in the week, beside the previous week's."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from esja.config import SenderIdentity
from esja.digest.compose import compose_digest
from esja.digest.facts import WeekFacts
from esja.digest.sections import Figure, Row, build_digest, new_tenders
from esja.model import Buyer, Category, Regions, Scope, Status, Text
from esja.sources.catalogue import INVITATIONS_SOURCE
from tests.digest_builders import CESIM, ESBSL, LAST_MONDAY, MONDAY, in_regions, seen, tender, week_data
from tests.words import plain


def test_new_tenders_are_counted_by_source_region_and_category_with_last_weeks_beside() -> None:
    new = (
        seen(tender("a")),
        seen(tender("b", regions=in_regions("01", "11"))),
        seen(tender("c", source="canadabuys", regions=Regions(Scope.ALL_QUEBEC), category=Category.GOODS)),
        seen(tender("d", regions=in_regions("06"), category=None)),
        seen(tender("e"), LAST_MONDAY),
        seen(tender("f", source="canadabuys", regions=None), LAST_MONDAY),
    )

    section = new_tenders(WeekFacts(week_data(new=new)), ESBSL)

    assert section.in_quebec == Figure(4, 2)
    assert section.in_regions == Figure(2, 1)
    assert section.by_source == (Row("seao", 3, 1), Row("canadabuys", 1, 1))
    assert section.by_region == (
        Row("01", 2, 1, highlighted=True),
        Row("06", 1, 0),
        Row("11", 1, 0),
        Row("all-quebec", 1, 0),
        Row("unknown", 0, 1),
    )
    assert section.by_category == (Row("services", 2, 2), Row("goods", 1, 0), Row("none", 1, 0))


def test_the_organizers_own_regions_are_highlighted() -> None:
    new = (seen(tender("a")), seen(tender("d", regions=in_regions("06"))))

    section = new_tenders(WeekFacts(week_data(new=new)), CESIM)

    assert [(r.key, r.highlighted) for r in section.by_region] == [("01", False), ("06", True)]
    assert section.in_regions == Figure(1, 0)


def test_notices_of_old_awards_and_cancellations_are_no_new_tenders() -> None:
    old_award = seen(tender("award", status=Status.AWARDED, closing_at=MONDAY - timedelta(days=90)))
    cancelled_on_sight = seen(tender("gone", status=Status.CANCELLED))
    open_then_awarded = seen(tender("won", status=Status.AWARDED), MONDAY, MONDAY + timedelta(days=2))

    section = new_tenders(WeekFacts(week_data(new=(old_award, cancelled_on_sight, open_then_awarded))), ESBSL)

    assert section.in_quebec == Figure(1, 0)


def test_au_quebec_leaves_out_other_provinces_and_canada_wide_notices_have_their_own_line() -> None:
    new = (
        seen(tender("rimouski")),
        seen(tender("province", source="canadabuys", regions=Regions(Scope.ALL_QUEBEC))),
        seen(tender("kingston", source="canadabuys", regions=Regions(Scope.OUTSIDE_QUEBEC))),
        seen(tender("national", source="canadabuys", regions=Regions(Scope.CANADA))),
        seen(tender("national-last", source="canadabuys", regions=Regions(Scope.CANADA)), LAST_MONDAY),
    )
    digest = build_digest(WeekFacts(week_data(new=new)), ESBSL)

    assert digest.new_tenders.in_quebec == Figure(2, 0)
    assert digest.new_tenders.canada_wide == Figure(1, 1)
    assert "outside-quebec" not in [r.key for r in digest.new_tenders.by_region]
    assert sum(r.this for r in digest.new_tenders.by_source) == 3  # Kingston is in no chart
    text = plain(compose_digest(digest, archive_url="", sender=SenderIdentity()).text)
    assert "Au Québec : 2 (semaine précédente : 0" in text
    assert "Partout au Canada (ouverts aux entreprises du Québec) : 1 (semaine précédente : 1" in text
    assert "Hors Québec" not in text


def test_a_feed_is_shown_by_its_publishers_name_never_by_its_identifier() -> None:
    rimouski = Buyer(Text("Ville de Rimouski"), "CA-RIM-VILLE")
    portal = (Buyer(Text("Ville de Matane")), Buyer(Text("MRC de La Matanie")), Buyer(Text("Ville de Matane")))
    new = (
        seen(tender("r1", source="ville-rimouski", buyer=rimouski)),
        seen(
            tender("r2", source="ville-rimouski", buyer=Buyer(Text("Ville de Rimouski - Service des travaux publics")))
        ),
        *(seen(tender(f"m{n}", source="portail-matanie", buyer=b)) for n, b in enumerate(portal)),
        seen(tender("s")),
    )
    digest = build_digest(WeekFacts(week_data(new=new)), CESIM)

    for lang, organizer in (("fr", ESBSL), ("en", CESIM)):
        email = compose_digest(replace(digest, organizer=organizer), archive_url="", sender=SenderIdentity())
        chart = email.text.split("\n\n")
        by_source = next(part for part in chart if part.startswith(("Par source", "By source")))
        assert "ville-rimouski" not in email.text and "portail-matanie" not in email.text
        assert "ville-rimouski" not in email.html and "portail-matanie" not in email.html
        assert re.search(r"\n  Ville de Rimouski ?:", plain(by_source)) and "SEAO" in by_source  # its services too
        others = "Ville de Matane et un autre acheteur" if lang == "fr" else "Ville de Matane and one other buyer"
        assert others in by_source, by_source


def test_the_signatories_invitations_are_a_feed_of_their_own() -> None:
    invitations = (
        seen(tender("i1", source=INVITATIONS_SOURCE, buyer=Buyer(Text("Ville de Rimouski")))),
        seen(tender("i2", source=INVITATIONS_SOURCE, buyer=Buyer(Text("Cégep de Rimouski")))),
        seen(tender("s")),
    )
    digest = build_digest(WeekFacts(week_data(new=invitations)), ESBSL)

    assert Row(INVITATIONS_SOURCE, 2, 0) in digest.new_tenders.by_source
    for lang, organizer in (("fr", ESBSL), ("en", CESIM)):
        text = compose_digest(replace(digest, organizer=organizer), archive_url="", sender=SenderIdentity()).text
        named = "Invitations des signataires (ESJA)" if lang == "fr" else "Signatories' invitations (ESJA)"
        assert named in text and INVITATIONS_SOURCE not in text
