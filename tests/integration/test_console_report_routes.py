"""The console's feeds, past digests and programme report on moto, through the web function's real handler: each
organizer their regions' figures and their own digests (another's is not found); an enterprise's or a
signatory's session refused; no session sent to sign in; hostile query values never a 5xx, never unescaped."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.cli import main as cli
from esja.clock import TIME_ZONE
from esja.digest.links import archive_key
from esja.digest.weeks import Week
from esja.ingest.feed_state import FeedState
from esja.model import Match
from esja.pledges.model import BY_ORGANIZER, Verdict, Verification
from esja.store.digest_archive import DigestArchive
from esja.store.feeds import FeedStateStore
from local.runtime import ROOT, LocalAws, environment, local_aws
from local.world import KEYS, SIGNATORY
from tests.digest_builders import DIGEST, ENV, RECENT, in_regions, tender
from tests.moto_tables import MotoTables
from tests.space_web import SpaceWeb, Visitor, location, main_words

PAGES = ["/organisation/flux", "/organisation/sommaires", "/organisation/rapport"]
ESBSL_DIGEST = f"/organisation/sommaires/esbsl/{RECENT}"
ARCHIVED = '<!doctype html><html lang="fr"><head><title>Sommaire</title></head><body><h1>{who}</h1></body></html>'
NOW = datetime.now(UTC)
TODAY = NOW.astimezone(TIME_ZONE).date()
RANGE = f"du={RECENT.monday}&au={TODAY}"


@pytest.fixture(scope="module")
def aws_world() -> Iterator[LocalAws]:
    with local_aws() as aws:
        yield aws


@pytest.fixture(scope="module")
def web(aws_world: LocalAws) -> SpaceWeb:
    """The spaces' people; a tender of region 01 and one of 06 in the last complete week, matched and alerted in
    01, its figures kept by `esja digest figures`; one of 01 this week; the feeds' states; both digests."""
    web = SpaceWeb(aws_world)
    tables = MotoTables(aws_world)
    seen = RECENT.start + timedelta(hours=9)
    rimouski, montreal = tender("rim-1"), tender("mtl-1", regions=in_regions("06"))
    for item in (rimouski, montreal):
        assert tables.store_tender(item, seen.astimezone(UTC))
    assert tables.store_tender(tender("rim-now"), NOW - timedelta(minutes=5))
    tables.matches.record_match(Match("ateliers-mon-choix", "p", rimouski.key, 1.0, ()), ("p",), "h", seen)
    tables.matches.mark_told("ateliers-mon-choix", f"match#{rimouski.key}", "s1", sent=True, reminded=False)
    [pledge_id] = web.pledge_store.of_person(KEYS(SIGNATORY.email))
    with environment(aws_world.environment(DIGEST, **ENV)):
        assert cli(["digest", "figures", "--from", str(RECENT)], stdout=io.StringIO()) == 0
    feeds = FeedStateStore(aws_world.resources.names["FeedsTable"], aws_world.client("dynamodb"))
    stale = (TODAY - timedelta(days=20)).strftime("%Y%m%d")
    feeds.save(FeedState("seao", processed=[f"hebdo_{stale}_{stale}.json"], last_success_at=NOW.isoformat()))
    feeds.save(FeedState("canadabuys-new", last_error="HTTP 503 <b>", last_error_at=NOW.isoformat(), totals={"new": 3}))
    archive = DigestArchive(aws_world.resources.names["ArchiveBucket"], aws_world.client("s3"))
    for organizer in ("esbsl", "cesim"):
        archive.put(archive_key(organizer, RECENT), ARCHIVED.format(who=f"Sommaire de {organizer}"))
    verified = web.pledge_store.get(pledge_id)
    assert verified is not None
    verdict = Verdict(Verification.VERIFIED, NOW - timedelta(days=1), "esbsl", BY_ORGANIZER)
    web.pledge_store.record_verdict(verified, verdict)  # the Cégep de Rimouski's, again: in the range
    return web


def total(answer: dict[str, Any], row: str) -> str:
    found = re.search(rf'<th scope="row">{re.escape(row)}</th><td class="number">([^<]*)</td>', answer["body"])
    assert found, row
    return found[1].replace("\u00a0", " ")


