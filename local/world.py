"""The world `make serve` starts with, to try every page: the demo's whole pipeline (local.demo.run_pipeline:
the sample feeds polled, the enterprises imported and matched, the alerts sent, a pledge signed through the
pages, the organizers' digests), then what the spaces need. Each issue adds its part in a function of its
own, called by `add_spaces`, and says who to sign in as in `PEOPLE`:

- `pledges_in_each_state` (issue 12): pending, to verify, verified, rejected, withdrawn;
- `an_organizer_who_coaches_an_enterprise` (issue 12): one address, two roles (the role chooser);
- `feedback_to_show_a_suggestion` (issue 13): Les Ateliers Mon Choix's people answered « Pertinent » / « Pas
  pertinent » about seven cleaning tenders (local.feedback_case): its space suggests a change;
- `contracts_to_confirm` (issue 13): two awards found for Les Ateliers Mon Choix, by its NEQ and by its name;
- `the_pilot_in_the_directory` (issue 13): the six enterprises of the Bas-Saint-Laurent pilot listed;
- `institutions_domains` (issue 12): the e-mail domains that verify a few institutions' pledges at once;
- `a_request_to_join` (issue 13): an enterprise asked to receive the alerts; ESBSL's organizer decides it;
- `an_edition_so_far` (issue 12): the weeks of the edition in progress before this one — tenders, alerts,
  pledges, the digests' figures kept and their archived pages — for the console's report and past digests.
- the Ville de Rimouski's invitation (issue 14) comes with the pipeline itself (local.invitation_demo);
- `the_results_of_ville_de_rimouski` (issue 14): its own SEAO tender, matched (who fits it), a contract it
  awarded this year to a registered enterprise (the year's report pre-filled), and last year's report. Called
  after `add_spaces` (local.serve; the signatories' space's own tests), not by it: the other features' tests
  sign and verify a Ville de Rimouski pledge of their own.

The tests build the same people without the feeds (`people_of_the_spaces`).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from esja.clock import TIME_ZONE
from esja.directory.listing import LISTING_WORDING_VERSION, ChoiceKind, Listing, ListingChoice, ListingRecord
from esja.feedback.model import Vote
from esja.ingest.changes import Change, plan_change
from esja.joining.model import CONSENT_WORDING, PENDING_RETENTION, JoinDetails, JoinRequest
from esja.matching.features import tender_features
from esja.matching.rules import match_one
from esja.model import (
    Award,
    Buyer,
    Category,
    Classification,
    Consent,
    Match,
    Money,
    RegionEvidence,
    Regions,
    Scope,
    Status,
    Subscriber,
    Supplier,
    Tender,
    Text,
)
from esja.people.keys import AddressKeys
from esja.pledges.domains import InstitutionDomain
from esja.pledges.links import new_pledge_id
from esja.pledges.model import (
    BY_ORGANIZER,
    CONSENT_VERSION,
    REJECTED_RETENTION,
    WITHDRAWN_RETENTION,
    InstitutionType,
    Pledge,
    PledgeDetails,
    PledgeStatus,
    Verdict,
    Verification,
)
from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Declared, Found, Period, YearlyReport
from esja.store.directory import DirectoryStore
from esja.store.enterprises import EnterpriseStore
from esja.store.feedback import FeedbackStore
from esja.store.join_requests import JoinRequestStore
from esja.store.match_queue import MatchQueue
from esja.store.matches import MatchStore
from esja.store.organizers import OrganizerStore
from esja.store.pledges import PledgeStore
from esja.store.subscriptions import SubscriptionStore
from esja.store.tenders import TenderStore
from esja.store.yearly_reports import ReportStore
from local import feedback_case
from local.demo import import_enterprises
from local.digest_demo import import_organizers
from local.runtime import LOCAL_SECRETS, LocalAws

if TYPE_CHECKING:
    from esja.digest.weeks import Week

KEYS = AddressKeys.fixed(LOCAL_SECRETS["ADDRESS_KEY_SECRET"])


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    who: str  # what `make serve` says of them


ORGANIZER = Person("digest@cesim.example.org", "organizer of CÉSIM (Montréal, region 06)")
COACH = Person(
    "sommaire@esbsl.example.org",
    "organizer of Économie sociale Bas-Saint-Laurent (region 01), who also manages Parc Kiskotuk's space: "
    "chooses after signing in; a request to join waits for them at /organisation/adhesions",
)
ENTERPRISE = Person(
    "direction.monchoix@example.org",
    "manager of Les Ateliers Mon Choix's space (« Pertinence »: feedback and two suggestions; « Collègues »;"
    " « Contrats obtenus »: two awards found, one a namesake's)",
)
COLLEAGUE = "ventes.monchoix@example.org"  # Marc Ouellet, who also manages Les Ateliers Mon Choix's space
SIGNATORY = Person("achats@cegep-rimouski.example.org", "signatory of the Cégep de Rimouski (verified pledge)")
NOT_LISTED = Person(
    "deneigement.fjord@example.org",
    "manager of the Coopérative de déneigement du Fjord's space, not in the directory yet: publish its listing",
)
# The demo's own signatory (local.demo, steps 6 and 7): signed through the pages, verified, and its open
# invitation matched and e-mailed to Les Ateliers Mon Choix (local.invitation_demo).
INVITING = Person(
    "direction.approvisionnement@ville-rimouski.example.org",
    "signatory of the Ville de Rimouski (verified), with one open invitation: Mes invitations; its SEAO tender "
    "and who fits it: Qui convient; last year's report and this year's pre-filled: Rapports annuels",
)
PEOPLE = (ORGANIZER, COACH, ENTERPRISE, SIGNATORY, INVITING, NOT_LISTED)


def add_spaces(aws: LocalAws) -> None:
    """What the spaces add to the demo's world."""
    pledges_in_each_state(aws)
    an_organizer_who_coaches_an_enterprise(aws)
    the_pilot_in_the_directory(aws)
    feedback_to_show_a_suggestion(aws)
    contracts_to_confirm(aws)
    institutions_domains(aws)
    a_request_to_join(aws)
    an_edition_so_far(aws)


