"""The signatories' yearly reports in the organizers' console (/organisation/rapports-annuels) in Chromium, on a
desktop and 390 px wide, with axe-core on every page: an organizer sees every report of their regions — a calendar
year and a fiscal one — and not another region's; sets the date the reports are due (a signatory without a
report sees it in its space); downloads the CSV (one row per report, the columns a hub compares years with), the
export written to the audit log; and the programme report's table of what was reported, by year, as CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from esja.audit.log import AuditRecord
from esja.clock import TIME_ZONE
from esja.people.roles import Role
from esja.signatory_space.invitation import Institution
from esja.signatory_space.report import Declared, Found, Period, YearlyReport
from esja.store.audit_log import AuditLogStore
from esja.store.yearly_reports import ReportStore
from local.world import COACH, KEYS, ORGANIZER, SIGNATORY, the_results_of_ville_de_rimouski
from tests.browser.conftest import DEVICES, Devices, LocalSite, assert_accessible
from tests.space_web import SpaceWeb

LAST_YEAR = datetime.now(TIME_ZONE).year - 1
CONSOLE = "/organisation/rapports-annuels"
FISCAL = "Municipalité de Saint-Anaclet-de-Lessard"  # a fiscal year, April to March
MONTREAL = "Cégep du Vieux Montréal"  # region 06: CÉSIM's, never ESBSL's


@dataclass(frozen=True, slots=True)
class World:
    site: LocalSite
    esbsl: str  # sessions' ids: ESBSL's organizer (region 01), CÉSIM's (06), the Cégep de Rimouski's signatory
    cesim: str
    cegep: str
    audit: AuditLogStore

    def exports(self) -> list[AuditRecord]:
        """The audit log's `reports.export` records of the day, newest first."""
        now = datetime.now(UTC)
        return self.audit.between(now - timedelta(days=1), now + timedelta(minutes=1), action="reports.export")


@pytest.fixture(scope="module")
def world(spaces: LocalSite) -> World:
    """make serve's world without the feeds: the Ville de Rimouski's report of last year (calendar), and beside
    it a fiscal year's report in region 01 and a report in region 06; the Cégep de Rimouski has none."""
    the_results_of_ville_de_rimouski(spaces.aws)
    names, dynamodb = spaces.aws.resources.names, spaces.aws.client("dynamodb")
    store, now = ReportStore(names["SignatoriesTable"], dynamodb), datetime.now(UTC)
    for name, region, period, amount, total in (
        (FISCAL, "01", Period(LAST_YEAR, 4), "12500", None),
        (MONTREAL, "06", Period(LAST_YEAR), "99000", "2000000"),
    ):
        declared = Declared(period, Decimal(amount), 2, Decimal(total) if total else None, ("Coop du Fjord",))
        report = YearlyReport(Institution(name, region), declared, Found(), 5, now, f"p-{region}")
        assert store.save(report, expected_version=0)
    web = SpaceWeb(spaces.aws, people=False)
    [cegep_pledge] = web.pledge_store.of_person(KEYS(SIGNATORY.email))
    return World(
        spaces,
        web.session_for(COACH.email, Role.ORGANIZER, "esbsl").session_id,
        web.session_for(ORGANIZER.email, Role.ORGANIZER, "cesim").session_id,
        web.session_for(SIGNATORY.email, Role.SIGNATORY, cegep_pledge).session_id,
        web.audit,
    )


def download(page: Any, button: Any, tmp_path: Path) -> tuple[str, str]:
    """The file a click downloads: (its suggested name, its text)."""
    with page.expect_download() as downloading:
        button.click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    return downloading.value.suggested_filename, saved.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("device", list(DEVICES))
