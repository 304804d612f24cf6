"""The demo's invitation: the Ville de Rimouski, whose pledge step 6 confirmed, posts a request for quotes;
it is published at once (its page, the OCDS package), matched from the match queue like any tender, and
e-mailed at once to the matched enterprises' subscribers, whatever their frequency. Outputs: the e-mails in
out/outbox/, the OCDS package as out/invitations.json."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any

from esja.bootstrap import build_invitation_service
from esja.clock import TIME_ZONE
from esja.config import Settings
from esja.signatory_space.invitation import Signatory
from esja.store.pledges import PledgeStore
from local.http_adapter import to_event
from local.outbox import write_outbox
from local.runtime import ROOT, LocalAws, environment
from local.serve import web_environment

WEB, MATCH, SEND_AT_ONCE = "WebFunction", "MatchTendersFunction", "SendInvitationAlertsFunction"
SIGNATORY = "Ville de Rimouski"


def invitation_form(now: datetime) -> dict[str, list[str]]:
    """What the signatory types in the form: cleaning of a library, closing in twelve days at 14 h."""
    closing = (now + timedelta(days=12)).astimezone(TIME_ZONE)
    return {
        "title_fr": ["Entretien ménager de la bibliothèque Lisette-Morin"],
        "title_en": ["Cleaning of the Lisette-Morin library"],
        "description_fr": [
            "Nettoyage hebdomadaire des planchers, des salles de toilettes et des vitres intérieures "
            "de la bibliothèque (1 200 m²), d'avril à mars.\n\nVisite des lieux sur rendez-vous."
        ],
        "codes": ["76111500"],
        "category": ["services"],
        "municipality": ["Rimouski"],
        "value": ["24 500 $"],
        "closing_date": [closing.date().isoformat()],
        "closing_time": ["14:00"],
        "answer_email": ["approvisionnement@ville.rimouski.example.org"],
        "documents": ["Hôtel de ville, 205, avenue de la Cathédrale, Rimouski"],
        "audience": ["open"],
    }


def post_an_invitation(aws: LocalAws, out: Path, quiet: dict[str, str], base_url: str) -> bool:
    """True when the invitation reached the matched enterprises' inboxes, and its page and the OCDS
    package show it."""
    env = {**web_environment(aws, base_url), **quiet}
    host = base_url.removeprefix("http://")
    pledge_id = _signatory_pledge(aws)
    if pledge_id is None:
        print(f"demo: no confirmed pledge of {SIGNATORY}")
        return False
    with environment(aws.environment(WEB, **env)):
        service = build_invitation_service(Settings.from_env(), dynamodb=aws.client("dynamodb"), sqs=aws.client("sqs"))
    outbox = out / "outbox"
    write_outbox(outbox)  # what earlier steps sent is written already: list only the invitation's e-mails

    started = time.perf_counter()
    saved = service.post(Signatory(pledge_id), invitation_form(datetime.now(UTC)))
    posted = time.perf_counter()
    if saved.invitation is None:
        print(f"demo: the invitation was refused: {saved.form.errors if saved.form else saved.refusal}")
        return False
    invitation = saved.invitation
    print(
        f"{SIGNATORY} posts « {invitation.details.title.fr} » (closing {invitation.details.closing_at:%Y-%m-%d %H:%M})"
    )
    print(f"  published at once: {base_url}/invitations/{invitation.id}  (ocid ocds-esja00-{invitation.id})")
    matched = aws.deliver_queue(MATCH, "MatchQueue", quiet)
    send_env = {**env, "SES_MAX_SEND_RATE": "1000"}
    told = aws.deliver_queue(SEND_AT_ONCE, "InvitationAlertQueue", send_env)
    accepted = time.perf_counter()
    emails = write_outbox(outbox)
    print(f"  match_tenders handled {matched} announcement; send_invitation_alerts handled {told} request")
    for email in emails:
        subject = policy.default.header_fetch_parse("Subject", email.message["Subject"])
        print(f"  ✉ {email.to[0]} [{email.message['Content-Language']}] {subject}")
    print(
        f"  from the post to SES's acceptance: {accepted - started:.2f} s in-process "
        f"(stored and announced in {posted - started:.2f} s)"
    )

    page = _get(aws, env, host, f"/invitations/{invitation.id}?lang=fr")
    feed = _get(aws, env, host, "/ocds/invitations.json")
    package = json.loads(feed["body"]) if feed["statusCode"] == 200 else {"releases": []}
    (out / "invitations.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    shown = invitation.details.title.fr or ""
    ours = [r for r in package["releases"] if r["ocid"].endswith(invitation.id)]
    print(
        f"GET /invitations/{invitation.id} → {page['statusCode']} ({'shows' if shown in page['body'] else 'lacks'} it)"
    )
    print(
        f"GET /ocds/invitations.json → {feed['statusCode']}, {len(package['releases'])} release(s), licence "
        f"{package.get('license')}; written to {(out / 'invitations.json').relative_to(ROOT)}"
    )
    return bool(emails) and page["statusCode"] == 200 and shown in page["body"] and len(ours) == 1


def _signatory_pledge(aws: LocalAws) -> str | None:
    pledges = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb")).everything(datetime.now(UTC))
    return next(
        (p.id for p in pledges if p.details.institution_name == SIGNATORY and p.status == "confirmed"),
        None,
    )


def _get(aws: LocalAws, env: dict[str, str], host: str, target: str) -> dict[str, Any]:
    answer: dict[str, Any] = aws.invoke(WEB, to_event("GET", target, {"host": host}, b"", host), env)
    return answer