def people_of_the_spaces(aws: LocalAws) -> None:
    """The spaces' people without the feeds, alerts and digests (the tests' world): the organizers' and the
    enterprises' spreadsheets loaded as the demo loads them, then `add_spaces`."""
    if not (import_organizers(aws) and import_enterprises(aws)):
        raise RuntimeError("the example spreadsheets did not load")
    add_spaces(aws)


@dataclass(frozen=True, slots=True)
class Signed:
    institution: str
    kind: InstitutionType
    region: str
    email: str
    title: str


SIGNED = {
    Verification.VERIFIED: Signed("Cégep de Rimouski", InstitutionType.CEGEP, "01", SIGNATORY.email, "Directrice"),
    Verification.TO_VERIFY: Signed(
        "Centre de services scolaire des Phares",
        InstitutionType.SCHOOL_SERVICE_CENTRE,
        "01",
        "achats@csphares.example.org",
        "Régisseur",
    ),
    Verification.REJECTED: Signed(
        "Ville de Montréal", InstitutionType.MUNICIPALITY, "06", "maire.montreal@courriel.example.com", "Maire"
    ),
}
WITHDRAWN = Signed("Municipalité de Saint-Fabien", InstitutionType.MUNICIPALITY, "01", "dg@st-fabien.example.org", "DG")
PENDING = Signed("MRC de La Mitis", InstitutionType.MRC, "01", "dg@mitis.example.org", "Directrice générale")
REJECTION = "Adresse personnelle : rien ne montre que le signataire parle au nom de la Ville."


def pledges_in_each_state(aws: LocalAws) -> None:
    """A pledge in each state the console shows, beside the one the demo signs through the pages (verified by the
    demo before it posts its invitation)."""
    store = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))
    now = datetime.now(UTC)
    for state, signed in SIGNED.items():
        confirmed = confirmed_pledge(store, signed, now)
        if state is not Verification.TO_VERIFY:
            by, at = ("cesim" if signed.region == "06" else "esbsl"), now - timedelta(days=1)
            rejected = state is Verification.REJECTED
            verdict = Verdict(state, at, by, BY_ORGANIZER, REJECTION if rejected else "")
            store.record_verdict(confirmed, verdict, purge_at=at + REJECTED_RETENTION if rejected else None)
    withdrawn = confirmed_pledge(store, WITHDRAWN, now)
    store.withdraw(withdrawn.id, now - timedelta(hours=5), now + WITHDRAWN_RETENTION)
    store.add(_pledge(now, PENDING))


