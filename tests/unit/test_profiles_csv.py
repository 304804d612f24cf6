"""Organizers load enterprises and profiles from a spreadsheet: all or nothing, every error located."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from esja.matching.profiles_csv import COLUMNS, read_profiles_csv, read_profiles_file, write_profiles_csv
from esja.model import Category, Consent, Enterprise, Profile, Subscriber

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "enterprises.csv"
CONSENT = {"consent_at": "2026-03-14T10:30:00-04:00", "consent_how": "formulaire web", "consent_wording": "v1"}


def row(**cells: str) -> list[str]:
    """A data row with the given cells, the others empty."""
    defaults = {"enterprise_id": "coop-a", "enterprise_name": "Coop A", "profile_id": "p1", "keywords": "ménage"}
    values = defaults | cells
    return [values.get(c, "") for c in COLUMNS]


def csv_text(*rows: list[str], header: tuple[str, ...] = COLUMNS, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def test_example_file_imports_without_error() -> None:
    result = read_profiles_csv(EXAMPLE.read_text(encoding="utf-8"))
    assert result.errors == ()
    assert len(result.enterprises) == 12
    ateliers = result.enterprises[0]
    assert (ateliers.name, ateliers.neq, ateliers.regions_served) == ("Les Ateliers Mon Choix", "1140000017", ("01",))
    assert len(ateliers.subscribers) == 2
    assert all(s.email.endswith("@example.org") for e in result.enterprises for s in e.subscribers)
    assert {p.enterprise_id for p in result.profiles} == {e.id for e in result.enterprises}


def test_row_with_three_bad_cells_reports_all_three_and_imports_nothing() -> None:
    text = csv_text(
        row(profile_id="p1"),
        row(profile_id="p2"),
        row(profile_id="p3", unspsc="7611x", regions="01;19", subscriber_email="pas-une-adresse", **CONSENT),
    )
    result = read_profiles_csv(text)
    assert (result.enterprises, result.profiles) == ((), ())
    assert [(e.line, e.column) for e in result.errors] == [(4, "unspsc"), (4, "regions"), (4, "subscriber_email")]
    assert str(result.errors[0]) == "ligne 4, colonne unspsc\u00a0: code UNSPSC invalide «\u00a07611x\u00a0»"
    assert result.errors[0].message("en") == "line 4, column unspsc: invalid UNSPSC code “7611x”"


def test_each_kind_of_bad_cell_is_named() -> None:
    text = csv_text(
        row(
            neq="114000001",
            categories="services;fournitures",
            min_value="dix mille",
            subscriber_email="a@example.org",
            subscriber_language="es",
            subscriber_frequency="monthly",
            consent_at="2026-03-14",
        )
    )
    columns = [e.column for e in read_profiles_csv(text).errors]
    assert columns == [
        "neq",
        "categories",
        "min_value",
        "subscriber_language",
        "subscriber_frequency",
        "consent_how",
        "consent_wording",
    ]


def test_line_numbers_count_lines_inside_quoted_cells() -> None:
    text = csv_text(row(profile_name="Deux\nlignes"), row(profile_id="p2", unspsc="1"))
    assert [(e.line, e.column) for e in read_profiles_csv(text).errors] == [(4, "unspsc")]


def test_spreadsheet_conveniences_are_accepted() -> None:
    # French Excel: « ; » between cells, a byte-order mark, zeros dropped, decimal comma.
    cells = {"regions": "1; qc", "min_value": "45 000,50 $", "categories": "Biens;travaux", "legal_form": "Coopérative"}
    header = tuple(c.replace("enterprise_id", "Enterprise_ID") for c in COLUMNS)
    result = read_profiles_csv("\ufeff" + csv_text(row(**cells), header=header, delimiter=";"))
    assert result.errors == ()
    profile = result.profiles[0]
    assert profile.regions == ("01", "QC")
    assert profile.min_value == Decimal("45000.50")
    assert profile.categories == (Category.GOODS, Category.WORKS)
    assert result.enterprises[0].legal_form == "coop"


def test_profile_without_codes_or_keywords_is_refused() -> None:
    errors = read_profiles_csv(csv_text(row(keywords=""))).errors
    assert [(e.line, e.column) for e in errors] == [(2, "unspsc")]
    assert "aucune alerte" in errors[0].fr


def test_enterprise_rows_must_agree() -> None:
    text = csv_text(row(neq="1140000017"), row(profile_id="p2", neq="1140000025"), row(profile_id="p3"))
    errors = read_profiles_csv(text).errors
    assert [(e.line, e.column) for e in errors] == [(3, "neq")]
    assert errors[0].fr == "diffère de la ligne 2 pour la même entreprise"


def test_duplicate_profile_and_unknown_column_are_reported() -> None:
    text = csv_text(row(), row(), header=(*COLUMNS, "notes"))
    assert [(e.line, e.column) for e in read_profiles_csv(text).errors] == [(1, "notes"), (3, "profile_id")]


def test_min_value_above_max_value_is_refused() -> None:
    errors = read_profiles_csv(csv_text(row(min_value="5000", max_value="1000"))).errors
    assert [(e.line, e.column) for e in errors] == [(2, "max_value")]


def test_subscriber_without_consent_is_refused() -> None:
    errors = read_profiles_csv(csv_text(row(subscriber_email="a@example.org"))).errors
    assert [e.column for e in errors] == ["consent_at", "consent_how", "consent_wording"]


def test_extra_rows_add_subscribers_to_the_enterprise() -> None:
    text = csv_text(
        row(subscriber_email="a@example.org", **CONSENT),
        row(profile_id="", keywords="", subscriber_email="b@example.org", subscriber_language="en", **CONSENT),
    )
    result = read_profiles_csv(text)
    assert result.errors == ()
    assert [s.email for s in result.enterprises[0].subscribers] == ["a@example.org", "b@example.org"]
    assert result.enterprises[0].subscribers[1].language == "en"
    assert result.enterprises[0].subscribers[0].consent.at == datetime(
        2026, 3, 14, 10, 30, tzinfo=ZoneInfo("America/Toronto")
    )


def test_empty_file_is_an_error() -> None:
    assert [str(e) for e in read_profiles_csv("").errors] == ["ligne 1\u00a0: fichier vide"]


def test_write_then_read_gives_back_the_same_enterprises_and_profiles() -> None:
    at = datetime(2026, 2, 3, 9, 15, tzinfo=ZoneInfo("America/Toronto"))
    subscribers = tuple(
        Subscriber(f"s{i}@example.org", f"Abonné {i}", "fr", "weekly", Consent(at, "web", "v2")) for i in range(3)
    )
    enterprises = (
        Enterprise("e1", "Coop, « virgules »", "1140000017", "coop", ("01", "QC"), subscribers),
        Enterprise("e2", "Sans profil"),
    )
    profiles = (
        Profile(
            "e1",
            "p1",
            'Nom "cité"',
            unspsc=("76110000", "72"),
            keywords=("entretien ménager", "cleaning"),
            excluded=("amiante",),
            regions=("01",),
            categories=(Category.SERVICES, Category.WORKS),
            min_value=Decimal("1000.50"),
            max_value=Decimal(500_000),
            buyers_allow=("Ville de Rimouski",),
            buyers_deny=("CSS des Phares",),
            active=False,
        ),
        Profile("e1", "p2", keywords=("déneigement",)),
    )
    result = read_profiles_csv(write_profiles_csv(enterprises, profiles))
    assert result.errors == ()
    assert (result.enterprises, result.profiles) == (enterprises, profiles)


def test_example_file_is_what_the_writer_writes() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    result = read_profiles_csv(text)
    assert write_profiles_csv(result.enterprises, result.profiles).replace("\r\n", "\n") == text.replace("\r\n", "\n")


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_refused_and_exported_as_text() -> None:
    result = read_profiles_csv(csv_text(row(enterprise_name='=HYPERLINK("http://x")', keywords="@SUM(A1)")))
    assert [(e.line, e.column, e.en) for e in result.errors] == [
        (2, "enterprise_name", "starts with “=”: a spreadsheet would run it as a formula"),
        (2, "keywords", "starts with “@”: a spreadsheet would run it as a formula"),
    ]
    kept = Enterprise("coop-a", "-Coop A", subscribers=())  # a name stored before the rule, or from elsewhere
    assert write_profiles_csv([kept], []).splitlines()[1].startswith("coop-a,'-Coop A,")


def test_a_file_that_is_not_csv_text_in_utf8_is_one_error_saying_how_to_save_it() -> None:
    with_bom = read_profiles_file(("\ufeff" + csv_text(row(enterprise_name="Café"))).encode())
    cp1252 = read_profiles_file(csv_text(row(keywords="x"), row(profile_id="p2", keywords="café")).encode("cp1252"))
    [error] = cp1252.errors
    assert with_bom.ok and with_bom.enterprises[0].name == "Café"
    assert (error.line, error.column) == (3, None) and "« CSV UTF-8 »" in error.fr
    assert read_profiles_file(b'enterprise_id,enterprise_name\na,"never closed\nb\n').errors[0].line == 2


def test_an_id_longer_than_a_key_may_be_is_refused() -> None:
    result = read_profiles_csv(csv_text(row(enterprise_id="e" * 101, profile_id="p" * 101)))
    assert [(e.column, e.en) for e in result.errors] == [
        ("enterprise_id", "id too long: 100 characters at most"),
        ("profile_id", "id too long: 100 characters at most"),
    ]
