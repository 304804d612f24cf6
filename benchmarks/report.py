"""The programme report over a year of SEAO-sized data: what the report reads, and how long it takes.

Run: .venv/bin/python benchmarks/report.py [--weeks 52] [--enterprises 200] [--seed 7] [--no-demo]

A year of SEAO-sized data: 52 weeks of 5,500 notices each (the weekly file's size), every one first seen in
its week (the worst case: most of a weekly file's awards are of tenders seen before), 65 % of them awarded
(the real file's mix), 8 % of the buyers signatories; 200 registered enterprises, each alerted to 5 tenders
a week; 300 pledges. The stores are in memory and hand the use cases what the adapters hand them: each
tender parsed from its stored JSON (Tender.from_dict), as esja.store.digest_sources does on every item.

Timed (process time: what the machine's other work cannot inflate):
- a week's figures worked out from the tables (esja.digest.figure_book; the weekly run does it on what it
  has already read);
- the report of the year as the web function builds it: the 52 kept weeks read at once, the week going on
  worked out from the tables, each enterprise's matches and contracts read, the rows over 12 months;
- the baseline, measured in the same run: the same year worked out from the tables, week by week — what the
  report would cost without the kept figures (one week timed, times the number of weeks).

Then the same on the demo's data, in-process on moto through the web function (`make serve`'s world, whose
edition so far runs from October 1): the AWS requests of one report, counted on the SDK, and its time.

The figures kept for the earlier weeks are the last complete week's, moved back a week at a time: the report's
cost depends on how many lines it sums, not on their values. The reads it makes are counted at the ports (one
call = one DynamoDB request or paginated Query, whose pages are the bytes read over 1 MB). Budget: the year's
report within 4 s of CPU and at least 10 times faster than the baseline; a week's figures under DynamoDB's 400 kB
an item.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "esja")]

from esja.console.report import ProgrammeReports  # noqa: E402 - after the path set-up above
from esja.digest.figure_book import FigureBook  # noqa: E402
from esja.digest.figures import WeekFigures  # noqa: E402
from esja.digest.outcomes import ContractWon  # noqa: E402
from esja.digest.signatories import SignatoryLink  # noqa: E402
from esja.digest.week_data import EnterpriseActivity, MatchRecord, SeenTender, WonRecord  # noqa: E402
from esja.digest.weeks import Days, Week  # noqa: E402
from esja.model import (  # noqa: E402
    Award,
    Buyer,
    Category,
    Classification,
    Enterprise,
    Money,
    Profile,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Supplier,
    Tender,
    Text,
)
from esja.people.actor import Actor  # noqa: E402
from esja.people.roles import Role, RoleGrant  # noqa: E402
from esja.pledges.model import (  # noqa: E402
    CONSENT_VERSION,
    InstitutionType,
    Pledge,
    PledgeDetails,
    PledgeStatus,
    Verdict,
    Verification,
)
from esja.signatory_space.report import YearlyReport  # noqa: E402

WEEK_NOTICES = 5_500
AWARDED_SHARE, SIGNATORY_SHARE = 0.65, 0.08
ALERTS_A_WEEK = 5
PLEDGES = 300
PAGE_BYTES = 1024 * 1024  # a DynamoDB Query page
ITEM_LIMIT = 400 * 1024
BUDGET_SECONDS, BUDGET_RATIO = 4.0, 10.0
NOW = datetime(2027, 6, 2, 15, tzinfo=UTC)  # a Wednesday: the week going on is worked out
REGIONS = [f"{n:02d}" for n in range(1, 18)]
T = TypeVar("T")


@dataclass
class Counted:
    calls: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, size: int = 0) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1
        self.bytes[name] = self.bytes.get(name, 0) + size


@dataclass
class Year:
    """The tables of a year, as their adapters hand them out (the tenders as stored JSON)."""

    first_seen: dict[Week, list[str]]
    awarded: dict[Week, list[str]]
    enterprises: list[Enterprise]
    activity: dict[str, EnterpriseActivity]
    pledges: list[Pledge]
    kept: dict[Week, str] = field(default_factory=dict)
    reads: Counted = field(default_factory=Counted)

    # FigureBook's and ProgrammeReports' ports
    def first_seen_in(self, week: Week) -> list[SeenTender]:
        return self._seen("tenders first seen (Query)", self.first_seen.get(week, []))

    def awarded_in(self, week: Week) -> list[SeenTender]:
        return self._seen("tenders awarded (Query)", self.awarded.get(week, []))

    def load(self) -> tuple[list[Enterprise], list[Profile]]:
        self.reads.add("enterprises (Scan)")
        return self.enterprises, []

    def everything(self, now: datetime) -> Iterable[Pledge]:
        self.reads.add("pledges (Scan)")
        return self.pledges

    def links(self) -> list[SignatoryLink]:
        self.reads.add("signatory links (Query)")
        return []

    def of_year(self, year: int) -> list[YearlyReport]:
        self.reads.add("yearly reports of a year (Query)")
        return []

    def figures_of(self, weeks: Sequence[Week]) -> dict[Week, WeekFigures]:
        found = {week: self.kept[week] for week in weeks if week in self.kept}
        self.reads.add("weeks' figures (BatchGetItem)", sum(map(len, found.values())))
        return {w: WeekFigures.from_json(text, computed_at=NOW, version=1) for w, text in found.items()}

    def save_figures(self, figures: WeekFigures) -> None:
        self.kept[figures.week] = figures.to_json()

    def activities_of(self, enterprise_ids: Sequence[str]) -> dict[str, EnterpriseActivity]:
        found = {enterprise_id: self.activity[enterprise_id] for enterprise_id in enterprise_ids}
        for activity in found.values():
            size = 60 * (len(activity.matches) + len(activity.won))  # a projected item: kind, keys, moments
            self.reads.add("an enterprise's matches (Query, 8 at once)", size)
        return found

    def record_won(self, won: ContractWon, now: datetime) -> bool:
        return True

    def _seen(self, name: str, items: list[str]) -> list[SeenTender]:
        self.reads.add(name, sum(map(len, items)))
        found = []
        for text in items:
            item = json.loads(text)
            found.append(
                SeenTender(
                    Tender.from_dict(item["tender"]),
                    datetime.fromisoformat(item["first_seen_at"]),
                    datetime.fromisoformat(item["status_since"]),
                )
            )
        return found


def a_year(weeks: int, enterprises: int, chance: random.Random) -> Year:
    """The tenders of the last complete week and of the week going on; the enterprises' activity of every week."""
    going_on = Week.containing(NOW)
    all_weeks = [going_on.back(n) for n in range(weeks, -1, -1)]
    registered = [
        Enterprise(f"e{n}", f"Coopérative {n}", neq=f"11{n:08d}", regions_served=(chance.choice(REGIONS),))
        for n in range(enterprises)
    ]
    signatories = [f"Ville de Signataire {n}" for n in range(40)]
    pledges = [_pledge(n, signatories[n % len(signatories)], chance) for n in range(PLEDGES)]
    first_seen: dict[Week, list[str]] = {}
    awarded: dict[Week, list[str]] = {}
    for week in (going_on.previous, going_on):
        for n in range(WEEK_NOTICES):
            seen = week.start + timedelta(minutes=chance.randrange(7 * 24 * 60))
            is_awarded = chance.random() < AWARDED_SHARE
            buyer = chance.choice(signatories) if chance.random() < SIGNATORY_SHARE else f"Organisme {n % 900}"
            award = _award(seen, registered, chance) if is_awarded else ()
            item = _tender(f"{week}-{n}", buyer, seen, award, chance)
            stored = {"tender": item.to_dict(), "first_seen_at": seen.isoformat(), "status_since": seen.isoformat()}
            text = json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
            first_seen.setdefault(week, []).append(text)
            if is_awarded:
                awarded.setdefault(week, []).append(text)
    activity = {}
    for enterprise in registered:
        matches = tuple(
            MatchRecord(enterprise.id, f"seao:{week}-{n}", week.start + timedelta(days=2), True)
            for week in all_weeks
            for n in range(ALERTS_A_WEEK)
        )
        won = tuple(
            WonRecord(enterprise.id, f"seao:{week}-w", "1", Decimal(45990), week.start + timedelta(days=3))
            for week in all_weeks[::8]
        )
        activity[enterprise.id] = EnterpriseActivity(matches, won)
    return Year(first_seen, awarded, registered, activity, pledges)