def confirmed_pledge(store: PledgeStore, signed: Signed, now: datetime, *, target: int = 10) -> Pledge:
    """A pledge signed three days before `now` and confirmed the day after, waiting to be verified."""
    pledge = _pledge(now, signed, target)
    store.add(pledge)
    confirmed = store.confirm(pledge, now - timedelta(days=2))
    assert confirmed is not None
    return confirmed


def an_organizer_who_coaches_an_enterprise(aws: LocalAws) -> None:
    """ESBSL's organizer also manages the space of an enterprise the hub coaches: one address, two roles."""
    store = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"), address_keys=KEYS)
    enterprises, profiles = store.load()
    park = next(e for e in enterprises if e.id == "parc-kiskotuk")
    consent = Consent(datetime(2026, 11, 2, 9, tzinfo=UTC), "courriel du 2026-11-02", "consentement-2026-01")
    coach = Subscriber(COACH.email, "Équipe ESBSL", "fr", "weekly", consent, manages_space=True)
    first = replace(park.subscribers[0], manages_space=True)  # the park's own person keeps managing it
    store.save(
        [replace(park, subscribers=(first, *park.subscribers[1:], coach))],
        [p for p in profiles if p.enterprise_id == park.id],
    )


def feedback_to_show_a_suggestion(aws: LocalAws) -> None:
    """The cleaning tenders of local.feedback_case, stored and matched to Les Ateliers Mon Choix's profile
    « Entretien ménager » (as the spreadsheet has it) two months ago — before the weeks the console's report and
    the digests count — and its two people's answers: the space and ESBSL's console show its feedback and two
    suggestions."""
    names, dynamodb = aws.resources.names, aws.client("dynamodb")
    profile = next(
        p
        for p in EnterpriseStore(names["EnterprisesTable"], dynamodb).profiles_of(feedback_case.ENTERPRISE_ID)
        if p.id == feedback_case.PROFILE_ID
    )
    subscriptions = SubscriptionStore(names["SubscriptionsTable"], dynamodb)
    julie, marc = (
        subscriptions.state(KEYS(email)).subscriber_id or f"demo-{n}"
        for n, email in enumerate((ENTERPRISE.email, COLLEAGUE))
    )
    now = datetime.now(UTC) - timedelta(days=50)  # the answers' links stay valid 90 days
    matched_at = now - timedelta(days=10)
    tenders, matches, votes = (
        TenderStore(names["TendersTable"], dynamodb),
        MatchStore(names["MatchesTable"], dynamodb),
        FeedbackStore(names["MatchesTable"], dynamodb),
    )
    for n, (tender, relevant) in enumerate(feedback_case.answered_tenders(now)):
        change = plan_change(tender, None, matched_at)
        assert isinstance(change, Change)
        tenders.write([change])
        match = match_one(profile, tender, tender_features(tender, matched_at))
        assert match is not None, tender.key
        matches.record_match(match, (profile.id,), change.content_hash, matched_at)
        voter = marc if n == 1 else julie  # the school's cleaning: Marc found it relevant too
        at = now - timedelta(days=6, hours=-n)
        votes.record_vote(
            Vote(
                profile.enterprise_id, tender.key, voter, (profile.id,), relevant, at, tender, match.reasons, matched_at
            )
        )


def contracts_to_confirm(aws: LocalAws) -> None:
    """Two awards the weekly run found for Les Ateliers Mon Choix two months ago, as it records them: one by its
    NEQ, one by its name only — a namesake in Montréal, for its people to deny (« ce n'est pas nous »)."""
    from esja.digest.outcomes import ContractWon
    from esja.store.digest_sources import MatchHistory

    history = MatchHistory(aws.resources.names["MatchesTable"], aws.client("dynamodb"))
    found = datetime.now(UTC) - timedelta(days=60)
    enterprise, name = feedback_case.ENTERPRISE_ID, "Les Ateliers Mon Choix"
    for won in (
        ContractWon(
            enterprise, name, "seao:ocds-b5fd17-2026-9199", "1", Text("Entretien ménager de l'hôtel de ville"),
            Text("Ville de Rimouski"), Decimal("45990"), found - timedelta(days=2), "Les Ateliers Mon Choix inc.",
            "neq", found_at=found,
        ),
        ContractWon(
            enterprise, name, "seao:ocds-b5fd17-2026-9377", "1", Text("Déménagement de mobilier de bureau"),
            Text("Centre de services scolaire de Montréal"), Decimal("12400"), found - timedelta(days=5),
            "Ateliers Mon Choix (Montréal)", "name", found_at=found,
        ),
    ):  # fmt: skip
        history.record_won(won, found)


