"""The programme report's stores on moto: the weeks' figures in the Organizers table (a year and more in one read),
each enterprise's matches and contracts won as the report counts them, the archived digests' listing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from esja.digest.figures import Line, WeekFigures
from esja.digest.links import archive_key
from esja.digest.outcomes import ContractWon
from esja.digest.weeks import Week
from esja.model import Match, Text
from esja.store.digest_archive import DigestArchive
from esja.store.digest_figures import DigestFigureStore
from esja.store.digest_sources import MatchHistory
from local.runtime import LocalAws
from tests.digest_builders import CESIM, ESBSL, RECENT, DigestWorld, pledge, tender
from tests.moto_tables import MotoTables

W1 = Week.parse("2024-W40")
AT = datetime(2026, 11, 16, 14, tzinfo=UTC)


def figures(week: Week, value: str = "3") -> WeekFigures:
    lines = (
        Line("tenders.regions", week.monday, ("01", "06"), Decimal(value)),
        Line("x", week.sunday, None, Decimal(1)),
    )
    return WeekFigures(week, lines, AT)


def test_a_weeks_figures_are_kept_replaced_and_read_by_the_hundred(aws: LocalAws) -> None:
    store = DigestFigureStore(aws.resources.names["OrganizersTable"], aws.client("dynamodb"))
    weeks = [Week.containing(W1.start + timedelta(weeks=n)) for n in range(130)]  # more than a BatchGetItem
    for week in weeks:
        store.save_figures(figures(week))
    store.save_figures(figures(weeks[0], "7"))

    read = store.figures_of([*weeks, Week.parse("2030-W01")])

    assert list(read) == weeks  # the week never kept is left out
    assert read[weeks[0]].lines[0].value == Decimal(7) and read[weeks[1]] == figures(weeks[1])


def test_an_enterprises_activity_is_its_matches_and_contracts_won_by_when_found(aws: LocalAws) -> None:
    tables = MotoTables(aws)
    history = MatchHistory(aws.resources.names["MatchesTable"], tables.dynamodb)
    for tender_key, told in (("seao:a", True), ("seao:b", False)):
        tables.matches.record_match(Match("coop", "p", tender_key, 1.0, ()), ("p",), "h", AT)
        if told:
            tables.matches.mark_told("coop", f"match#{tender_key}", "s1", sent=True, reminded=False)
    won = ContractWon(
        "coop", "Coop", "seao:won", "A1", Text("Ménage"), Text("Ville"), Decimal("45990.50"), None, "Coop", "neq"
    )
    history.record_won(won, AT + timedelta(days=7))  # recorded before `found_at` existed: by when recorded
    history.record_won(won, AT)  # once

    activity = history.activity_of("coop")

    assert sorted((m.tender_key, m.alerted, m.matched_at) for m in activity.matches) == [
        ("seao:a", True, AT),
        ("seao:b", False, AT),
    ]
    [recorded] = activity.won
    assert (recorded.award, recorded.amount, recorded.found_at) == (
        ("seao:won", "A1"),
        Decimal("45990.50"),
        AT + timedelta(days=7),
    )
    assert history.activities_of(["coop", "nobody"]) == {"coop": activity, "nobody": history.activity_of("nobody")}


def test_a_contract_won_is_counted_by_when_it_was_found(aws: LocalAws) -> None:
    history = MatchHistory(aws.resources.names["MatchesTable"], aws.client("dynamodb"))
    found = ContractWon(
        "coop", "Coop", "seao:won", "A1", Text("Ménage"), Text("Ville"), None, None, "Coop", "name", found_at=AT
    )

    assert history.record_won(found, AT + timedelta(days=8))

    [won] = history.activity_of("coop").won
    assert won.found_at == AT and won.amount is None


def test_the_archives_listing_names_every_digest(aws: LocalAws) -> None:
    archive = DigestArchive(aws.resources.names["ArchiveBucket"], aws.client("s3"))
    for organizer in ("esbsl", "cesim"):
        archive.put(archive_key(organizer, W1), "<html></html>")

    assert archive.keys("digests/") == [archive_key("cesim", W1), archive_key("esbsl", W1)]


def test_the_weekly_run_keeps_the_figures_of_the_week_it_sent(aws: LocalAws) -> None:
    world = DigestWorld(aws)
    world.organizers.save_organizers([ESBSL, CESIM])
    world.publish(tender("rim"), RECENT.start + timedelta(hours=9))
    signed = RECENT.start + timedelta(hours=10)
    world.sign(pledge("p1", created_at=signed, confirmed_at=signed + timedelta(hours=1)))
    event = {"scheduled_time": (RECENT.end + timedelta(hours=8)).astimezone(UTC).isoformat()}

    report = world.run(event)

    kept = DigestFigureStore(aws.resources.names["OrganizersTable"], aws.client("dynamodb")).figures_of([RECENT])
    assert report["figures_kept"] and report["sent"] == 2
    assert {(line.figure, line.places, line.value) for line in kept[RECENT].lines} >= {
        ("tenders.regions", ("01",), Decimal(1)),
        ("pledges.confirmed", ("01",), Decimal(1)),
    }