def earlier(figures: WeekFigures, weeks: int) -> WeekFigures:
    """The same figures `weeks` weeks before: what the weekly runs kept for a year of weeks like this one."""
    back = timedelta(weeks=weeks)
    lines = tuple(replace(line, day=line.day - back) for line in figures.lines)
    return WeekFigures(figures.week.back(weeks), lines, figures.computed_at)


def _tender(native_id: str, buyer: str, seen: datetime, award: tuple[Award, ...], chance: random.Random) -> Tender:
    region = chance.choice(REGIONS)
    awarded = bool(award)
    return Tender(
        source="seao",
        native_id=native_id,
        revision=seen.strftime("%Y%m%d%H%M%S"),
        title=Text("Services d'entretien ménager des immeubles du centre administratif et des bibliothèques"),
        description=Text("Le présent appel d'offres vise l'entretien ménager des immeubles. " * 3),
        status=Status.AWARDED if awarded else Status.OPEN,
        buyer=Buyer(Text(buyer), f"OP-{chance.randrange(99999):05d}"),
        classifications=(Classification("UNSPSC", "76111501", Text("Services de nettoyage d'immeubles")),),
        category=Category.SERVICES,
        closing_at=seen + timedelta(days=20 if not awarded else -30),
        published_at=seen,
        url=f"https://seao.ca/avis/{native_id}",
        awards=award,
        regions=Regions(Scope.REGIONS, (RegionEvidence(region, "buyer", 0.9),)),
    )