# An institution's e-mail domain, listed by its region's organizer: a pledge confirmed from it for that institution
# is verified at once. The Ville de Rimouski's is not the one the demo's pledge was signed from: it waits.
DOMAINS = (
    ("Ville de Rimouski", "01", "ville.rimouski.qc.ca", "esbsl"),
    ("Cégep de Rivière-du-Loup", "01", "cegeprdl.ca", "esbsl"),
    ("Cégep de Rimouski", "01", "cegep-rimouski.example.org", "esbsl"),
    ("Ville de Montréal", "06", "montreal.ca", "cesim"),
)
HOW_TO_VERIFY = (
    f"Try the pledges' verification: sign at /engagement as « Ville de Rimouski » (Bas-Saint-Laurent) from any\n"
    f"address, then confirm from the outbox: it waits « à vérifier », off the registry. Sign in as {COACH.email}\n"
    "(ESBSL) and verify it at /organisation/engagements; it appears at /registre. Signed from an address\n"
    "@ville.rimouski.qc.ca (a domain listed at /organisation/domaines), it is verified as soon as it is confirmed."
)


def institutions_domains(aws: LocalAws) -> None:
    """A few institutions' e-mail domains, listed by their region's organizer two weeks ago."""
    store = OrganizerStore(aws.resources.names["OrganizersTable"], aws.client("dynamodb"))
    listed_at = datetime.now(UTC) - timedelta(days=14)
    for institution, region, domain, by in DOMAINS:
        store.add_domain(InstitutionDomain(institution, region, domain, by, listed_at))


def _pledge(now: datetime, signed: Signed, target: int = 10) -> Pledge:
    details = PledgeDetails(
        institution_name=signed.institution,
        institution_type=signed.kind,
        region=signed.region,
        signatory_name="Claude Gagnon",
        signatory_title=signed.title,
        email=signed.email,
        phone=None,
        target_share=target,
        categories=(Category.SERVICES,),
        declaration_accepted=True,
        registry_consent=True,
    )
    return Pledge(
        id=new_pledge_id(),
        details=details,
        language="fr",
        status=PledgeStatus.PENDING,
        created_at=now - timedelta(days=3),
        consent_version=CONSENT_VERSION,
        token_digest="0" * 64,  # nobody holds its link: confirmed by the store, as the button would
        token_expires_at=now + timedelta(days=1),
        purge_at=now + timedelta(days=27),
        address_key=KEYS(signed.email),
    )


