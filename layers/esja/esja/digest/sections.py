"""The digest's sections: each figure of the week beside the previous week's, for one organizer.

Lists (closing soon, nobody told, signatories' tenders, contracts won, enterprises' alerts) are the
organizer's: tenders located in its regions, enterprises serving them. Counts about the programme
as a whole (new tenders, pledges, contracts won, deliverability) are for all of Québec.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from esja.digest.facts import WeekAnswers, WeekFacts, family_of
from esja.digest.organizers import Organizer
from esja.digest.outcomes import NOT_AWARDED, ContractWon, total_amount
from esja.digest.signatories import Signatory, buyer_key, in_force
from esja.digest.week_data import ALERT_SENT, BOUNCE, COMPLAINT, UNSUBSCRIBE, SeenTender
from esja.digest.weeks import Week
from esja.geo.organisations import main_name
from esja.geo.regions import all_regions
from esja.model import FLOOD_THRESHOLD, Scope, Tender, Text
from esja.pledges.model import Pledge, Verification
from esja.sources.catalogue import INVITATIONS_SOURCE

QUIET_WEEKS = 4  # no tender alerted for this many weeks: the profile is probably too narrow
CLOSING_WINDOW = timedelta(days=7)
NO_CATEGORY = "none"
NO_FAMILY = ""
# Named in the catalogue (ESJA's own invitations too); any other feed by its publisher.
BUILT_IN_SOURCES = ("seao", "canadabuys", INVITATIONS_SOURCE)
REGION_ORDER = (*(r.code for r in all_regions()), *(s.value for s in Scope if s is not Scope.REGIONS))


@dataclass(frozen=True, slots=True)
class Figure:
    this: int
    last: int


@dataclass(frozen=True, slots=True)
class Amount:
    this: Decimal
    last: Decimal


@dataclass(frozen=True, slots=True)
class Row:
    """One bar of a chart: `key` is a source name, a region code or scope, a category…"""

    key: str
    this: int
    last: int
    highlighted: bool = False  # the organizer's own region


@dataclass(frozen=True, slots=True)
class Publisher:
    """How a feed other than SEAO and CanadaBuys is named: by the buyer that publishes in it (a city's
    open-data feed is its own), never by the identifier it was configured under."""

    name: Text
    other_buyers: int = 0


@dataclass(frozen=True, slots=True)
class NewTenders:
    in_quebec: Figure  # located in Québec, or not located (every feed read is Québec's or CanadaBuys')
    canada_wide: Figure
    in_regions: Figure
    by_source: tuple[Row, ...]  # these charts count the tenders in Québec and the Canada-wide ones
    by_region: tuple[Row, ...]  # region codes, then scopes for tenders not tied to a region
    by_category: tuple[Row, ...]
    publishers: Mapping[str, Publisher] = field(default_factory=dict)  # by source, for the other feeds


@dataclass(frozen=True, slots=True)
class EnterpriseAlerts:
    enterprise_id: str
    name: str
    alerted: Figure  # tenders an enterprise's subscribers were told about, by the week they matched
    quiet: bool  # none in QUIET_WEEKS weeks
    flooded: bool  # more than FLOOD_THRESHOLD this week


@dataclass(frozen=True, slots=True)
class AlertActivity:
    enterprises: tuple[EnterpriseAlerts, ...]
    answers: tuple[tuple[str, WeekAnswers], ...] = ()  # by enterprise name: those whose people answered
    threshold: int = FLOOD_THRESHOLD
    quiet_weeks: int = QUIET_WEEKS

    @property
    def quiet(self) -> tuple[EnterpriseAlerts, ...]:
        return tuple(e for e in self.enterprises if e.quiet)

    @property
    def flooded(self) -> tuple[EnterpriseAlerts, ...]:
        return tuple(e for e in self.enterprises if e.flooded)


@dataclass(frozen=True, slots=True)
class TenderLine:
    tender: Tender
    enterprises: tuple[str, ...]  # names of the enterprises it matched
    signatory: str | None = None  # the institution that signed, when its buyer did


@dataclass(frozen=True, slots=True)
class TenderList:
    count: Figure
    tenders: tuple[TenderLine, ...]


@dataclass(frozen=True, slots=True)
class FamilyGroup:
    code: str  # 4 digits; NO_FAMILY for tenders without a UNSPSC code
    description: Text
    count: Figure
    tenders: tuple[Tender, ...]  # this week's


@dataclass(frozen=True, slots=True)
class Unmatched:
    count: Figure
    families: tuple[FamilyGroup, ...]


@dataclass(frozen=True, slots=True)
class PledgeFigures:
    new: Figure  # forms signed (confirmed or not)
    confirmed: Figure
    withdrawn: Figure  # by their signatory (a pledge replaced by a newer one is not counted)
    signatories: Figure  # institutions with a pledge in force at the week's end
    confirmed_in_regions: tuple[str, ...]  # institutions of the organizer's regions that confirmed


@dataclass(frozen=True, slots=True)
class Outcomes:
    won: tuple[ContractWon, ...]  # this week, by the organizer's enterprises
    won_count: Figure  # all registered enterprises
    won_amount: Amount
    signatory_awards: Figure  # awards by signatory buyers
    signatory_amount: Amount
    signatory_to_registered: Figure  # … of which to registered enterprises


@dataclass(frozen=True, slots=True)
class Deliverability:
    alert_emails: Figure
    bounces: Figure
    complaints: Figure
    unsubscribes: Figure


@dataclass(frozen=True, slots=True)
class Digest:
    organizer: Organizer
    week: Week
    as_of: datetime
    new_tenders: NewTenders
    alerts: AlertActivity
    closing_soon: TenderList
    unmatched: Unmatched
    signatory_tenders: TenderList
    pledges: PledgeFigures
    outcomes: Outcomes
    deliverability: Deliverability


def build_digest(facts: WeekFacts, organizer: Organizer) -> Digest:
    return Digest(
        organizer=organizer,
        week=facts.week,
        as_of=facts.data.as_of,
        new_tenders=new_tenders(facts, organizer),
        alerts=alert_activity(facts, organizer),
        closing_soon=closing_soon(facts, organizer),
        unmatched=unmatched(facts, organizer),
        signatory_tenders=signatory_tenders(facts, organizer),
        pledges=pledge_figures(facts, organizer),
        outcomes=outcomes(facts, organizer),
        deliverability=deliverability(facts),
    )


def new_tenders(facts: WeekFacts, organizer: Organizer) -> NewTenders:
    """The week's new calls for tenders that concern Québec enterprises: those in Québec, and the
    Canada-wide ones on their own line; notices only for other provinces are not counted."""
    this, last = for_quebec(facts.new_in(facts.week)), for_quebec(facts.new_in(facts.previous))

    def rows(keys: Callable[[Tender], Iterable[str]], order: tuple[str, ...] = ()) -> tuple[Row, ...]:
        counted = (Counter(k for s in this for k in keys(s.tender)), Counter(k for s in last for k in keys(s.tender)))
        found = set(counted[0]) | set(counted[1])
        ranked = sorted(found, key=lambda k: (order.index(k) if k in order else len(order), -counted[0][k], k))
        return tuple(Row(k, counted[0][k], counted[1][k], organizer.covers(k)) for k in ranked)

    def count(seen: list[SeenTender], where: Callable[[Tender], bool]) -> int:
        return sum(where(s.tender) for s in seen)

    def figure(where: Callable[[Tender], bool]) -> Figure:
        return Figure(count(this, where), count(last, where))

    return NewTenders(
        in_quebec=figure(lambda t: not canada_wide(t)),
        canada_wide=figure(canada_wide),
        in_regions=figure(organizer.covers_tender),
        by_source=rows(lambda t: (t.source,)),
        by_region=rows(_places, REGION_ORDER),
        by_category=rows(lambda t: (t.category.value if t.category else NO_CATEGORY,)),
        publishers=publishers(s.tender for s in (*this, *last)),
    )


def publishers(tenders: Iterable[Tender]) -> dict[str, Publisher]:
    """Each other feed's most frequent buyer, and how many more buyers publish in it (a city's services,
    « Ville de Rimouski - Service des travaux publics », are the city)."""
    buyers: dict[str, Counter[Text]] = {}
    for tender in tenders:
        if tender.source not in BUILT_IN_SOURCES and tender.buyer is not None:
            name = tender.buyer.name
            main = Text(name.fr and main_name(name.fr), name.en and main_name(name.en))
            buyers.setdefault(tender.source, Counter())[main] += 1
    return {
        source: Publisher(counted.most_common(1)[0][0], len(counted) - 1) for source, counted in sorted(buyers.items())
    }


def for_quebec(seen: list[SeenTender]) -> list[SeenTender]:
    """The calls that concern Québec enterprises: those in Québec (or not located) and the Canada-wide ones."""
    return [s for s in seen if _scope(s.tender) is not Scope.OUTSIDE_QUEBEC]


def canada_wide(tender: Tender) -> bool:
    return _scope(tender) is Scope.CANADA


def _scope(tender: Tender) -> Scope:
    return tender.regions.scope if tender.regions is not None else Scope.UNKNOWN


def alert_activity(facts: WeekFacts, organizer: Organizer) -> AlertActivity:
    quiet_since = facts.week.back(QUIET_WEEKS - 1).start
    counts: dict[str, Counter[str]] = {}
    recent: set[str] = set()
    for record in facts.data.matches:
        if not record.alerted:
            continue
        for week in (facts.week, facts.previous):
            if week.contains(record.matched_at):
                counts.setdefault(record.enterprise_id, Counter())[str(week)] += 1
        if quiet_since <= record.matched_at < facts.week.end:
            recent.add(record.enterprise_id)
    lines = []
    for enterprise in facts.data.enterprises:
        if not organizer.covers_enterprise(enterprise):
            continue
        counted = counts.get(enterprise.id, Counter())
        alerted = Figure(counted[str(facts.week)], counted[str(facts.previous)])
        lines.append(
            EnterpriseAlerts(
                enterprise_id=enterprise.id,
                name=enterprise.name,
                alerted=alerted,
                quiet=enterprise.id not in recent,
                flooded=alerted.this > FLOOD_THRESHOLD,
            )
        )
    answers = sorted((e.name, facts.answers[e.enterprise_id]) for e in lines if e.enterprise_id in facts.answers)
    return AlertActivity(tuple(sorted(lines, key=lambda e: (-e.alerted.this, -e.alerted.last, e.name))), tuple(answers))


def closing_soon(facts: WeekFacts, organizer: Organizer) -> TenderList:
    def closing(week: Week) -> list[SeenTender]:
        moment = facts.as_of(week)
        return [
            s
            for s in facts.data.closing
            if organizer.covers_tender(s.tender)
            and s.open_at(moment)
            and s.tender.closing_at is not None
            and s.tender.closing_at <= moment + CLOSING_WINDOW
        ]

    this = sorted(closing(facts.week), key=lambda s: (s.tender.closing_at, s.tender.key))
    lines = tuple(TenderLine(s.tender, tuple(facts.matched(s.tender.key, facts.data.as_of))) for s in this)
    return TenderList(Figure(len(this), len(closing(facts.previous))), lines)


def unmatched(facts: WeekFacts, organizer: Organizer) -> Unmatched:
    def nobody_told(week: Week) -> dict[str, list[Tender]]:
        moment = facts.as_of(week)
        found: dict[str, list[Tender]] = {}
        for seen in facts.data.closing:
            tender = seen.tender
            if organizer.covers_tender(tender) and seen.open_at(moment) and not facts.matched(tender.key, moment):
                found.setdefault(_family(tender), []).append(tender)
        return found

    this, last = nobody_told(facts.week), nobody_told(facts.previous)
    families = [
        FamilyGroup(
            code=code,
            description=facts.families.get(code, Text()),
            count=Figure(len(this.get(code, ())), len(last.get(code, ()))),
            tenders=tuple(sorted(this.get(code, ()), key=lambda t: (t.closing_at is None, t.closing_at, t.key))),
        )
        for code in set(this) | set(last)
    ]
    families.sort(key=lambda f: (f.code == NO_FAMILY, -f.count.this, -f.count.last, f.code))
    total = Figure(sum(map(len, this.values())), sum(map(len, last.values())))
    return Unmatched(total, tuple(families))


def signatory_tenders(facts: WeekFacts, organizer: Organizer) -> TenderList:
    def lines(week: Week) -> list[TenderLine]:
        signatories, moment = facts.signatories_at(week), facts.as_of(week)
        found = []
        for seen in facts.new_in(week):
            signatory = signatories.signatory_of(seen.tender)
            if signatory and (organizer.covers_tender(seen.tender) or organizer.covers(signatory.region)):
                matched = tuple(facts.matched(seen.tender.key, moment))
                found.append(TenderLine(seen.tender, matched, signatory.institution_name))
        return sorted(found, key=lambda line: (line.signatory or "", line.tender.key))

    this = lines(facts.week)
    return TenderList(Figure(len(this), len(lines(facts.previous))), tuple(this))


def pledge_figures(facts: WeekFacts, organizer: Organizer) -> PledgeFigures:
    pledges = facts.data.pledges

    def during(week: Week, moment: PledgeMoment) -> int:
        return sum(1 for p in pledges if (at := moment(p)) is not None and week.contains(at))

    def signatories(at: datetime) -> int:
        return len({buyer_key(p.details.institution_name) for p in pledges if in_force(p, at)})

    def figure(moment: PledgeMoment) -> Figure:
        return Figure(during(facts.week, moment), during(facts.previous, moment))

    confirmed_here = sorted(
        {
            p.details.institution_name
            for p in pledges
            if p.confirmed_at and facts.week.contains(p.confirmed_at) and organizer.covers(p.details.region)
        }
    )
    return PledgeFigures(
        new=figure(PLEDGE_MOMENTS["new"]),
        confirmed=figure(PLEDGE_MOMENTS["confirmed"]),
        withdrawn=figure(PLEDGE_MOMENTS["withdrawn"]),
        signatories=Figure(signatories(facts.data.as_of), signatories(facts.data.previous_as_of)),
        confirmed_in_regions=tuple(confirmed_here),
    )


PledgeMoment = Callable[[Pledge], datetime | None]


def verified_at(pledge: Pledge) -> datetime | None:
    verdict = pledge.verdict
    return verdict.at if verdict is not None and verdict.state is Verification.VERIFIED else None


# When a pledge counts as new (the form signed), confirmed, verified, or withdrawn by its signatory (a pledge
# replaced by a newer one of the same signatory is not a withdrawal).
PLEDGE_MOMENTS: dict[str, PledgeMoment] = {
    "new": lambda p: p.created_at,
    "confirmed": lambda p: p.confirmed_at,
    "verified": verified_at,
    "withdrawn": lambda p: p.withdrawn_at if p.replaced_by is None else None,
}


@dataclass(frozen=True, slots=True)
class SignatoryAward:
    """An award found in a week, by a buyer that had signed by the week's end."""

    seen: SeenTender
    signatory: Signatory
    key: tuple[str, str]  # the tender's key, the award's id (or its position)
    amount: Decimal  # CAD; 0 when the publisher gave none, or gave another currency