def test_an_organizer_sees_their_regions_reports_and_exports_them_audited(
    world: World, devices: Devices, device: str, tmp_path: Path
) -> None:
    axe, exports = Axe(), world.exports()
    page = devices.open(device, world.site, world.esbsl)
    page.goto(world.site.url(f"{CONSOLE}?lang=fr"))  # last year's, by default

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapports annuels des signataires — {LAST_YEAR}")
    reports = page.get_by_role("list", name="2 rapport(s) de vos régions").get_by_role("listitem")
    expect(reports.get_by_role("heading", level=3)).to_have_text(
        [f"{FISCAL} ({LAST_YEAR - 1}-{LAST_YEAR})", f"Ville de Rimouski ({LAST_YEAR})"]  # a fiscal year, a calendar one
    )
    rimouski = reports.filter(has_text="Ville de Rimouski")
    for shown in ("01 Bas-Saint-Laurent", "38 400 $", "3,1 %", "10 %"):  # 3,1 % of 1 250 000 $, against 10 %
        expect(rimouski).to_contain_text(shown)
    expect(reports.filter(has_text=FISCAL)).to_contain_text("12 500 $")
    expect(page.locator("main")).not_to_contain_text(MONTREAL)
    assert_accessible(page, axe, "the yearly reports")

    name, text = download(page, page.get_by_role("button", name="Exporter en CSV"), tmp_path)

    assert re.fullmatch(rf"rapports-annuels-{LAST_YEAR}-\d{{4}}-\d\d-\d\d\.csv", name)
    rows = {row["institution"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"Ville de Rimouski", FISCAL}  # one row per report of region 01, none of 06
    assert {k: rows["Ville de Rimouski"][k] for k in ("year", "first_day", "last_day", "region")} == {
        "year": str(LAST_YEAR),
        "first_day": f"{LAST_YEAR}-01-01",
        "last_day": f"{LAST_YEAR}-12-31",
        "region": "01",
    }
    assert {k: rows["Ville de Rimouski"][k] for k in ("amount", "count", "total", "target_share")} == {
        "amount": "38400",
        "count": "3",
        "total": "1250000",
        "target_share": "10",
    }
    assert rows["Ville de Rimouski"]["enterprises"] == "Les Ateliers Mon Choix; Coopérative de déneigement du Fjord"
    assert (rows[FISCAL]["first_day"], rows[FISCAL]["last_day"]) == (f"{LAST_YEAR - 1}-04-01", f"{LAST_YEAR}-03-31")
    assert rows[FISCAL]["total"] == rows[FISCAL]["share"] == ""  # it did not say its total purchases

    # The export is in the audit log: who, which year, how many reports, for which regions — no address.
    record, *earlier = world.exports()
    assert len(earlier) == len(exports)
    assert (record.actor_role, record.actor_id, record.regions) == ("organizer", "esbsl", ("01",))
    assert dict(record.details) == {"year": str(LAST_YEAR), "count": "2"}
    assert (record.item.type, record.item.id, record.address_key) == ("reports", str(LAST_YEAR), KEYS(COACH.email))
    page.goto(world.site.url("/organisation/journal?action=reports.export&lang=fr"))
    expect(page.locator("main tbody tr").first).to_contain_text(f"reports.export reports {LAST_YEAR}")


@pytest.mark.parametrize("device", list(DEVICES))
def test_another_regions_organizer_sees_only_theirs_and_an_empty_year_says_so(
    world: World, devices: Devices, device: str
) -> None:
    page = devices.open(device, world.site, world.cesim)
    page.goto(world.site.url(f"{CONSOLE}?lang=fr"))

    [montreal] = page.get_by_role("list", name="1 rapport(s) de vos régions").get_by_role("listitem").all()
    expect(montreal.get_by_role("heading", level=3)).to_have_text(f"{MONTREAL} ({LAST_YEAR})")
    expect(montreal).to_contain_text("06 Montréal")
    expect(page.locator("main")).not_to_contain_text("Rimouski")

    page.get_by_label("Année").select_option(str(LAST_YEAR - 1))
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapports annuels des signataires — {LAST_YEAR - 1}")
    expect(page.locator("main")).to_contain_text("Aucun rapport de vos régions pour cette année.")
    expect(page.get_by_role("button", name="Exporter en CSV")).to_have_count(0)
    assert_accessible(page, Axe(), "a year without reports")


@pytest.mark.parametrize("device", list(DEVICES))
def test_an_organizer_sets_the_date_reports_are_due_and_a_signatory_sees_it(
    world: World, devices: Devices, device: str
) -> None:
    axe = Axe()
    page = devices.open(device, world.site, world.esbsl)
    page.goto(world.site.url(f"{CONSOLE}?lang=fr"))
    due = page.get_by_label(f"Les rapports {LAST_YEAR} de vos régions sont attendus le")
    expect(page.get_by_text("Un rappel part ce jour-là")).to_be_visible()

    # A date of the wrong year: said beside the field, nothing set.
    due.fill(f"{LAST_YEAR + 3}-01-15")
    page.get_by_role("button", name="Fixer la date").click()
    expect(page.locator("#due-error")).to_have_text("Entrez une date de l'année suivante ou de celle d'après.")
    expect(due).to_have_attribute("aria-invalid", "true")
    expect(due).to_have_value(f"{LAST_YEAR + 3}-01-15")
    assert_accessible(page, axe, "a due date of the wrong year")

    due.fill(f"{LAST_YEAR + 1}-03-31")
    page.get_by_role("button", name="Fixer la date").click()

    expect(page.get_by_role("status")).to_have_text("La date est enregistrée ; les rappels suivront.")
    set_on = page.locator("#deadline + ul")
    expect(set_on).to_have_text(f"01 Bas-Saint-Laurent : 31 mars {LAST_YEAR + 1}")
    assert_accessible(page, axe, "the due date set")
    # The Cégep de Rimouski (region 01) has not reported: its space says when its report is due.
    signatory = devices.open(device, world.site, world.cegep)
    signatory.goto(world.site.url("/signataire/rapports?lang=fr"))
    expect(signatory.locator("main")).to_contain_text(f"Le rapport {LAST_YEAR} est attendu le 31 mars {LAST_YEAR + 1}.")


@pytest.mark.parametrize("device", list(DEVICES))
def test_the_programme_report_downloads_what_was_reported_by_year(
    world: World, devices: Devices, device: str, tmp_path: Path
) -> None:
    page = devices.open(device, world.site, world.esbsl)
    page.goto(world.site.url(f"/organisation/rapport?du={LAST_YEAR}-01-01&au={LAST_YEAR}-12-31&lang=fr"))

    reported = page.get_by_role("table", name="Rapports annuels des signataires de vos régions, par année")
    expect(reported.get_by_role("columnheader")).to_have_text(["Chiffre", str(LAST_YEAR)])
    expect(reported.get_by_role("row", name=re.compile("^Achats auprès"))).to_contain_text("50 900 $")
    expect(reported.get_by_role("row", name=re.compile("^Dont exercices financiers"))).to_contain_text("1")
    expect(page.locator("main")).to_contain_text("Un exercice financier compte dans l'année où il se termine")
    assert_accessible(page, Axe(), "the programme report")

    link = page.get_by_role("link", name="les rapports des signataires, par année (CSV)")
    name, text = download(page, link, tmp_path)

    assert name == f"esja-rapport-rapports-{LAST_YEAR}-01-01-{LAST_YEAR}-12-31.csv"
    assert list(csv.reader(io.StringIO(text))) == [
        [
            "année",
            "rapports",
            "dont exercices financiers",
            "achats auprès d'entreprises d'économie sociale ($)",
            "nombre d'achats",
            "rapports avec le total des achats",
            "cible atteinte",
            "cible moyenne (%)",
        ],
        [str(LAST_YEAR), "2", "1", "50900.00", "5", "1", "0", "7.5"],  # region 01's: Rimouski's and the fiscal one
    ]
