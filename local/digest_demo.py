"""The demo's last step: organizers load their list, a signatory is linked to its SEAO buyer id, and
weekly_digest sends the week's digests — then again, sending nothing twice. Outputs: the archived pages
as out/digest-<organizer>-<week>.html, and the e-mails in out/outbox/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from esja.cli import main as cli
from esja.digest.links import archive_key
from esja.digest.weeks import Week
from esja.store.digest_archive import DigestArchive
from esja.store.organizers import OrganizerStore
from esja.store.pledges import PledgeStore
from local.outbox import write_outbox
from local.runtime import ROOT, LocalAws, environment
from local.serve import web_environment

DIGEST, WEB = "WeeklyDigestFunction", "WebFunction"
ORGANIZERS = ROOT / "examples" / "organizers.csv"
SIGNATORY, SEAO_BUYER_ID = "Ville de Rimouski", "OP-74012"  # its buyer id in the sample SEAO files


def import_organizers(aws: LocalAws) -> bool:
    """The organizers' list, loaded as an organizer loads it (`esja organizers import`)."""
    with environment(aws.environment(DIGEST)):
        return cli(["organizers", "import", str(ORGANIZERS)]) == 0


def run_weekly_digest(aws: LocalAws, out: Path, quiet: dict[str, str], base_url: str) -> bool:
    """True when each organizer got one digest, archived, and the replay sent nothing."""
    env = {**web_environment(aws, base_url), "SES_MAX_SEND_RATE": "1000", **quiet}
    dynamodb = aws.client("dynamodb")
    if not import_organizers(aws):
        return False
    with environment(aws.environment(WEB, **env)):  # the console's links, audited: as the web function would
        pledges = PledgeStore(aws.resources.names["PledgesTable"], dynamodb).everything(datetime.now(UTC))
        for pledge in pledges:
            if pledge.details.institution_name == SIGNATORY and pledge.status == "confirmed":
                print(f"$ esja pledges link {pledge.id} --buyer-id {SEAO_BUYER_ID}")
                cli(["pledges", "link", pledge.id, "--buyer-id", SEAO_BUYER_ID])
    # The sample feeds are dated this week: the digest of the week in progress, as of now.
    week = str(Week.containing(datetime.now(UTC)))
    before = set((out / "outbox").glob("*.html"))
    reports = [aws.invoke(DIGEST, {"week": week}, env) for _ in ("run", "replay")]
    for name, report in zip(("run", "replay"), reports, strict=True):
        print(
            f"{name:<7} {report['week']}: {report['organizers']} organizers, sent {report['sent']}, "
            f"already sent {report['already_sent']}, failed {report['failed']}, "
            f"contracts won recorded {report['contracts_recorded']}"
        )
    write_outbox(out / "outbox")
    archive = DigestArchive(aws.resources.names["ArchiveBucket"], aws.client("s3"))
    pages = []
    for organizer in OrganizerStore(aws.resources.names["OrganizersTable"], dynamodb).organizers():
        page = archive.get(archive_key(organizer.id, Week.parse(week)))
        if page is not None:
            path = out / f"digest-{organizer.id}-{week}.html"
            path.write_text(page, encoding="utf-8")
            pages.append(path)
    print("\nOpen the digests:")
    for path in [*pages, *sorted(set((out / "outbox").glob("*.html")) - before)]:
        print(f"  {path.relative_to(ROOT)}")
    sent, resent = int(reports[0]["sent"]), int(reports[1]["sent"])
    return sent == len(pages) == 2 and resent == 0
