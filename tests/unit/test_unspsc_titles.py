"""The bundled bilingual UNSPSC list: derived from the shared reference files, compact, read on first use."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from esja.model import Text
from esja.unspsc import code_title, unspsc_titles
from esja.unspsc.derive import derive
from esja.unspsc.titles import TABLE

DATA = Path(__file__).resolve().parents[2] / "layers/esja/esja/unspsc/data"


def test_shipped_table_is_exactly_what_derive_makes_from_the_reference_files(shared_data: Path) -> None:
    shipped = gzip.decompress((DATA / TABLE).read_bytes()).decode("utf-8")
    assert shipped == derive(shared_data), (
        "run python -m esja.unspsc.derive ../shared/data layers/esja/esja/unspsc/data"
    )


def test_table_stays_compact_and_covers_the_whole_old_list_and_the_newer_codes() -> None:
    assert (DATA / TABLE).stat().st_size < 400_000
    titles = unspsc_titles()
    assert len(titles) > 20_800  # the 20,789 codes of v7, and the newer ones publishers use
    assert titles.get("72154010") == Text("Réparation et maintenance d’ascenseurs", None)  # not in v7
    assert titles.get("80172000") == Text(
        "Services de communication professionnelle", "Professional communication services"
    )


def test_every_level_is_found_in_short_or_long_form() -> None:
    titles = unspsc_titles()
    assert titles.get("76") == titles.get("76000000") != None  # noqa: E711 - a segment
    assert (
        titles.get("7611")
        == titles.get("76110000")
        == Text("Nettoyage et entretien", "Cleaning and janitorial services")
    )
    assert titles.get("761115") == titles.get("76111500")
    assert titles.get("99999999") is None and titles.get("not a code") is None


def test_damaged_french_of_the_old_list_is_never_shown(shared_data: Path) -> None:
    titles = unspsc_titles()
    # v7 has « bâtiment Building and Construction and Maintenance », « bureaux », « X »: publishers' words win.
    assert titles.get("72000000").fr == "Construction et maintenance de bâtiments ou d’installations"  # type: ignore[union-attr]
    assert titles.get("76111500").fr == "Nettoyage et entretien de bureaux et de bâtiments divers"  # type: ignore[union-attr]
    # Where no publisher helps, the English run-on is cut and fragments are dropped.
    assert titles.get("22000000").fr == "Engins et accessoires de chantier et de construction"  # type: ignore[union-attr]
    assert titles.get("10151900").fr is None  # v7: « fleurs » for "Flower seeds and bulbs…"
    for code, title in titles.items():
        english = (title.en or "").split()
        if title.fr and len(english) >= 3:
            assert " ".join(english[:3]) not in title.fr[1:], code


def test_a_reader_sees_a_code_in_their_own_language_whatever_the_notice_gave() -> None:
    seao_french_only = Text("Services de nettoyage des bâtiments", None)

    assert code_title("76111501", "fr", seao_french_only) == ("Services de nettoyage des bâtiments", "fr")
    assert code_title("76111501", "en", seao_french_only) == ("Building cleaning services", "en")
    assert code_title("24101517", "en", Text("Tracteur électrique")) == (
        "Tracteur électrique",
        "fr",
    )  # no English known
    assert code_title("99999999", "fr") == ("", "fr")


def test_the_table_is_read_only_when_a_code_is_first_shown() -> None:
    script = (
        "import esja.alerts.compose, esja.digest.compose\n"
        "from esja.unspsc.titles import unspsc_titles\n"
        "print(unspsc_titles.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
