"""`make serve`: the public pages on http://127.0.0.1:3000, on embedded moto, e-mails in out/outbox/."""

from __future__ import annotations

import argparse
import sys

from local.http_adapter import serve
from local.outbox import SentEmail, write_outbox
from local.runtime import ROOT, LocalAws, local_aws

WEB = "WebFunction"


LOCAL_SIGNING_KEYS = "local-only-signing-key-not-a-secret"


def web_environment(aws: LocalAws, base_url: str) -> dict[str, str]:
    """The web function's local settings: its own URL, a local signing key, a verified sender."""
    sender = aws.environment(WEB)["SENDER_EMAIL"]
    aws.client("sesv2").create_email_identity(EmailIdentity=sender)
    return {"PUBLIC_BASE_URL": base_url, "SIGNING_KEYS": LOCAL_SIGNING_KEYS}


def print_new(sent: list[SentEmail]) -> None:
    for email in sent:
        print(f"  ✉ e-mail to {', '.join(email.to)}: {email.subject}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    base_url = f"http://127.0.0.1:{args.port}"
    outbox = ROOT / "out" / "outbox"
    with local_aws() as aws:
        env = web_environment(aws, base_url)
        server = serve(
            lambda event: aws.invoke(WEB, event, env), port=args.port, after=lambda: print_new(write_outbox(outbox))
        )
        print(f"ESJA pages on {base_url} (moto in-process); e-mails are written to {outbox}. Ctrl-C to stop.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