def test_the_feeds_page_shows_late_and_failing_feeds_and_their_errors(people: dict[str, Visitor]) -> None:
    answer = people["cesim"].get("/organisation/flux")

    text = main_words(answer)
    assert answer["statusCode"] == 200
    assert "SEAO (avis hebdomadaires) En retard" in text and "aucun fichier hebdomadaire depuis plus de 8 jours" in text
    assert "AchatsCanada — nouveaux avis En échec" in text and "HTTP 503 <b>" in text
    assert "HTTP 503 <b>" not in answer["body"]  # escaped


def test_a_regional_organizer_lists_and_opens_their_own_digest_inside_the_console(people: dict[str, Visitor]) -> None:
    esbsl = people["esbsl"]

    listed = esbsl.get("/organisation/sommaires")
    page = esbsl.get(ESBSL_DIGEST)
    original = esbsl.get(f"{ESBSL_DIGEST}/original")

    assert listed["statusCode"] == page["statusCode"] == original["statusCode"] == 200
    assert f'href="{ESBSL_DIGEST}"' in listed["body"] and "/cesim/" not in listed["body"]
    assert f'<iframe class="archived-digest" src="{ESBSL_DIGEST}/original"' in page["body"]
    assert "frame-src 'self'" in page["headers"]["Content-Security-Policy"]
    assert "Sommaire de esbsl" in original["body"] and '<base target="_top">' in original["body"]
    assert "frame-ancestors 'self'" in original["headers"]["Content-Security-Policy"]
    assert original["headers"]["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", [ESBSL_DIGEST, f"{ESBSL_DIGEST}/original"])
def test_another_regions_organizer_never_opens_another_organizers_digest(people: dict[str, Visitor], path: str) -> None:
    answer = people["cesim"].get(path)

    assert answer["statusCode"] == 404 and "Sommaire de esbsl" not in answer["body"]
    assert people["cesim"].get(path.replace("esbsl", "cesim"))["statusCode"] == 200


def test_each_organizer_gets_their_regions_report(people: dict[str, Visitor]) -> None:
    esbsl = people["esbsl"].get(f"/organisation/rapport?{RANGE}")
    cesim = people["cesim"].get(f"/organisation/rapport?{RANGE}")

    assert esbsl["statusCode"] == cesim["statusCode"] == 200
    # Last week's kept by `esja digest figures`, this week's worked out now; Québec's counts for both.
    assert total(esbsl, "Nouveaux appels d'offres dans vos régions") == "2"
    assert total(cesim, "Nouveaux appels d'offres dans vos régions") == "1"
    assert (
        total(esbsl, "Nouveaux appels d'offres au Québec") == total(cesim, "Nouveaux appels d'offres au Québec") == "3"
    )
    assert total(esbsl, "Entreprises alertées") == "1" and total(cesim, "Entreprises alertées") == "0"
    assert "Cégep de Rimouski" in main_words(esbsl) and "Cégep de Rimouski" not in main_words(cesim)
    assert "Chiffres calculés à l'instant" in main_words(esbsl)


def test_the_report_as_csv_carries_the_same_figures_and_is_not_audited(
    web: SpaceWeb, people: dict[str, Visitor]
) -> None:
    before = web.audit_actions()

    answer = people["esbsl"].get(f"/organisation/rapport?{RANGE}&format=csv")
    pledges = people["esbsl"].get(f"/organisation/rapport?{RANGE}&format=csv&tableau=engagements&lang=en")

    assert answer["statusCode"] == pledges["statusCode"] == 200
    assert answer["headers"]["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="esja-rapport-chiffres-' in answer["headers"]["Content-Disposition"]
    rows = {row[1]: row for row in csv.reader(io.StringIO(answer["body"]))}
    assert rows["tenders.regions"][-1] == "2" and rows["alerts.enterprises"][-1] == "1"
    assert next(csv.reader(io.StringIO(pledges["body"])))[0] == "institution"
    assert "Cégep de Rimouski" in pledges["body"]
    assert web.audit_actions() == before  # figures and public institutions: no personal information


def test_the_language_switch_keeps_the_range(people: dict[str, Visitor]) -> None:
    answer = people["esbsl"].get(f"/organisation/rapport?{RANGE}&lang=en")

    assert f'href="?du={RECENT.monday}&amp;au={TODAY}&amp;lang=fr"' in answer["body"]
    assert "New tenders in your regions" in answer["body"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("du=2026-02-30&au=2026-05-31", "Écrivez une date comme 2026-10-01."),
        ("du=2027-05-31&au=2026-10-01", "La première date doit venir avant la seconde."),
        ("du=2020-10-01&au=2026-05-31", "Trois ans au plus entre les deux dates."),
        (f"{RANGE}&format=pdf", "Ce format n'existe pas"),
    ],
)
def test_bad_report_dates_are_a_clear_400_tied_to_their_fields(
    people: dict[str, Visitor], query: str, message: str
) -> None:
    answer = people["esbsl"].get(f"/organisation/rapport?{query}")

    assert answer["statusCode"] == 400 and message in main_words(answer)
    if "format" not in query:
        assert 'aria-invalid="true" aria-describedby="range-error"' in answer["body"]


