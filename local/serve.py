"""`make serve`: every page on http://127.0.0.1:3000, on embedded moto, in a demo world (local.world); e-mails —
the sign-in links too — land in out/outbox/."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local.http_adapter import serve
from local.outbox import SentEmail, write_outbox
from local.runtime import ROOT, LocalAws, local_aws

WEB = "WebFunction"
# Lambda's SQS event sources, played after each request: an invitation posted in the signatories' space is
# matched (match queue) and e-mailed at once (invitation alert queue) before the next page, as in AWS.
QUEUES = (("MatchQueue", "MatchTendersFunction"), ("InvitationAlertQueue", "SendInvitationAlertsFunction"))


LOCAL_SIGNING_KEYS = "local-only-signing-key-not-a-secret"


def web_environment(aws: LocalAws, base_url: str) -> dict[str, str]:
    """The web function's local settings: its own URL, a local signing key, a verified sender."""
    sender = aws.environment(WEB)["SENDER_EMAIL"]
    aws.client("sesv2").create_email_identity(EmailIdentity=sender)
    return {"PUBLIC_BASE_URL": base_url, "SIGNING_KEYS": LOCAL_SIGNING_KEYS}


def print_new(sent: list[SentEmail]) -> None:
    for email in sent:
        print(f"  ✉ e-mail to {', '.join(email.to)}: {email.subject}")


def site_server(
    aws: LocalAws, base_url: str, *, port: int, after: Callable[[], None] = lambda: None
) -> tuple[ThreadingHTTPServer, dict[str, str]]:
    """The web function behind the local HTTP adapter, and the queues' functions run after each request (one at
    a time: an invocation sets the process's environment). Returns the server (not started) and the web
    function's environment, to complete once the port is known."""
    env = web_environment(aws, base_url)
    lock = threading.Lock()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        with lock:
            answer: dict[str, Any] = aws.invoke(WEB, event, env)
            return answer

    def then() -> None:
        with lock:
            for queue, function in QUEUES:
                aws.deliver_queue(function, queue, {**env, "SES_MAX_SEND_RATE": "1000"})
            after()

    return serve(invoke, port=port, after=then), env


def build_world(aws: LocalAws) -> bool:
    """The demo's pipeline, then what the spaces add (local.world); the pipeline's own output goes to a log."""
    from local.demo import run_pipeline
    from local.feed_server import FeedServer
    from local.world import add_spaces, the_results_of_ville_de_rimouski

    log = ROOT / "out" / "serve-world.log"
    log.parent.mkdir(exist_ok=True)
    print("Building the demo world (the feeds polled, enterprises matched, alerts, pledges, digests)…", flush=True)
    with FeedServer() as feeds, log.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        built = run_pipeline(aws, feeds) == 0
    if built:
        add_spaces(aws)
        the_results_of_ville_de_rimouski(aws)  # after the edition's copies of the tenders: its own are not copied
    aws.retire(WEB)  # the pipeline's web container knew another address: the pages start afresh
    print(f"  {'done' if built else 'FAILED'}: what each step did is in {log.relative_to(ROOT)}")
    return built


def how_to_sign_in(base_url: str, outbox: Path) -> str:
    from local.world import HOW_TO_VERIFY, PEOPLE

    people = "\n".join(f"  {person.email:<40} {person.who}" for person in PEOPLE)
    return (
        f"Sign in at {base_url}/connexion as any of these (the sign-in e-mail lands in {outbox}; open its link):\n"
        f"{people}\n{HOW_TO_VERIFY}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    base_url = f"http://127.0.0.1:{args.port}"
    outbox = ROOT / "out" / "outbox"
    with local_aws() as aws:
        if not build_world(aws):
            return 1
        write_outbox(outbox)  # the world's e-mails, so that the new ones are listed as they come
        server, _ = site_server(aws, base_url, port=args.port, after=lambda: print_new(write_outbox(outbox)))
        print(f"ESJA pages on {base_url} (moto in-process); e-mails are written to {outbox}. Ctrl-C to stop.")
        print(how_to_sign_in(base_url, outbox.relative_to(ROOT)), flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