# The Bas-Saint-Laurent pilot's listings (examples/enterprises.csv), as each enterprise wrote them: days since
# it chose to appear, then what it shows. Addresses and sites are under example.org: nobody's real ones.
GOODS, SERVICES, WORKS = Category.GOODS, Category.SERVICES, Category.WORKS
PILOT_LISTINGS: dict[str, tuple[int, Listing]] = {
    "ateliers-mon-choix": (
        40,
        Listing(
            Text(
                "Entreprise adaptée de Rimouski. Nos équipes font l'emballage et l'assemblage à forfait, la couture "
                "et la réparation de vêtements, le déchiquetage sécurisé de documents et l'entretien ménager "
                "d'immeubles, en créant des emplois durables pour des personnes vivant avec des limitations.",
                "A work-integration enterprise in Rimouski. Our teams do contract packaging and assembly, sewing and "
                "clothing repair, secure document shredding and building cleaning, creating lasting jobs for people "
                "living with disabilities.",
            ),
            ("01", "11"),
            (GOODS, SERVICES),
            ("7315", "5310", "8016", "7611"),
            "https://ateliersmonchoix.example.org",
            "info@ateliersmonchoix.example.org",
        ),
    ),
    "verger-patrimonial": (
        33,
        Listing(
            Text(
                "Coopérative de producteurs du Bas-Saint-Laurent : pommes de variétés anciennes, cidre, jus de pomme, "
                "confitures et paniers-cadeaux de produits régionaux. Nous livrons les cafétérias, les écoles et les "
                "événements de la région, en petites comme en grandes quantités."
            ),
            ("01",),
            (GOODS,),
            ("5030", "5020", "5019"),
            "",
            "commandes@vergerpatrimonial.example.org",
        ),
    ),
    "services-industriels-rc": (
        27,
        Listing(
            Text(
                "Coopérative de travailleurs en entretien industriel : soudure, usinage, réparation et entretien "
                "mécanique, en atelier ou sur place, du Bas-Saint-Laurent à la Gaspésie. Service d'urgence pour les "
                "usines, les municipalités et les installations portuaires.",
                "Worker co-operative in industrial maintenance: welding, machining, mechanical repair and upkeep, in "
                "our shop or on site, from the Lower St. Lawrence to Gaspésie. Emergency service for plants, "
                "municipalities and port facilities.",
            ),
            ("01", "11"),
            (SERVICES,),
            ("7318", "7215"),
            "https://servicesrc.example.org",
            "",
        ),
    ),
    "parc-kiskotuk": (
        19,
        Listing(
            Text(
                "Organisme à but non lucratif qui gère un parc côtier du Bas-Saint-Laurent. Nous entretenons des "
                "sentiers et des espaces naturels, et nos guides naturalistes animent des activités d'interprétation "
                "de la nature pour les écoles, les municipalités et les groupes."
            ),
            ("01", "11"),
            (SERVICES,),
            ("7011", "7210", "9012"),
            "https://parckiskotuk.example.org",
            "groupes@parckiskotuk.example.org",
        ),
    ),
    "eco-llio": (
        12,
        Listing(
            Text(
                "Laboratoire vivant en innovation ouverte. Nous accompagnons les municipalités, les MRC et les "
                "organismes dans leur transformation numérique et le codesign de services avec les citoyens, et nous "
                "offrons des formations et des ateliers partout au Québec.",
                "An open-innovation living lab. We help municipalities, regional county municipalities and "
                "organizations with their digital transformation and the co-design of services with citizens, and "
                "we offer training and workshops across Québec.",
            ),
            ("QC",),
            (SERVICES,),
            ("8111", "8610"),
            "https://llio.example.org",
            "bonjour@llio.example.org",
        ),
    ),
    "energies-johannoises": (
        5,
        Listing(
            Text(
                "Coopérative qui conçoit, installe et exploite des chaufferies à la biomasse forestière — copeaux et "
                "granules — pour les écoles, les arénas et les bâtiments municipaux, et qui les approvisionne en "
                "combustible produit dans la région."
            ),
            ("01", "11"),
            (GOODS, SERVICES, WORKS),
            ("7210", "1510", "1112"),
            "https://energiesjohannoises.example.org",
            "info@energiesjohannoises.example.org",
        ),
    ),
}


JOINING = JoinDetails(
    "Coopérative de solidarité Les Jardins du Bic",
    "1170000001",
    "coop",
    "01",
    "Léa Fournier",
    "lea@jardins-du-bic.example.org",
    "fr",
)


def a_request_to_join(aws: LocalAws) -> None:
    """A co-op of the Bas-Saint-Laurent asked through « Recevoir les alertes » yesterday: it waits for ESBSL."""
    store = JoinRequestStore(aws.resources.names["DirectoryTable"], aws.client("dynamodb"))
    asked = datetime.now(UTC) - timedelta(days=1)
    store.add(JoinRequest("a1b2c3d4e5f60718", JOINING, asked, CONSENT_WORDING, asked + PENDING_RETENTION))


def the_pilot_in_the_directory(aws: LocalAws) -> None:
    """The six enterprises of the Bas-Saint-Laurent pilot chose to appear in the directory (each choice recorded
    as the space records it: its manager, the consent's wording); the others are not listed."""
    enterprises, _ = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb")).load()
    store = DirectoryStore(aws.resources.names["DirectoryTable"], aws.client("dynamodb"))
    now = datetime.now(UTC)
    for enterprise in (e for e in enterprises if e.id in PILOT_LISTINGS):
        days, listing = PILOT_LISTINGS[enterprise.id]
        since = now - timedelta(days=days)
        manager = enterprise.managers[0]
        record = ListingRecord(
            enterprise.id,
            enterprise.name,
            enterprise.legal_form,
            enterprise.regions_served,
            listing,
            updated_at=since,
            listed_since=since,
            version=1,
        )
        chose = ListingChoice(
            enterprise.id,
            ChoiceKind.LISTED,
            since,
            "enterprise",
            enterprise.id,
            KEYS(manager.email),
            LISTING_WORDING_VERSION,
        )
        store.write(record, choice=chose, public=True)