def _award(seen: datetime, registered: list[Enterprise], chance: random.Random) -> tuple[Award, ...]:
    """One award, to a registered enterprise 2 % of the time."""
    enterprise = chance.choice(registered) if chance.random() < 0.02 else None
    supplier = (
        Supplier(enterprise.name, neq=enterprise.neq)
        if enterprise
        else Supplier(f"Entreprise privée {chance.randrange(5000)} inc.")
    )
    money = Money(Decimal(chance.randrange(5_000, 2_000_000)), "CAD")
    return (Award("1", "active", seen - timedelta(days=40), money, (supplier,)),)


def _pledge(n: int, institution: str, chance: random.Random) -> Pledge:
    confirmed = NOW - timedelta(days=chance.randrange(1, 360))
    details = PledgeDetails(
        institution, InstitutionType.MUNICIPALITY, chance.choice(REGIONS), "Nom", "Titre", f"p{n}@example.org", None,
        chance.choice((None, 5, 10, 15)), (), True, True,
    )  # fmt: skip
    verdict = Verdict(Verification.VERIFIED, confirmed + timedelta(days=2), "o", "organizer")
    return Pledge(
        f"p{n}", details, "fr", PledgeStatus.CONFIRMED, confirmed - timedelta(hours=1), CONSENT_VERSION,
        confirmed_at=confirmed, verdict=verdict,
    )  # fmt: skip


def organizer(regions: tuple[str, ...]) -> Actor:
    return Actor(RoleGrant(Role.ORGANIZER, "o", "Organisateur", regions), "key", "fr", "s", "t")


