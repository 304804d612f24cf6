"""Choosing codes without knowing UNSPSC: words in French or English, codes, the hierarchy, and the codes
the recent tenders carry that the list lacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from esja.enterprise_space.codes import CodeChoice
from esja.enterprise_space.recent_tenders import LatestRecentTenders
from esja.ingest.recent import RecentTendersPublisher
from esja.model import Classification, Status, Tender, Text
from esja.unspsc.search import MAX_RESULTS, unspsc_catalogue
from tests.fakes import FakeWorld

NOW = datetime(2026, 11, 16, 12, tzinfo=UTC)


def found(query: str, lang: str = "fr") -> list[str]:
    return [e.code for e in unspsc_catalogue().search(query, lang).entries]


def test_a_trade_is_found_by_its_french_or_english_words_accents_case_and_plurals_aside() -> None:
    assert found("déneigement")[:1] == found("DENEIGEMENTS")[:1] == found("snow removal", "en") == ["72102901"]
    assert set(found("déneigement")) == {"72102901", "72102903", "72103301"}
    assert found("nettoyage de vitres") == found("Nettoyage des vitres") == ["76111504"]
    assert found("window cleaning", "en")[0] == "76111504"


def test_every_word_must_be_in_the_title_in_either_language_the_readers_first_then_broader_codes() -> None:
    cleaning = unspsc_catalogue().search("cleaning", "en")
    assert cleaning.total > len(cleaning.entries) == MAX_RESULTS
    levels = [e.level for e in cleaning.entries]
    assert levels[:2] == ["segment", "segment"] and levels.index("family") < levels.index("class")
    # « entretien ménager » in French: only titles holding both words.
    both = unspsc_catalogue().search("entretien ménager", "fr").entries
    assert both and all("ménag" in (e.title.fr or "") and "ntretien" in (e.title.fr or "") for e in both)
    assert found("traiteur zzzunknownword") == [] and found("de la") == [] and found("") == []


def test_a_code_is_found_in_any_form_with_what_lies_just_below_it() -> None:
    assert found("72102901") == found("72 10 29 01") == found("7210-2901") == ["72102901"]
    family = unspsc_catalogue().search("76110000", "fr").entries
    assert [e.code for e in family] == ["7611", "761115", "761116", "761117", "761118"]
    assert family[0].title == Text("Nettoyage et entretien", "Cleaning and janitorial services")
    assert found("761")[:2] == ["7610", "7611"]  # a beginning: broadest first


def test_the_hierarchy_lets_a_person_take_a_whole_family() -> None:
    catalogue = unspsc_catalogue()
    lineage = catalogue.lineage("72102901")
    assert [(e.code, e.level) for e in lineage] == [
        ("72", "segment"),
        ("7210", "family"),
        ("721029", "class"),
        ("72102901", "commodity"),
    ]
    assert lineage[1].published == "72100000"
    assert [e.code for e in catalogue.children("7611")] == ["761115", "761116", "761117", "761118"]
    assert all(len(e.code) == 4 for e in catalogue.children("76")) and catalogue.children("72102901") == ()
    assert catalogue.get("99999999") is None and catalogue.lineage("bad") == ()


def test_codes_the_recent_tenders_carry_that_the_list_lacks_are_found_by_their_publishers_titles() -> None:
    world = FakeWorld(NOW)
    new_code = Classification("UNSPSC", "72154099", Text("Entretien de monte-escaliers", "Stairlift maintenance"))
    tender = Tender("seao", "t", "1", Text("x"), Status.OPEN, classifications=(new_code,), closing_at=NOW)
    world.tenders.publish(tender, NOW - timedelta(days=1))
    choice = CodeChoice(recent=LatestRecentTenders(world.snapshots, world.clock))
    assert choice.search("monte-escaliers", "fr").entries == ()  # no snapshot yet: the list alone
    RecentTendersPublisher(tenders=world.tenders, snapshots=world.snapshots, clock=world.clock).publish()
    world.clock.advance(minutes=2)
    [entry] = choice.search("monte escaliers", "fr").entries
    assert (entry.code, entry.title.en) == ("72154099", "Stairlift maintenance")
    assert [e.code for e in choice.search("stairlift", "en").entries] == ["72154099"]
    assert [e.code for e in choice.lineage("72154099")][-1] == "72154099"
    assert next(e.code for e in choice.search("déneigement", "fr").entries) == "72102901"  # the list still answers


def test_the_code_list_still_answers_when_the_recent_tenders_cannot_be_read() -> None:
    world = FakeWorld(NOW)
    world.snapshots.fail("read")
    choice = CodeChoice(recent=LatestRecentTenders(world.snapshots, world.clock))
    assert [e.code for e in choice.search("snow removal", "en").entries] == ["72102901"]