PAST_PLEDGES = (
    (Signed("MRC de Rimouski-Neigette", InstitutionType.MRC, "01", "dg@rimouski-neigette.example.org", "DG"), 5, 45),
    (Signed("Ville de Matane", InstitutionType.MUNICIPALITY, "01", "achats@matane.example.org", "Greffière"), 8, 20),
    (
        Signed("Arrondissement du Plateau", InstitutionType.MUNICIPALITY, "06", "achats@plateau.example.org", "DG"),
        12,
        30,
    ),
)
TENDERS_A_WEEK = 5


def an_edition_so_far(aws: LocalAws) -> None:
    """As if ESJA had run since the edition began (October 1): each past week, a few of this week's demo tenders
    seen again (new copies, first seen that week) and matched as the originals were; pledges verified along the
    way; then `esja digest figures` keeps each week's figures and the last weeks' digests are archived, as the
    weekly run would have. Without the demo's tenders (the tests' world) there is nothing to copy: nothing done."""
    from esja.cli import main as cli
    from esja.console.report import edition_of
    from esja.digest.weeks import Days, Week
    from esja.ingest.changes import Change, plan_change
    from esja.store.digest_sources import TenderWeeks
    from esja.store.matches import MatchStore
    from esja.store.tenders import TenderStore
    from local.runtime import environment

    names, dynamodb = aws.resources.names, aws.client("dynamodb")
    now = datetime.now(UTC)
    this_week = Week.containing(now)
    originals = [s.tender for s in TenderWeeks(names["TendersTable"], dynamodb).first_seen_in(this_week)]
    edition = edition_of(now.date())
    if not originals or edition.first >= this_week.monday:
        return
    tenders, matches = TenderStore(names["TendersTable"], dynamodb), MatchStore(names["MatchesTable"], dynamodb)
    weeks = Days(edition.first, this_week.monday - timedelta(days=1)).weeks
    chance = random.Random(2026)  # noqa: S311 - which demo tenders come back each week: no secret
    awarded = [t for t in originals if t.status is Status.AWARDED]
    for number, week in enumerate(weeks):
        picked = chance.sample(originals, min(TENDERS_A_WEEK, len(originals)))
        for original in {t.key: t for t in picked + (awarded if number % 3 == 1 else [])}.values():
            seen = max(week.start, edition.start) + timedelta(days=chance.randrange(5), hours=9)
            copy = replace(original, native_id=f"{original.native_id}-{week}")
            change = plan_change(copy, None, seen.astimezone(UTC))
            assert isinstance(change, Change)
            tenders.write([change])
            for enterprise_id in matches.enterprises_matched(original.key):
                found = Match(enterprise_id, "demo", copy.key, 1.0, ())
                matches.record_match(found, ("demo",), change.content_hash, seen + timedelta(hours=1))
                matches.mark_told(enterprise_id, f"match#{copy.key}", "demo", sent=True, reminded=False)
    store = PledgeStore(names["PledgesTable"], dynamodb)
    for signed, target, days_ago in PAST_PLEDGES:
        confirmed = confirmed_pledge(store, signed, now - timedelta(days=days_ago), target=target)
        verdict = Verdict(Verification.VERIFIED, now - timedelta(days=days_ago - 1), "esbsl", BY_ORGANIZER)
        store.record_verdict(confirmed, verdict)
    with environment(aws.environment("WeeklyDigestFunction")):
        cli(["digest", "figures", "--from", str(weeks[0]), "--to", str(weeks[-1])], stdout=io.StringIO())
    archive_past_digests(aws, weeks[-4:])


def archive_past_digests(aws: LocalAws, weeks: list[Week]) -> None:
    """The digests of these weeks, archived as the weekly run archives them (none is e-mailed)."""
    from esja.bootstrap import build_digest_service
    from esja.digest.links import archive_key
    from esja.store.digest_archive import DigestArchive
    from local.runtime import environment

    env = {"PUBLIC_BASE_URL": "http://127.0.0.1:3000", "SIGNING_KEYS": "local-only-signing-key-not-a-secret"}
    archive = DigestArchive(aws.resources.names["ArchiveBucket"], aws.client("s3"))
    with environment(aws.environment("WeeklyDigestFunction", **env)):
        service = build_digest_service(sending=False)
        for week in weeks:
            for preview in service.preview(week):
                archive.put(archive_key(preview.organizer.id, week), preview.page)


