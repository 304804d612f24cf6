"""The web function when AWS fails: every route answers the same 503 page with the security headers,
and a call AWS does not answer is given up fast, well inside the function's 15 s timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from esja.alerts.links import SubscriberLinks
from esja.bootstrap import WEB_AWS_CONFIG, build_web_app
from esja.config import Settings
from esja.digest.links import DigestLinks
from esja.digest.weeks import Week
from esja.pledges.links import WITHDRAWAL_PURPOSE
from esja.tokens import SigningKeys, TokenSigner
from esja.web.security import SECURITY_HEADERS
from local.http_adapter import to_event
from local.resources import load_template
from local.runtime import LOCAL_ENVIRONMENT, LOCAL_SECRETS, TEMPLATE, LocalAws, environment
from tests.pledge_builders import aged_form_token, pledge_fields

BASE_URL = "https://esja.example.org"
HOST = "esja.example.org"
KEY = "test-signing-key-not-a-secret"
KEYS = SigningKeys(KEY)
WEB = "WebFunction"
CONFIRMATION = f"{'0' * 32}.{'A' * 43}"  # the shape of a confirmation token: its pledge is looked up
# The web function's resources, named as in Lambda, for the tests where AWS is unreachable.
WEB_TABLES = {
    "PLEDGES_TABLE": "pledges",
    "RATE_LIMITS_TABLE": "rate-limits",
    "SUBSCRIPTIONS_TABLE": "subscriptions",
    "TENDERS_TABLE": "tenders",
    "INVITATIONS_TABLE": "invitations",
    "ENTERPRISES_TABLE": "enterprises",
    "MATCH_QUEUE_URL": "https://sqs.ca-central-1.amazonaws.com/123456789012/match",
    "ARCHIVE_BUCKET": "archive",
    "SENDER_EMAIL": "alertes@esja.example.org",
    "SESSIONS_TABLE": "sessions",
    "AUDIT_TABLE": "audit",
    "ORGANIZERS_TABLE": "organizers",
    "FEEDS_TABLE": "feeds",
    "REFERENCE_BUCKET": "reference",  # the recent tenders' snapshot (profile previews)
    "DIRECTORY_TABLE": "directory",
    "MATCHES_TABLE": "matches",
    "SIGNATORIES_TABLE": "signatories",
}
SECRET = "A" * 43  # the shape of a sign-in link's or a session cookie's secret: it is looked up


def requests() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """(method, target, form) reaching AWS on every route of the web function, with well-signed tokens."""
    subscriber = SubscriberLinks(BASE_URL, KEYS)
    unsubscribe, preferences = subscriber.unsubscribe_token("sid"), subscriber.preferences_token("sid")
    withdrawal = TokenSigner(KEYS, WITHDRAWAL_PURPOSE).sign({"p": "0" * 32})
    digest = urlsplit(DigestLinks(BASE_URL, KEYS).archive_url("esbsl", Week.parse("2026-W47"), "fr")).query
    calendar = urlsplit(subscriber.calendar_url("seao:ocds-ec9k95-20171369", "fr")).query
    form = {**pledge_fields(), "form_token": aged_form_token((KEY,))}
    return {
        "sign": ("POST", "/engagement?lang=fr", form),
        "confirmation page": ("GET", f"/engagement/confirmation?jeton={CONFIRMATION}&lang=fr", {}),
        "confirm": ("POST", "/engagement/confirmation?lang=fr", {"jeton": CONFIRMATION}),
        "withdrawal page": ("GET", f"/engagement/retrait?jeton={withdrawal}&lang=fr", {}),
        "withdraw": ("POST", "/engagement/retrait?lang=fr", {"jeton": withdrawal}),
        "registry": ("GET", "/registre?lang=fr", {}),
        "unsubscribe page": ("GET", f"/desabonnement?jeton={unsubscribe}&lang=fr", {}),
        "unsubscribe": ("POST", "/desabonnement?lang=fr", {"jeton": unsubscribe}),
        "one-click page": ("GET", f"/desabonnement/un-clic?jeton={unsubscribe}&lang=fr", {}),
        "one-click": ("POST", f"/desabonnement/un-clic?jeton={unsubscribe}&lang=fr", {"List-Unsubscribe": "One-Click"}),
        "preferences page": ("GET", f"/preferences?jeton={preferences}&lang=fr", {}),
        "preferences": ("POST", "/preferences?lang=fr", {"jeton": preferences, "frequency": "daily", "language": "fr"}),
        "archived digest": ("GET", f"/sommaire?{digest}", {}),
        "calendar event": ("GET", f"/agenda?{calendar}", {}),
        "sign in": ("POST", "/connexion?lang=fr", {"email": "julie@coop.example.org", "language": "fr"}),
        "sign-in link page": ("GET", f"/connexion/lien?jeton={SECRET}&lang=fr", {}),
        "open a session": ("POST", "/connexion/lien?lang=fr", {"jeton": SECRET}),
        "a space's page": ("GET", "/organisation/?lang=fr", {}),  # the session cookie is looked up
        "one's sessions": ("GET", "/compte/sessions?lang=fr", {}),
        "the directory": ("GET", "/repertoire?lang=fr", {}),
        "a listed enterprise's page": ("GET", "/repertoire/ateliers-mon-choix?lang=fr", {}),
        "invitation": ("GET", "/invitations/0123456789?lang=fr", {}),
        "invitations as OCDS": ("GET", "/ocds/invitations.json", {}),
    }


def event(method: str, target: str, form: dict[str, Any]) -> dict[str, Any]:
    headers = {"host": HOST, "cookie": f"__Host-esja_session={SECRET}"}
    if method == "POST":
        headers |= {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
    return to_event(method, target, headers, urlencode(form, doseq=True).encode(), HOST)


def no_answer(**_: Any) -> None:
    raise ReadTimeoutError(endpoint_url="https://dynamodb.ca-central-1.amazonaws.com")


def internal_error(**_: Any) -> None:
    raise ClientError({"Error": {"Code": "InternalServerError", "Message": "try again"}}, "Call")


@pytest.fixture(params=[no_answer, internal_error], ids=["no answer in time", "an AWS error"])
def failing_site(aws: LocalAws, request: pytest.FixtureRequest) -> Any:
    failure: Callable[..., None] = request.param
    clients = {service: aws.client(service) for service in ("dynamodb", "sesv2", "s3")}
    for client in clients.values():
        client.meta.events.register("before-call", failure)
    env = {"PUBLIC_BASE_URL": BASE_URL, "SIGNING_KEYS": KEY, "POWERTOOLS_LOG_LEVEL": "CRITICAL"}
    with environment(aws.environment(WEB, **env)):
        return build_web_app(Settings.from_env(), **clients)


def test_every_route_answers_an_aws_failure_with_the_same_503_page(failing_site: Any) -> None:
    answers = {name: failing_site.resolve(event(*request), {}) for name, request in requests().items()}

    for name, answer in answers.items():
        assert answer["statusCode"] == 503, name
        assert "Réessayez dans quelques minutes" in answer["body"], name
        for header, value in SECURITY_HEADERS.items():
            assert answer["headers"][header] == value, (name, header)
    assert len({answer["body"] for answer in answers.values()}) == 1


def test_unreadable_signing_keys_are_the_same_503_page() -> None:
    refused = "http://127.0.0.1:9"  # nothing listens there: Secrets Manager unreachable
    env = {
        **LOCAL_ENVIRONMENT,
        **LOCAL_SECRETS,
        **WEB_TABLES,
        "AWS_ENDPOINT_URL": refused,
        "PUBLIC_BASE_URL": BASE_URL,
        "SIGNING_KEYS_SECRET_ARN": "arn:aws:secretsmanager:ca-central-1:123456789012:secret:esja-keys",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    with environment(env):
        app = build_web_app(Settings.from_env())
        # The form's time-trap needs the keys.
        answer = app.resolve(event("GET", "/engagement?lang=fr", {}), cast(Any, {}))

    assert answer["statusCode"] == 503 and "Réessayez dans quelques minutes" in answer["body"]


def test_an_unreadable_address_key_secret_is_the_same_503_page() -> None:
    refused = "http://127.0.0.1:9"  # nothing listens there: Secrets Manager unreachable
    env = {
        **LOCAL_ENVIRONMENT,
        **WEB_TABLES,
        "AWS_ENDPOINT_URL": refused,
        "PUBLIC_BASE_URL": BASE_URL,
        "SIGNING_KEYS": KEY,
        "ADDRESS_KEY_SECRET_ARN": "arn:aws:secretsmanager:ca-central-1:123456789012:secret:esja-address-key",
        "SIGN_IN_FLOOR_SECONDS": "0",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    with environment(env):
        app = build_web_app(Settings.from_env())  # the secret is not read at cold start
        form = {"email": "julie@coop.example.org", "language": "fr"}
        answer = app.resolve(event("POST", "/connexion?lang=fr", form), cast(Any, {}))

    assert answer["statusCode"] == 503 and "Réessayez dans quelques minutes" in answer["body"]


# --- Failing fast ------------------------------------------------------------------------------------------


def test_a_stuck_aws_call_gives_up_well_inside_the_web_functions_timeout() -> None:
    lambda_timeout = load_template(TEMPLATE)["Resources"][WEB]["Properties"]["Timeout"]
    attempts = cast(Any, WEB_AWS_CONFIG).retries["total_max_attempts"]
    backoff = 1.0 * (attempts - 1)  # botocore's standard mode: at most 1 s before its first retry

    worst = attempts * (cast(Any, WEB_AWS_CONFIG).connect_timeout + cast(Any, WEB_AWS_CONFIG).read_timeout) + backoff

    assert attempts <= 2 and worst <= lambda_timeout / 2


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, list[socket.socket]]]:
    """An endpoint that accepts connections and never answers (AWS unreachable in practice)."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    server.close()
    for connection in accepted:
        connection.close()


def test_a_page_whose_aws_call_gets_no_answer_is_a_503_after_two_attempts(
    silent_endpoint: tuple[str, list[socket.socket]],
) -> None:
    url, accepted = silent_endpoint
    env = {
        **LOCAL_ENVIRONMENT,
        **LOCAL_SECRETS,
        **WEB_TABLES,
        "AWS_ENDPOINT_URL": url,
        "PUBLIC_BASE_URL": BASE_URL,
        "SIGNING_KEYS": KEY,
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    with environment(env):
        app = build_web_app(Settings.from_env())  # its own clients, as in Lambda
        answer = app.resolve(event("GET", "/registre?lang=fr", {}), cast(Any, {}))

    assert answer["statusCode"] == 503 and "Réessayez dans quelques minutes" in answer["body"]
    assert len(accepted) == cast(Any, WEB_AWS_CONFIG).retries["total_max_attempts"] == 2