def cpu(action: Callable[[], T]) -> tuple[float, T]:
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def on_the_demo_world() -> None:
    """The report of the edition in progress on `make serve`'s world, through the web function on moto."""
    import contextlib
    import io
    from collections import Counter

    sys.path.insert(0, str(ROOT))
    import esja.bootstrap
    from esja.signin.links import CSRF_FIELD, NEXT_FIELD, ROLE_FIELD, ROLE_PATH
    from local.invitation_demo import Browser, hidden_fields, sign_in
    from local.runtime import local_aws
    from local.serve import build_world, web_environment
    from local.world import COACH, ORGANIZER

    print("\nbuilding the demo's world on moto (make serve's)…", flush=True)
    with local_aws() as aws, contextlib.redirect_stdout(io.StringIO()):
        built = build_world(aws)
        requests: Counter[str] = Counter()
        esja.bootstrap._session().events.register(  # the web function's clients are made from this session
            "before-call", lambda model, **_: requests.update([f"{model.name}"])
        )
        env = web_environment(aws, "http://127.0.0.1:3000")
        timed = []
        for email, organizer_id in ((COACH.email, "esbsl"), (ORGANIZER.email, "cesim")):
            visitor = Browser(aws, env, "127.0.0.1:3000")
            assert sign_in(visitor, email, "/organisation/", say=False)
            if visitor.get("/organisation/")["statusCode"] == 303:  # more than one role: act as the organizer
                token = hidden_fields(visitor.get(ROLE_PATH))[CSRF_FIELD]
                chosen = {CSRF_FIELD: token, ROLE_FIELD: f"{Role.ORGANIZER}:{organizer_id}", NEXT_FIELD: ""}
                visitor.post(ROLE_PATH, chosen)
            assert visitor.get("/organisation/")["statusCode"] == 200  # the container's cold start is not the report's
            requests.clear()
            started = time.perf_counter()
            answer = visitor.get("/organisation/rapport")
            timed.append((organizer_id, answer["statusCode"], time.perf_counter() - started, dict(requests)))
    assert built
    for organizer_id, status, seconds, counted in timed:
        reads = ", ".join(f"{count} {name}" for name, count in sorted(counted.items()))
        print(f"the demo's report for {organizer_id}: {status}, {seconds * 1000:.0f} ms wall on moto; {reads}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-demo", action="store_true", help="skip the report on the demo's world (moto)")
    args = parser.parse_args()
    print(f"building {args.weeks} weeks of {WEEK_NOTICES:,} notices, {args.enterprises} enterprises…", flush=True)
    year = a_year(args.weeks, args.enterprises, random.Random(args.seed))
    book = FigureBook(
        tenders=year, enterprises=year, pledges=year, organizers=year, figures=year, clock=lambda: NOW, matches=year
    )
    going_on = Week.containing(NOW)

    # The weekly run's extra work, and the baseline: a week worked out from the tables, as many times as weeks.
    one_week, worked = cpu(lambda: book.work_out(going_on.previous))
    for weeks_before in range(args.weeks):
        year.save_figures(earlier(worked.figures, weeks_before))
    sizes = [len(text.encode()) for text in year.kept.values()]
    baseline = one_week * (args.weeks + 1)

    reports = ProgrammeReports(book=book, enterprises=year, matches=year, pledges=year, reports=year, clock=lambda: NOW)
    days = Days(going_on.monday - timedelta(days=364), going_on.sunday)
    seconds = 0.0
    for who, regions in (("a region's organizer (01)", ("01",)), ("an organizer of every region", ())):
        year.reads = Counted()
        actor = organizer(regions)
        seconds, _ = cpu(lambda actor=actor: reports.report(actor, days))  # type: ignore[misc]
        print(f"\nthe year's report for {who}: {seconds:.2f} s CPU ({seconds / baseline * 100:.1f} % of the baseline)")
        for name, calls in sorted(year.reads.calls.items()):
            read = year.reads.bytes[name]
            pages = f": {max(calls, -(-read // PAGE_BYTES))} pages" if "Query" in name else ""
            pages = f", {read / 1e6:.1f} MB{pages}" if read else pages
            print(f"  {calls:>4} × {name}{pages}")
    print(f"\na week's figures worked out from the tables (its tenders read too): {one_week:.2f} s CPU")
    print(f"a week's figures kept: {max(sizes) / 1024:.1f} kB (an item may hold {ITEM_LIMIT // 1024} kB)")
    print(f"baseline, the year worked out from the tables: {baseline:.1f} s CPU ({one_week:.2f} s a week)")
    ratio = baseline / seconds
    print(
        f"the report is {ratio:.0f} times faster than the baseline (budget {BUDGET_SECONDS:.0f} s, ×{BUDGET_RATIO:.0f})"
    )
    if not args.no_demo:
        on_the_demo_world()
    if seconds > BUDGET_SECONDS or ratio < BUDGET_RATIO or max(sizes) > ITEM_LIMIT:
        print("over budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