# The Ville de Rimouski's own tenders on SEAO (our own samples, in SEAO's shape: its ocid prefix, its buyer).
RIMOUSKI = Signed(
    "Ville de Rimouski", InstitutionType.MUNICIPALITY, "01", INVITING.email, "Directrice de l'approvisionnement"
)
RIMOUSKI_BUYER = Buyer(Text("Ville de Rimouski"), "seao-org-ville-de-rimouski")
RIMOUSKI_REGION = Regions(Scope.REGIONS, (RegionEvidence("01", "buyer's municipality Rimouski", 0.95),))
CLEANING = (Classification("UNSPSC", "76111500", Text("Services de nettoyage d'immeubles", "Building cleaning")),)


def the_results_of_ville_de_rimouski(aws: LocalAws) -> None:
    """The Ville de Rimouski, verified (the demo's pipeline signs it through the pages; the tests' world has no
    pipeline: signed here): its own SEAO tender, open and matched as any tender is — the enterprises that fit
    it —, a contract it awarded this year to Les Ateliers Mon Choix (registered: its NEQ) — this year's report
    pre-filled —, and the report it made last year."""
    dynamodb, names, now = aws.client("dynamodb"), aws.resources.names, datetime.now(UTC)
    pledges = PledgeStore(names["PledgesTable"], dynamodb)
    signed = pledges.of_person(KEYS(INVITING.email))
    pledge = pledges.get(signed[0]) if signed else confirmed_pledge(pledges, RIMOUSKI, now)
    assert pledge is not None
    if not pledge.is_verified_signatory:
        pledge = pledges.record_verdict(pledge, Verdict(Verification.VERIFIED, now, "esbsl", BY_ORGANIZER))
        assert pledge is not None
    this_year = now.astimezone(TIME_ZONE).year
    open_tender = Tender(
        source="seao",
        native_id="ocds-ec9k95-demo-rimouski-0142",
        revision=now.isoformat(),
        title=Text("Entretien ménager des édifices municipaux (hôtel de ville et bibliothèques)"),
        status=Status.OPEN,
        description=Text(
            "Entretien ménager quotidien de l'hôtel de ville et des bibliothèques Lisette-Morin et du Bic."
        ),
        buyer=RIMOUSKI_BUYER,
        classifications=CLEANING,
        category=Category.SERVICES,
        published_at=now - timedelta(days=70),
        closing_at=(now + timedelta(days=20)).replace(hour=16, minute=0, second=0, microsecond=0),
        url="https://seao.gouv.qc.ca/avis-resultat-recherche/consulter?ItemId=demo-rimouski-0142",
        regions=RIMOUSKI_REGION,
    )
    award = Award(
        "1",
        "active",
        datetime(this_year, 3, 12, 14, tzinfo=UTC),
        Money(Decimal("27480.75")),
        (Supplier("Les Ateliers Mon Choix", "CA-NEQ-1140000017", "1140000017"),),
    )
    awarded = replace(
        open_tender,
        native_id="ocds-ec9k95-demo-rimouski-0098",
        title=Text("Déchiquetage sécurisé de documents confidentiels"),
        status=Status.AWARDED,
        classifications=(),
        published_at=datetime(this_year, 1, 20, 14, tzinfo=UTC),
        closing_at=datetime(this_year, 2, 20, 16, tzinfo=UTC),
        awards=(award,),
    )
    # Seen when published: before the edition's weeks, so the report's figures stay those of the edition so far.
    seen = [(open_tender, open_tender.published_at), (awarded, award.date)]
    changes = [change for t, at in seen if at and isinstance(change := plan_change(t, None, at), Change)]
    TenderStore(names["TendersTable"], dynamodb).write(changes)
    MatchQueue(aws.resources.queue_urls["MatchQueue"], aws.client("sqs")).announce([c for c in changes if c.announced])
    aws.deliver_queue("MatchTendersFunction", "MatchQueue", {"POWERTOOLS_LOG_LEVEL": "WARNING"})
    last_year = Declared(
        Period(this_year - 1),
        Decimal("38400"),
        3,
        Decimal("1250000"),
        ("Les Ateliers Mon Choix", "Coopérative de déneigement du Fjord"),
        "Premier contrat d'entretien ménager confié à une entreprise adaptée.",
    )
    report = YearlyReport(Institution(RIMOUSKI.institution, RIMOUSKI.region), last_year, Found(), 10, now, pledge.id)
    ReportStore(names["SignatoriesTable"], dynamodb).save(report, expected_version=0)
