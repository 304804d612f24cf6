"""`esja organizers import`, `esja pledges link` and `esja digest preview` against moto."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from esja.cli import main as cli
from esja.l10n import date_range
from esja.sends import SendKey
from local.outbox import sent_emails
from local.runtime import LocalAws, environment
from tests.digest_builders import DIGEST, ENV, ESBSL, RECENT, DigestWorld, enterprise, pledge, tender

ROOT = Path(__file__).resolve().parents[2]
MONDAY = RECENT.start + timedelta(hours=9)


def run(aws: LocalAws, *argv: str, lang: str = "en_CA.UTF-8") -> tuple[int, str, str]:
    """The command as an operator whose environment speaks English (or `lang`) runs it."""
    out, err = io.StringIO(), io.StringIO()
    # Every table the commands name (the links are audited: the audit table too), as `make moto` prints them.
    with environment(aws.environment(DIGEST, **ENV) | {"AUDIT_TABLE": aws.resources.names["AuditTable"]}):
        code = cli(list(argv), stdout=out, stderr=err, environ={"LANG": lang})
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def world(aws: LocalAws) -> DigestWorld:
    return DigestWorld(aws)


def test_the_example_organizers_are_imported(world: DigestWorld, aws: LocalAws) -> None:
    code, out, _ = run(aws, "organizers", "import", str(ROOT / "examples" / "organizers.csv"))

    assert code == 0 and "written: 2 · removed: 0" in out
    assert [(o.id, o.language, o.regions) for o in world.organizers.organizers()] == [
        ("cesim", "en", ("06",)),
        ("esbsl", "fr", ("01",)),
    ]
    code, out, _ = run(aws, "organizers", "list")
    assert "esbsl\tÉconomie sociale Bas-Saint-Laurent\tfr\t01" in out and "@" not in out


def test_a_wrong_organizers_file_imports_nothing_and_says_why(
    world: DigestWorld, aws: LocalAws, tmp_path: Path
) -> None:
    wrong = tmp_path / "organizers.csv"
    wrong.write_text("organizer_id,name,email,language,regions\nesbsl,ESBSL,pas-une-adresse,fr,01\n", encoding="utf-8")

    code, _, err = run(aws, "organizers", "import", str(wrong), lang="fr_CA.UTF-8")

    assert code == 1
    assert f"esja\u00a0: {wrong}\u00a0: 1 erreur(s), rien n'est importé" in err
    assert "ligne 2, colonne email\u00a0: adresse courriel invalide" in err
    assert world.organizers.organizers() == []


def test_an_organizer_links_a_signatory_to_a_buyer_id_and_a_name(world: DigestWorld, aws: LocalAws) -> None:
    world.sign(pledge("p1", "Régie intermunicipale de l'énergie"))

    code, out, _ = run(aws, "pledges", "link", "p1", "--buyer-id", "OP-36518", "--buyer-name", "RIÉ BSL")

    assert code == 0
    assert "linked: Régie intermunicipale de l'énergie → buyer id OP-36518" in out
    code, out, _ = run(aws, "pledges", "links")
    assert out.splitlines() == ["p1\tbuyer id OP-36518", "p1\tbuyer name “RIÉ BSL”"]
    code, out, _ = run(aws, "pledges", "link", "p1", "--buyer-id", "OP-36518", "--remove")
    assert code == 0 and "removed: buyer id OP-36518" in out
    assert len(world.organizers.links()) == 1


def test_linking_an_unknown_pledge_or_nothing_is_refused(world: DigestWorld, aws: LocalAws) -> None:
    assert run(aws, "pledges", "link", "nobody", "--buyer-id", "OP-1")[0] == 1
    code, _, err = run(aws, "pledges", "link", "nobody")
    assert code == 1 and "give --buyer-id, --buyer-name or both" in err
    assert world.organizers.links() == []


def test_the_preview_renders_a_weeks_digest_without_sending_or_writing(
    world: DigestWorld, aws: LocalAws, tmp_path: Path
) -> None:
    world.organizers.save_organizers([ESBSL])
    world.add_enterprises(enterprise("coop", "Coop de propreté"))
    soon = tender("soon", "Entretien ménager", closing_at=RECENT.end + timedelta(days=2))
    world.publish(soon, MONDAY)
    world.match("coop", soon, MONDAY)
    html = tmp_path / "digest.html"

    code, out, _ = run(
        aws, "digest", "preview", "--week", str(RECENT), "--organizer", "esbsl", "--lang", "en", "--html", str(html)
    )

    assert code == 0
    assert out.startswith(f"Subject: ESJA digest for the week of {date_range(RECENT.monday, RECENT.sunday, 'en')} – ")
    assert "Entretien ménager" in out and "Enterprises alerted: Coop de propreté" in out
    assert "</html>" in html.read_text(encoding="utf-8")
    assert sent_emails() == []
    assert aws.client("s3").list_objects_v2(Bucket=aws.resources.names["ArchiveBucket"]).get("KeyCount") == 0
    assert world.sends.claim(SendKey("esbsl", str(RECENT)), MONDAY).value == "claimed"  # no send record was left


def test_the_preview_refuses_an_unknown_organizer_or_week(world: DigestWorld, aws: LocalAws) -> None:
    world.organizers.save_organizers([ESBSL])

    code, _, err = run(aws, "digest", "preview", "--organizer", "nobody")
    assert code == 1 and "no organizer “nobody”" in err
    code, _, err = run(aws, "digest", "preview", "--week", "2026-47")
    assert code == 1 and "expected an ISO week such as 2026-W38" in err