@pytest.mark.parametrize("path", [*PAGES, ESBSL_DIGEST, f"{ESBSL_DIGEST}/original", "/organisation/rapport?format=csv"])
@pytest.mark.parametrize("who", ["enterprise", "signatory"])
def test_an_enterprises_or_a_signatorys_session_is_refused(people: dict[str, Visitor], path: str, who: str) -> None:
    answer = people[who].get(path)

    assert answer["statusCode"] == 403 and "Sommaire de esbsl" not in answer["body"]


@pytest.mark.parametrize("path", [*PAGES, ESBSL_DIGEST])
def test_without_a_session_every_page_sends_to_sign_in_and_back(web: SpaceWeb, path: str) -> None:
    answer = web.get(path)

    assert answer["statusCode"] == 303 and location(answer) == f"/connexion?lang=fr&suite={quote(path, safe='')}"


# --- Hostile values: never a 5xx, never unescaped ---------------------------------------------------------

MARKUP = ("<script>alert(1)</script>", "'\"><img src=x onerror=alert(1)>")
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from([*MARKUP, "9999-12-31", "0001-01-01", "2026-10-01", "2026-02-29", "csv", "engagements", "\x00"]),
)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(first=HOSTILE, last=HOSTILE, form=HOSTILE, table=HOSTILE, lang=HOSTILE)
def test_the_reports_query_takes_anything_without_a_5xx(
    people: dict[str, Visitor], first: str, last: str, form: str, table: str, lang: str
) -> None:
    query = urlencode({"du": first, "au": last, "format": form, "tableau": table, "lang": lang})

    answer = people["esbsl"].get(f"/organisation/rapport?{query}")

    assert answer["statusCode"] in (200, 400)
    assert not [probe for probe in MARKUP if probe in (first, last) and probe in answer["body"]]


@FUZZ
@given(organizer=HOSTILE, week=HOSTILE)
def test_a_digests_address_takes_anything_without_a_5xx(people: dict[str, Visitor], organizer: str, week: str) -> None:
    answer = people["cesim"].get(f"/organisation/sommaires/{quote(organizer, safe='')}/{quote(week, safe='')}")

    assert answer["statusCode"] in (200, 303, 404, 405)
    assert "Sommaire de esbsl" not in answer["body"]


def test_the_week_kept_is_the_one_asked(web: SpaceWeb) -> None:
    from esja.store.digest_figures import DigestFigureStore

    store = DigestFigureStore(web.aws.resources.names["OrganizersTable"], web.aws.client("dynamodb"))

    assert list(store.figures_of([RECENT, Week.containing(NOW)])) == [RECENT]


def test_the_web_functions_cold_start_leaves_the_reports_modules_to_the_first_report(aws_world: LocalAws) -> None:
    """They cost every page's cold start some 50 ms of CPU (esja.web.organizer_report_routes): a fresh
    interpreter loads the web function's handler, as Lambda would, and none of them is loaded."""
    probe = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("app", "functions/web/app.py")
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(sorted(m for m in sys.modules if m in ("esja.console.report", "esja.digest.compose", "esja.web.report_page")))
"""
    env = {**aws_world.environment("WebFunction"), "PYTHONPATH": str(ROOT / "layers" / "esja")}
    with environment(env):
        loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "[]"