def signatory_awards(facts: WeekFacts, week: Week) -> list[SignatoryAward]:
    """The awards of the tenders found awarded in the week (this one or the previous) whose buyer had signed."""
    signatories = facts.signatories_at(week)
    found = []
    for seen in facts.awarded_in(week):
        signatory = signatories.signatory_of(seen.tender)
        if signatory is None:
            continue
        for number, award in enumerate(seen.tender.awards):
            if award.status in NOT_AWARDED:
                continue
            amount = award.value.amount if award.value is not None and award.value.currency in (None, "CAD") else 0
            found.append(SignatoryAward(seen, signatory, (seen.tender.key, award.id or str(number)), Decimal(amount)))
    return found


def outcomes(facts: WeekFacts, organizer: Organizer) -> Outcomes:
    enterprises = {e.id: e for e in facts.data.enterprises}
    won = tuple(w for w in facts.won_this if organizer.covers_enterprise(enterprises[w.enterprise_id]))

    def by_signatories(week: Week) -> tuple[int, Decimal, int]:
        won_keys = {(w.tender_key, w.award_id) for w in (facts.won_this if week == facts.week else facts.won_last)}
        awards = signatory_awards(facts, week)
        return len(awards), sum((a.amount for a in awards), Decimal(0)), sum(a.key in won_keys for a in awards)

    this, last = by_signatories(facts.week), by_signatories(facts.previous)
    return Outcomes(
        won=won,
        won_count=Figure(len(facts.won_this), len(facts.won_last)),
        won_amount=Amount(total_amount(facts.won_this), total_amount(facts.won_last)),
        signatory_awards=Figure(this[0], last[0]),
        signatory_amount=Amount(this[1], last[1]),
        signatory_to_registered=Figure(this[2], last[2]),
    )


def deliverability(facts: WeekFacts) -> Deliverability:
    def figure(kind: str) -> Figure:
        events = [e for e in facts.data.events if e.kind == kind]
        return Figure(
            sum(facts.week.contains(e.at) for e in events), sum(facts.previous.contains(e.at) for e in events)
        )

    return Deliverability(figure(ALERT_SENT), figure(BOUNCE), figure(COMPLAINT), figure(UNSUBSCRIBE))


def _places(tender: Tender) -> tuple[str, ...]:
    """Where a tender counts in the regional chart: each of its regions, else its scope."""
    regions = tender.regions
    if regions is None:
        return (Scope.UNKNOWN.value,)
    if regions.scope is Scope.REGIONS:
        return regions.codes or (Scope.UNKNOWN.value,)
    return (regions.scope.value,)


def _family(tender: Tender) -> str:
    """The family of the tender's first UNSPSC code: each tender is counted once."""
    return next((f for c in tender.classifications if (f := family_of(c))), NO_FAMILY)
