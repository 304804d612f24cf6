"""The demo's invitation, from the form to the alerts: ESBSL's organizer verifies the pledge the Ville de
Rimouski signed in step 6; its signatory signs in (the link e-mailed, its button) and posts a request for
quotes on the space's form; it is published at once (its page, the OCDS package), matched from the match
queue like any tender, and e-mailed at once to the matched enterprises' subscribers, whatever their
frequency. Every request goes through the web function's real handler. Outputs: the e-mails in
out/outbox/, the OCDS package as out/invitations.json."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from esja.clock import TIME_ZONE
from esja.pledges.model import BY_ORGANIZER, Verdict, Verification
from esja.store.pledges import PledgeStore
from local.http_adapter import to_event
from local.outbox import sent_emails, write_outbox
from local.runtime import ROOT, LocalAws
from local.serve import web_environment

WEB, MATCH, SEND_AT_ONCE = "WebFunction", "MatchTendersFunction", "SendInvitationAlertsFunction"
SIGNATORY, INSTITUTION = "direction.approvisionnement@ville-rimouski.example.org", "Ville de Rimouski"
NEW_INVITATION = "/signataire/invitations/nouvelle"


def invitation_form(now: datetime) -> dict[str, str]:
    """What the signatory types in the form: cleaning of a library, closing in twelve days at 14 h."""
    closing = (now + timedelta(days=12)).astimezone(TIME_ZONE)
    return {
        "title_fr": "Entretien ménager de la bibliothèque Lisette-Morin",
        "title_en": "Cleaning of the Lisette-Morin library",
        "description_fr": (
            "Nettoyage hebdomadaire des planchers, des salles de toilettes et des vitres intérieures "
            "de la bibliothèque (1 200 m²), d'avril à mars.\n\nVisite des lieux sur rendez-vous."
        ),
        "codes": "76111500",
        "category": "services",
        "municipality": "Rimouski",
        "value": "24 500 $",
        "closing_date": closing.date().isoformat(),
        "closing_time": "14:00",
        "answer_email": "approvisionnement@ville.rimouski.example.org",
        "documents": "Hôtel de ville, 205, avenue de la Cathédrale, Rimouski",
        "audience": "open",
    }


@dataclass
class Browser:
    """Requests to the web function as API Gateway delivers them, keeping the session's cookie."""

    aws: LocalAws
    env: dict[str, str]
    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, target: str) -> dict[str, Any]:
        return self._send("GET", target, {})

    def post(self, target: str, fields: dict[str, str]) -> dict[str, Any]:
        headers = {"content-type": "application/x-www-form-urlencoded", "origin": f"http://{self.host}"}
        return self._send("POST", target, headers, urlencode(fields).encode())

    def _send(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> dict[str, Any]:
        if self.cookies:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        event = to_event(method, target, {"host": self.host, **headers}, body, self.host)
        answer: dict[str, Any] = self.aws.invoke(WEB, event, self.env)
        for cookie in answer.get("cookies", []):
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return answer


def post_an_invitation(aws: LocalAws, out: Path, quiet: dict[str, str], base_url: str) -> bool:
    """True when the invitation reached the matched enterprises' inboxes, and its page and the OCDS package
    show it."""
    if not _verify_the_pledge(aws):
        print(f"demo: no confirmed pledge of {INSTITUTION} to verify")
        return False
    env = {**web_environment(aws, base_url), "SIGN_IN_FLOOR_SECONDS": "0", **quiet}
    browser = Browser(aws, env, base_url.removeprefix("http://"))
    if not sign_in(browser, SIGNATORY, NEW_INVITATION):
        return False
    outbox = out / "outbox"
    write_outbox(outbox)  # what earlier steps sent is written already: list only the invitation's e-mails

    form = browser.get(f"{NEW_INVITATION}?lang=fr")
    started = time.perf_counter()
    posted = browser.post(f"{NEW_INVITATION}?lang=fr", {**invitation_form(datetime.now(UTC)), **hidden_fields(form)})
    stored = time.perf_counter()
    found = re.search(r"publiee=([0-9a-f]{10})", posted["headers"].get("Location", ""))
    print(f"GET {NEW_INVITATION} → {form['statusCode']} (the form, the session's anti-forgery token in it)")
    print(f"POST {NEW_INVITATION} → {posted['statusCode']} {posted['headers'].get('Location', '')}")
    if found is None:
        print(f"demo: the invitation was refused ({posted['statusCode']})")
        return False
    invitation_id = found[1]
    matched = aws.deliver_queue(MATCH, "MatchQueue", quiet)
    told = aws.deliver_queue(SEND_AT_ONCE, "InvitationAlertQueue", {**env, "SES_MAX_SEND_RATE": "1000"})
    accepted = time.perf_counter()
    emails = write_outbox(outbox)
    print(f"  match_tenders handled {matched} announcement; send_invitation_alerts handled {told} request")
    for email in emails:
        subject = policy.default.header_fetch_parse("Subject", email.message["Subject"])
        print(f"  ✉ {email.to[0]} [{email.message['Content-Language']}] {subject}")
    print(
        f"  from the POST to SES's acceptance: {accepted - started:.2f} s in-process "
        f"(stored and announced in {stored - started:.2f} s)"
    )
    return bool(emails) and _shown(browser, out, invitation_id)


def _verify_the_pledge(aws: LocalAws) -> bool:
    """ESBSL's organizer vouches for the signatory (the verdict the console's « Vérifier » records)."""
    store = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb"))
    now = datetime.now(UTC)
    pledges = [p for p in store.everything(now) if p.details.institution_name == INSTITUTION]
    confirmed = next((p for p in pledges if p.status == "confirmed"), None)
    if confirmed is None:
        return False
    store.record_verdict(confirmed, Verdict(Verification.VERIFIED, now, "esbsl", BY_ORGANIZER))
    print(f"ESBSL's organizer verifies the pledge of {INSTITUTION}: its signatory may now use the signatories' space")
    return True


def sign_in(browser: Browser, email: str, then: str, *, say: bool = True) -> bool:
    """A person signs in as a person does: the address, the e-mailed link, its button."""
    before = len(sent_emails())
    asked = browser.post("/connexion?lang=fr", {"email": email, "language": "fr", "suite": then})
    emails = [e for e in sent_emails()[before:] if email in e.to]
    link = emails and re.search(r"https?://[^/\s]+(/connexion/lien\?\S+)", emails[0].part("text/plain"))
    if not link:
        print(f"demo: no sign-in link reached {email} ({asked['statusCode']})")
        return False
    page = browser.get(link[1])
    token = re.search(r'name="jeton" value="([^"]+)"', page["body"])
    opened = browser.post("/connexion/lien?lang=fr", {"jeton": token[1] if token else ""})
    if say:
        print(f"POST /connexion → {asked['statusCode']}; ✉ {email}: {emails[0].subject}")
        where = opened["headers"].get("Location", "")
        print(f"GET the e-mailed link → {page['statusCode']}; its button → {opened['statusCode']} {where}")
    return opened["statusCode"] == 303 and bool(browser.cookies)


def hidden_fields(page: dict[str, Any]) -> dict[str, str]:
    """A form page's hidden fields: the session's anti-forgery token, the form's own reference."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page["body"]))


def _shown(browser: Browser, out: Path, invitation_id: str) -> bool:
    page = browser.get(f"/invitations/{invitation_id}?lang=fr")
    feed = browser.get("/ocds/invitations.json")
    package = json.loads(feed["body"]) if feed["statusCode"] == 200 else {"releases": []}
    (out / "invitations.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    title = invitation_form(datetime.now(UTC))["title_fr"]
    ours = [r for r in package["releases"] if r["ocid"].endswith(invitation_id)]
    print(
        f"GET /invitations/{invitation_id} → {page['statusCode']} ({'shows' if title in page['body'] else 'lacks'} it)"
    )
    print(
        f"GET /ocds/invitations.json → {feed['statusCode']}, {len(package['releases'])} release(s) "
        f"({', '.join(r['ocid'] for r in ours)}), licence {package.get('license')}; "
        f"written to {(out / 'invitations.json').relative_to(ROOT)}"
    )
    return page["statusCode"] == 200 and title in page["body"] and len(ours) == 1
