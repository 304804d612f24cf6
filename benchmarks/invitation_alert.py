"""An invitation, from its POST to SES's acceptance of the alerts: in-process on moto, through the real
handlers and both queues (the web function's POST of the signatory's form → match queue → match_tenders →
invitation alert queue → send_invitation_alerts → SES). Each signatory signs in first, untimed.

The world: the demo's enterprises (examples/enterprises.csv) and 500 more, each with a profile and a
subscriber, so that every run reads a realistic Enterprises table. Each of 20 invitations matches the
demo's cleaning enterprise (two subscribers: two e-mails). The first invitation warms the containers
(timed apart, as a cold start); the others are timed stage by stage.

Baseline measured in the same run: one e-mail sent through the same Mailer to moto's SES — the least an
alert costs. Budget: the median post-to-acceptance under 1.5 s in-process (moto answers in-process; in AWS
the queues' polling and the network dominate: the production bound is printed below).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "esja"), str(ROOT)]

from esja.emails import Email  # noqa: E402 - after the path set-up above
from esja.mail.mailer import Mailer  # noqa: E402
from esja.model import Consent, Enterprise, Profile, Subscriber  # noqa: E402
from esja.pledges.model import BY_ORGANIZER, InstitutionType, Verdict, Verification  # noqa: E402
from esja.store.enterprises import EnterpriseStore  # noqa: E402
from esja.store.pledges import PledgeStore  # noqa: E402
from local.demo import import_enterprises  # noqa: E402
from local.invitation_demo import NEW_INVITATION, Browser, hidden_fields, invitation_form, sign_in  # noqa: E402
from local.outbox import sent_emails  # noqa: E402
from local.runtime import LocalAws, local_aws  # noqa: E402
from local.serve import web_environment  # noqa: E402
from local.template import load_template  # noqa: E402
from local.world import KEYS, Signed, confirmed_pledge  # noqa: E402

INVITATIONS = 20
MORE_ENTERPRISES = 500
BUDGET_SECONDS = 1.5
QUIET = {"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"}
BASE_URL = "http://127.0.0.1:3000"
CONSENT = Consent(datetime(2026, 2, 3, tzinfo=UTC), "formulaire web ESJA", "consentement-2026-01")
REGIONS = [f"{n:02d}" for n in range(2, 18)]  # elsewhere than Rimouski's 01: read, never matched


def populate(aws: LocalAws) -> None:
    import_enterprises(aws)
    store = EnterpriseStore(aws.resources.names["EnterprisesTable"], aws.client("dynamodb"), address_keys=KEYS)
    enterprises, profiles = store.load()
    for n in range(MORE_ENTERPRISES):
        subscriber = Subscriber(f"coop{n}@example.org", "Abonné", "fr", "daily", CONSENT)
        enterprises.append(Enterprise(f"coop-{n}", f"Coop {n}", subscribers=(subscriber,)))
        region = REGIONS[n % len(REGIONS)]
        profiles.append(Profile(f"coop-{n}", "p", "Profil", unspsc=("7611",), regions=(region,)))
    store.save(enterprises, profiles)


def signed_in(aws: LocalAws, env: dict[str, str], n: int) -> Browser:
    """A signatory of its own institution (each may post only a few invitations a day), signed in."""
    email = f"achats{n}@municipalite.example.org"
    pledges, now = PledgeStore(aws.resources.names["PledgesTable"], aws.client("dynamodb")), datetime.now(UTC)
    signed = Signed(f"Municipalité numéro {n}", InstitutionType.MUNICIPALITY, "01", email, "Directrice")
    confirmed = confirmed_pledge(pledges, signed, now)
    assert pledges.record_verdict(confirmed, Verdict(Verification.VERIFIED, now, "esbsl", BY_ORGANIZER))
    browser = Browser(aws, env, BASE_URL.removeprefix("http://"))
    assert sign_in(browser, email, NEW_INVITATION, say=False)
    return browser


def bare_send_seconds(aws: LocalAws, sender: str, runs: int = 20) -> float:
    mailer = Mailer(aws.client("sesv2"), sender_email=sender, sender_name="ESJA", max_per_second=1000)
    timings = []
    for n in range(runs):
        email = Email(to=f"baseline{n}@example.org", subject="Baseline", text="Texte " * 200, html="<p>HTML</p>" * 200)
        start = time.perf_counter()
        mailer.send(email)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def production_bound() -> str:
    resources = load_template(ROOT / "template.yaml")["Resources"]
    match_events = resources["MatchTendersFunction"]["Properties"]["Events"]["Announced"]["Properties"]
    queue = resources["InvitationAlertQueue"]["Properties"]
    send_timeout = resources["SendInvitationAlertsFunction"]["Properties"]["Timeout"]
    window = match_events["MaximumBatchingWindowInSeconds"]
    retries = queue["RedrivePolicy"]["maxReceiveCount"]
    return (
        "In AWS: the match queue's batching window (up to "
        f"{window} s), then two SQS-triggered invocations (warm: tens of ms each; a cold match_tenders adds its "
        "profile index, seconds at 100,000 profiles) and SES at the account's rate: under a minute for an "
        f"invitation's few dozen subscribers (send_invitation_alerts' timeout: {send_timeout} s). Should that "
        f"fail, it is tried {retries} times, {queue['VisibilityTimeout']} s apart, and in any case the scheduled "
        "instant runs carry any invitation not yet told: at most until the next one (weekdays every 2 h, "
        "07:20 to 19:20; weekends 07:45 only — at worst 12 h overnight on a weekday, a day on a weekend)."
    )


def main() -> int:
    with local_aws() as aws:
        env = {**web_environment(aws, BASE_URL), "SIGN_IN_FLOOR_SECONDS": "0", **QUIET}
        send_env = {**env, "SES_MAX_SEND_RATE": "1000"}
        populate(aws)
        baseline = bare_send_seconds(aws, aws.environment("WebFunction")["SENDER_EMAIL"])

        def one(browser: Browser) -> tuple[float, float, float, int]:
            form = {**invitation_form(datetime.now(UTC)), **hidden_fields(browser.get(NEW_INVITATION))}
            before = len(sent_emails())
            start = time.perf_counter()
            answer = browser.post(f"{NEW_INVITATION}?lang=fr", form)
            posted = time.perf_counter()
            assert answer["statusCode"] == 303, answer["statusCode"]
            aws.deliver_queue("MatchTendersFunction", "MatchQueue", QUIET)
            matched = time.perf_counter()
            aws.deliver_queue("SendInvitationAlertsFunction", "InvitationAlertQueue", send_env)
            accepted = time.perf_counter()
            return posted - start, matched - posted, accepted - matched, len(sent_emails()) - before

        stages = [one(signed_in(aws, env, n)) for n in range(INVITATIONS)]
        cold = stages.pop(0)

    totals = [sum(s[:3]) for s in stages]
    median = statistics.median(totals)
    p95 = sorted(totals)[int(len(totals) * 0.95) - 1]
    emails = {s[3] for s in stages}
    print(f"world: {MORE_ENTERPRISES + 12} enterprises; each invitation matches one, e-mailed to {emails} subscribers")
    print(f"baseline, one e-mail through the Mailer to moto's SES: {baseline * 1000:.1f} ms (median)")
    print(f"first invitation (cold matcher and sender): {sum(cold[:3]):.3f} s")
    print(
        f"POST → SES acceptance, {len(totals)} warm invitations: median {median:.3f} s, p95 {p95:.3f} s, "
        f"×{median / baseline:.0f} the baseline"
    )
    for name, index in (
        ("POST, the web function (session, invitation + tender, announcement)", 0),
        ("match_tenders", 1),
        ("send_invitation_alerts", 2),
    ):
        print(f"  {name}: median {statistics.median(s[index] for s in stages) * 1000:.0f} ms")
    print(production_bound())
    if median > BUDGET_SECONDS:
        print(f"over budget: {median:.2f} s > {BUDGET_SECONDS:.1f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
