"""Every pledge page on moto, through the web function's real handler (HTTP API v2 events)."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError

from esja.bootstrap import build_web_app
from esja.cli import main as cli
from esja.config import Settings
from esja.l10n import date_time
from esja.pledges.links import CONFIRMATION_LIFETIME, WITHDRAWAL_LINK_LIFETIME, WITHDRAWAL_PURPOSE
from esja.pledges.service import PER_EMAIL_WINDOW, PER_SOURCE_LIMIT, PER_SOURCE_WINDOW
from esja.tokens import SigningKeys, TokenSigner
from local.outbox import sent_emails
from local.runtime import ROOT, LocalAws, environment
from local.serve import web_environment
from tests.pledge_builders import (
    PLEDGE_PAGES,
    WEB,
    WebClient,
    aged_form_token,
    form_post,
    links_in,
    main_of,
    pledge_fields,
)

ARTIFACTS = ROOT / "out" / "artifacts"


@pytest.fixture
def web(aws: LocalAws) -> WebClient:
    return WebClient(aws)


def confirm(web: WebClient, link: str) -> dict[str, Any]:
    """Open the e-mailed link and press its button."""
    shown = web.get(link)
    token = re.search(r'name="jeton" value="([^"]+)"', shown["body"])
    assert shown["statusCode"] == 200 and token, shown["body"]
    return web.post("/engagement/confirmation?lang=fr", {"jeton": token[1]})


def away_from_a_window_edge(window: timedelta, margin_seconds: int = 90) -> None:
    """Rate limits count in fixed windows; a test that fills one must not straddle two."""
    seconds = int(window.total_seconds())
    left = seconds - int(time.time()) % seconds
    if left < margin_seconds:
        time.sleep(left + 1)


def set_attribute(web: WebClient, item: dict[str, Any], name: str, value: dict[str, str]) -> None:
    """Change a stored pledge behind the application's back (time passing, which moto cannot)."""
    web.aws.client("dynamodb").update_item(
        TableName=web.aws.resources.names["PledgesTable"],
        Key={"pledge_id": item["pledge_id"]},
        UpdateExpression=f"SET {name} = :value",
        ExpressionAttributeValues={":value": value},
    )


def sign_and_confirm(web: WebClient, **overrides: Any) -> dict[str, str]:
    before = len(sent_emails())
    assert web.submit(**overrides)["statusCode"] == 303
    links = links_in(sent_emails()[before])
    assert confirm(web, links["confirm"])["statusCode"] == 200
    return links


# --- Pages and languages ---------------------------------------------------------------------------


def test_landing_page_is_french_by_default_and_english_on_request(web: WebClient) -> None:
    french, english = web.get("/"), web.get("/?lang=en")

    assert french["statusCode"] == english["statusCode"] == 200
    assert '<html lang="fr">' in french["body"] and "Signer la Déclaration d'engagement" in main_of(french)
    assert '<html lang="en">' in english["body"] and "Sign the Declaration of Commitment" in english["body"]
    assert english["headers"]["Content-Language"] == "en"


def test_the_chosen_language_is_remembered(web: WebClient) -> None:
    chosen = web.get("/engagement?lang=en")
    cookie = next(c for c in chosen["cookies"] if c.startswith("lang=")).split(";")[0]

    later = web.get("/registre", {"cookie": cookie, "accept-language": "fr-CA"})

    assert '<html lang="en">' in later["body"]


def test_accept_language_picks_english_when_nothing_was_chosen(web: WebClient) -> None:
    assert '<html lang="en">' in web.get("/engagement", {"accept-language": "en-CA,en;q=0.9"})["body"]


def test_the_form_has_a_label_for_every_field_and_the_law_25_notice(web: WebClient) -> None:
    page = web.get("/engagement")
    body = page["body"]

    inputs = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', body)
    labelled = set(re.findall(r'<label for="([^"]+)"', body))
    assert inputs and set(inputs) <= labelled
    notice = main_of(page)[main_of(page).index('id="privacy-title"') :]
    assert "Chantier de l'économie sociale" in notice  # who collects (SenderOrganisation)
    assert "30 jours" in notice and "au Canada" in notice  # how long, where
    assert "vieprivee@esja.example.org" in notice  # whom to ask
    assert 'class="honeypot" aria-hidden="true"' in body and 'name="form_token"' in body


def test_every_pledge_page_carries_the_security_headers(web: WebClient) -> None:
    for path in ("/", "/engagement", "/engagement/envoye", "/registre", "/engagement/confirmation?jeton=x"):
        headers = web.get(path)["headers"]
        assert "script-src" not in headers["Content-Security-Policy"], path  # default-src 'none': no script
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Strict-Transport-Security"].startswith("max-age="), path
        assert headers["Referrer-Policy"] == "same-origin", path


# --- Signing -----------------------------------------------------------------------------------------


def sample_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / name).read_text(encoding="utf-8"))
    return event


def test_the_sample_events_are_answered_as_a_browser_expects(aws: LocalAws) -> None:
    env = web_environment(aws, "https://esja.example.org")  # the samples' own origin
    keys = env["SIGNING_KEYS"].split(",")
    post = sample_event("pledge_post.json")
    fresh = post["body"].replace("form_token=&", f"form_token={aged_form_token(keys)}&")

    form = aws.invoke(WEB, sample_event("pledge_form.json"), env)
    replayed = aws.invoke(WEB, post, env)  # its time-trap is empty: a replay, or a form kept too long
    signed = aws.invoke(WEB, {**post, "body": fresh}, env)

    assert form["statusCode"] == 200 and '<html lang="fr">' in form["body"]
    assert replayed["statusCode"] == 400 and "Le formulaire a expiré" in replayed["body"]
    assert signed["statusCode"] == 303 and len(sent_emails()) == 1


def test_a_valid_pledge_is_kept_pending_and_a_confirmation_email_goes_out(web: WebClient) -> None:
    answer = web.submit()

    assert answer["statusCode"] == 303 and answer["headers"]["Location"] == "/engagement/envoye?lang=fr"
    [item] = web.pledges()
    assert item["status"]["S"] == "pending" and item["institution_name"]["S"] == "Ville de Rimouski"
    assert item["consent_version"]["S"] and item["registry_consent"]["BOOL"] is True
    [email] = sent_emails()
    assert set(email.to) == {"marie.tremblay@ville.rimouski.example.org"}
    assert "Confirmez votre engagement" in email.subject
    assert set(links_in(email)) == {"confirm", "withdraw"}


def test_the_confirmation_email_is_in_the_signatorys_language_and_names_the_sender(web: WebClient) -> None:
    web.submit("en", institution_name="Cégep de Rimouski & Co", institution_type="cegep")

    [email] = sent_emails()
    text, html = email.part("text/plain"), email.part("text/html")
    assert email.subject.startswith("Confirm your pledge") and text.startswith("Hello Marie Tremblay,")
    assert email.message["Content-Language"] == "en"
    assert "Institution: Cégep de Rimouski & Co\nType: CEGEP\nRegion: 01 Bas-Saint-Laurent" in text  # no &amp;
    assert "Cégep de Rimouski &amp; Co" in html
    for part in (text, html):
        assert "Chantier de l'économie sociale" in part.replace("&#39;", "'")
        assert "4200, boul. Saint-Laurent" in part and "info@esja.example.org" in part
    assert email.message["List-Unsubscribe"] is None  # transactional
    assert email.message["Reply-To"] == "info@esja.example.org"  # a reply reaches the programme


def test_sent_page_says_to_check_the_inbox(web: WebClient) -> None:
    page = web.get("/engagement/envoye?lang=en")

    assert page["statusCode"] == 200 and "Check your e-mail" in page["body"]


def test_errors_are_shown_next_to_each_field_with_a_summary_and_nothing_is_stored(web: WebClient) -> None:
    answer = web.submit(institution_name="", email="pas une adresse", declaration="", target_share="250")

    assert answer["statusCode"] == 422
    body = answer["body"]
    assert 'id="error-summary"' in body and "4 erreurs empêchent l'envoi du formulaire" in main_of(answer)
    for field in ("institution_name", "email", "target_share", "declaration"):
        field_tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', body)
        assert field_tag and f"{field}-error" in field_tag[0] and 'aria-invalid="true"' in field_tag[0], field
        assert f'id="{field}-error"' in body and f'href="#{field}"' in body
    assert 'value="pas une adresse"' in body  # what was typed is kept
    assert web.pledges() == [] and sent_emails() == []


def test_errors_are_in_the_pages_language(web: WebClient) -> None:
    body = web.submit("en", email="nope")["body"]

    assert "Enter a valid e-mail address" in body and '<html lang="en">' in body


def test_hostile_text_is_escaped_everywhere(web: WebClient) -> None:
    hostile = '<script>alert("x")</script> Ville'

    shown = web.submit(institution_name=hostile, email="bad")["body"]
    links = sign_and_confirm(web, institution_name=hostile, signatory_name='"><img src=x onerror=alert(1)> Marie')
    web.verify_waiting()
    registry = web.get("/registre")["body"]

    for body in (shown, registry, web.get(links["withdraw"])["body"]):
        assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Ville" in registry
    assert "<script>alert" not in sent_emails()[0].part("text/html")


def test_the_honeypot_gets_the_usual_answer_and_nothing_is_done(web: WebClient) -> None:
    answer = web.submit(website="http://spam.example.com")

    assert answer["statusCode"] == 303
    assert web.pledges() == [] and sent_emails() == []


def test_a_form_sent_within_three_seconds_is_shown_again_and_nothing_is_stored(web: WebClient) -> None:
    # Shown "a minute from now": however slow this machine, it is still under 3 s old when it arrives.
    answer = web.submit(form_token=aged_form_token(web.keys, seconds=-60))

    assert answer["statusCode"] == 422 and "envoyé très vite" in answer["body"]
    assert 'value="Ville de Rimouski"' in answer["body"]
    assert web.pledges() == [] and sent_emails() == []


@pytest.mark.parametrize("token", ["", "forged.token.value", "expired"])
def test_a_missing_forged_or_expired_time_trap_shows_the_form_again_fresh(web: WebClient, token: str) -> None:
    if token == "expired":
        token = aged_form_token(web.keys, seconds=25 * 3600)

    answer = web.submit(form_token=token)

    assert answer["statusCode"] == 400 and "Le formulaire a expiré" in answer["body"]
    fresh = re.search(r'name="form_token" value="([^"]+)"', answer["body"])
    assert fresh and fresh[1] != token
    assert web.pledges() == [] and sent_emails() == []


def test_the_answer_is_the_same_whether_or_not_the_address_already_signed(web: WebClient) -> None:
    away_from_a_window_edge(PER_EMAIL_WINDOW)
    first = web.submit()
    sign_and_confirm(web)
    again = web.submit()
    too_often = web.submit()  # over the per-address limit: nothing sent, same answer

    assert first["statusCode"] == again["statusCode"] == too_often["statusCode"] == 303
    assert first["headers"]["Location"] == again["headers"]["Location"] == too_often["headers"]["Location"]
    assert len(sent_emails()) == 3


def test_too_many_pledges_from_one_network_are_refused_for_an_hour(web: WebClient) -> None:
    away_from_a_window_edge(PER_SOURCE_WINDOW)
    for n in range(PER_SOURCE_LIMIT):
        assert web.submit(email=f"personne{n}@ville.example.org", source_ip="198.51.100.7")["statusCode"] == 303

    refused = web.submit(email="une.autre@ville.example.org", source_ip="198.51.100.7")
    elsewhere = web.submit(email="une.autre@ville.example.org", source_ip="198.51.100.8")

    assert refused["statusCode"] == 429 and "Réessayez dans une heure" in refused["body"]
    assert elsewhere["statusCode"] == 303
    assert len(web.pledges()) == PER_SOURCE_LIMIT + 1


def test_rate_limit_counters_hold_no_address_in_clear_and_expire(web: WebClient) -> None:
    web.submit(source_ip="203.0.113.9")

    table = web.aws.resources.names["RateLimitsTable"]
    items = web.aws.client("dynamodb").scan(TableName=table)["Items"]
    assert len(items) == 2
    text = json.dumps(items)
    assert "203.0.113.9" not in text and "marie.tremblay" not in text
    assert all(int(i["expires_at"]["N"]) > datetime.now(UTC).timestamp() for i in items)


def test_a_post_from_another_site_is_refused(web: WebClient) -> None:
    fields = {**pledge_fields(), "form_token": aged_form_token(web.keys)}

    answer = web.post("/engagement", fields, {"origin": "https://evil.example.com"})

    assert answer["statusCode"] == 403 and web.pledges() == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"institution_name": "x"}'),
        ("application/x-www-form-urlencoded", b"institution_name=a&institution_name=b"),
        ("application/x-www-form-urlencoded", b"institution_name=%ff%fe"),
        ("application/x-www-form-urlencoded", b"x=" + b"a" * 20_000),
    ],
    ids=["json", "repeated-field", "not-utf8", "too-large"],
)
def test_a_body_no_browser_sends_from_our_form_is_refused(web: WebClient, content_type: str, body: bytes) -> None:
    answer = web.send("POST", "/engagement", body, {"content-type": content_type, "origin": "http://127.0.0.1:3000"})

    assert answer["statusCode"] == 400 and "n'a pas pu être lu" in main_of(answer)
    assert web.pledges() == []


# --- Confirming --------------------------------------------------------------------------------------


def test_the_confirmation_link_opens_a_page_and_only_its_button_confirms(web: WebClient) -> None:
    web.submit()
    link = links_in(sent_emails()[0])["confirm"]

    shown = web.get(link)

    assert shown["statusCode"] == 200 and "Je confirme l'engagement" in main_of(shown)
    assert 'method="post"' in shown["body"]
    assert web.pledges()[0]["status"]["S"] == "pending"  # a GET changes nothing
    assert "Ville de Rimouski" not in web.get("/registre")["body"]

    confirmed = confirm(web, link)

    assert confirmed["statusCode"] == 200 and "L'engagement est confirmé" in main_of(confirmed)
    assert "Un organisateur du programme vérifiera maintenant" in main_of(confirmed)
    [item] = web.pledges()
    assert item["status"]["S"] == "confirmed" and "expires_at" not in item and "token_digest" not in item
    assert "Ville de Rimouski" not in main_of(web.get("/registre"))  # to verify: not public yet
    web.verify_waiting()
    registry = main_of(web.get("/registre"))
    assert "Ville de Rimouski" in registry and "Marie Tremblay" in registry
    assert "marie.tremblay@" not in registry and "418 555" not in registry


def test_switching_language_on_the_confirmation_page_keeps_the_link(web: WebClient) -> None:
    web.submit()
    link = links_in(sent_emails()[0])["confirm"]
    token = link.split("jeton=")[1].split("&")[0]

    switch = re.search(r'<a class="lang" href="([^"]+)"', web.get(link)["body"])

    assert switch and html.unescape(switch[1]) == f"?jeton={token}&lang=en"
    assert "I confirm the pledge" in web.get(f"/engagement/confirmation{html.unescape(switch[1])}")["body"]


def test_a_confirmation_link_works_once(web: WebClient) -> None:
    web.submit()
    link = links_in(sent_emails()[0])["confirm"]
    confirm(web, link)
    token = link.split("jeton=")[1].split("&")[0]

    assert web.get(link)["statusCode"] == 400
    assert web.post("/engagement/confirmation", {"jeton": token})["statusCode"] == 400


def test_the_confirmation_secret_is_stored_only_as_its_hash(web: WebClient) -> None:
    web.submit()
    token = links_in(sent_emails()[0])["confirm"].split("jeton=")[1].split("&")[0]
    secret = token.split(".")[1]

    [item] = web.pledges()

    assert secret not in json.dumps(item)
    assert item["token_digest"]["S"] == hashlib.sha256(secret.encode()).hexdigest()


def test_a_confirmation_link_older_than_72_hours_is_refused(web: WebClient) -> None:
    web.submit()
    link = links_in(sent_emails()[0])["confirm"]
    [item] = web.pledges()
    expires = datetime.fromisoformat(item["token_expires_at"]["S"])
    assert expires - datetime.fromisoformat(item["created_at"]["S"]) == timedelta(hours=72)
    set_attribute(web, item, "token_expires_at", {"S": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()})

    assert web.get(link)["statusCode"] == 400
    assert "n'est plus valide" in main_of(web.get(link))


@pytest.mark.parametrize("token", ["", "abc", "0" * 32 + "." + "A" * 43, "<script>x</script>"])
def test_a_wrong_confirmation_token_is_refused_and_escaped(web: WebClient, token: str) -> None:
    page = web.get(f"/engagement/confirmation?jeton={token}")
    pressed = web.post("/engagement/confirmation", {"jeton": token})

    assert page["statusCode"] == pressed["statusCode"] == 400
    assert "<script>x" not in page["body"] and "<script>x" not in pressed["body"]


def test_an_unconfirmed_pledge_is_purged_30_days_after_signing(web: WebClient) -> None:
    web.submit()

    [item] = web.pledges()

    signed = datetime.fromisoformat(item["created_at"]["S"])
    assert int(item["expires_at"]["N"]) == int((signed + timedelta(days=30)).timestamp())
    table = web.aws.client("dynamodb").describe_time_to_live(TableName=web.aws.resources.names["PledgesTable"])
    assert table["TimeToLiveDescription"]["AttributeName"] == "expires_at"


def test_a_pledge_without_registry_consent_counts_but_is_not_listed(web: WebClient) -> None:
    sign_and_confirm(web, registry_consent="")
    web.verify_waiting()

    assert web.pledges()[0]["status"]["S"] == "confirmed"
    assert "Ville de Rimouski" not in main_of(web.get("/registre"))


def test_signing_again_replaces_the_earlier_pledge_of_the_same_signatory(web: WebClient) -> None:
    sign_and_confirm(web, target_share="10")
    sign_and_confirm(web, target_share="25")

    statuses = sorted((i["status"]["S"], i.get("target_share", {}).get("N")) for i in web.pledges())
    assert statuses == [("confirmed", "25"), ("withdrawn", "10")]
    web.verify_waiting()
    assert main_of(web.get("/registre")).count("Ville de Rimouski") == 1


def test_the_registry_lists_institutions_by_name_in_both_languages(web: WebClient) -> None:
    sign_and_confirm(web, institution_name="Ville de Lévis", email="a@levis.example.org", region="12")
    sign_and_confirm(web, institution_name="Cégep de Jonquière", email="b@cegep.example.org", institution_type="cegep")
    web.verify_waiting()

    french, english = main_of(web.get("/registre")), main_of(web.get("/registre?lang=en"))

    assert french.index("Cégep de Jonquière") < french.index("Ville de Lévis")
    assert "2 institutions signataires" in french and "12 Chaudière-Appalaches" in french
    assert "2 signatory institutions" in english and "CEGEP" in english


def test_the_registry_ignores_expired_items_the_ttl_has_not_deleted_yet(web: WebClient) -> None:
    sign_and_confirm(web)
    web.verify_waiting()
    [item] = web.pledges()
    set_attribute(web, item, "expires_at", {"N": str(int(datetime.now(UTC).timestamp()) - 60)})

    assert "Ville de Rimouski" not in main_of(web.get("/registre"))


# --- Withdrawing -------------------------------------------------------------------------------------


def test_the_withdrawal_link_opens_a_page_and_its_button_withdraws(web: WebClient) -> None:
    links = sign_and_confirm(web)
    web.verify_waiting()
    assert "Ville de Rimouski" in main_of(web.get("/registre"))

    shown = web.get(links["withdraw"])
    assert shown["statusCode"] == 200 and "Voulez-vous retirer" in shown["body"]
    assert web.pledges()[0]["status"]["S"] == "confirmed"
    token = re.search(r'name="jeton" value="([^"]+)"', shown["body"])
    assert token

    withdrawn = web.post("/engagement/retrait?lang=fr", {"jeton": token[1]})

    assert withdrawn["statusCode"] == 200 and "L'engagement est retiré" in main_of(withdrawn)
    [item] = web.pledges()
    assert item["status"]["S"] == "withdrawn" and "registry_partition" not in item
    assert int(item["expires_at"]["N"]) - datetime.now(UTC).timestamp() == pytest.approx(30 * 86400, abs=120)
    assert "Ville de Rimouski" not in main_of(web.get("/registre"))
    assert "ne compte plus" in web.get(links["withdraw"])["body"]
    assert web.post("/engagement/retrait", {"jeton": token[1]})["statusCode"] == 200  # twice: harmless


def test_a_forged_withdrawal_link_is_refused(web: WebClient) -> None:
    sign_and_confirm(web)

    page = web.get("/engagement/retrait?jeton=eyJwIjoiYWJjIn0.forged.sig")
    pressed = web.post("/engagement/retrait", {"jeton": "eyJwIjoiYWJjIn0.forged.sig"})

    assert page["statusCode"] == pressed["statusCode"] == 400
    assert web.pledges()[0]["status"]["S"] == "confirmed"


def test_the_confirmed_page_offers_the_withdrawal_link(web: WebClient) -> None:
    web.submit("en")
    confirmed = confirm(web, links_in(sent_emails()[0])["confirm"])

    withdraw = re.search(r'href="(http://127.0.0.1:3000/engagement/retrait\?[^"]+)"', confirmed["body"])
    assert withdraw
    assert web.get(withdraw[1].replace("http://127.0.0.1:3000", "").replace("&amp;", "&"))["statusCode"] == 200


def withdrawal_link_end(link: str, keys: tuple[str, ...]) -> datetime:
    token = parse_qs(urlsplit(html.unescape(link)).query)["jeton"][0]
    signer = TokenSigner(SigningKeys.from_list(keys), WITHDRAWAL_PURPOSE)
    return signer.verify(token, int(WITHDRAWAL_LINK_LIFETIME.total_seconds())).expires_at


def test_the_withdrawal_link_of_the_confirmed_page_ends_with_the_confirmation_link(web: WebClient) -> None:
    web.submit()
    mailed = links_in(sent_emails()[0])
    confirmed = confirm(web, mailed["confirm"])

    on_the_page = re.search(r'href="(http://127.0.0.1:3000/engagement/retrait\?[^"]+)"', confirmed["body"])
    assert on_the_page
    # The page was opened with a link valid 72 hours: it hands out nothing that lives longer…
    assert withdrawal_link_end(on_the_page[1], web.keys) <= datetime.now(UTC) + CONFIRMATION_LIFETIME
    # …while the withdrawal link of the e-mail lives as long as the pledge may.
    assert withdrawal_link_end(mailed["withdraw"], web.keys) > datetime.now(UTC) + timedelta(days=3000)


def test_the_confirmed_page_says_until_when_its_withdrawal_link_works_and_which_one_to_keep(web: WebClient) -> None:
    web.submit()
    confirmed = confirm(web, links_in(sent_emails()[0])["confirm"])
    on_the_page = re.search(r'href="(http://127.0.0.1:3000/engagement/retrait\?[^"]+)"', confirmed["body"])
    assert on_the_page
    shown = re.sub(r"[ \n]+", " ", main_of(confirmed))  # the spaces of the markup; the non-breaking ones stay

    until = date_time(withdrawal_link_end(on_the_page[1], web.keys), "fr")
    assert f"Ce lien permet de retirer l'engagement jusqu'au {until}\u00a0:" in shown
    assert (
        "gardez le courriel de confirmation\u00a0: son lien de retrait vaut tant que l'engagement est en vigueur"
        in shown
    )
    assert "plus tard;" not in shown  # the page's own link never did


# --- Faults, API description, export -----------------------------------------------------------------


def test_ses_throttling_shows_a_try_again_page(aws: LocalAws) -> None:
    web = WebClient(aws)
    ses = aws.client("sesv2")

    def throttle(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}}, "SendEmail")

    ses.meta.events.register("before-call.sesv2.SendEmail", throttle)
    with environment(aws.environment(WEB, **web.env)):
        app = build_web_app(Settings.from_env(), dynamodb=aws.client("dynamodb"), sesv2=ses)

    answer = app.resolve(form_post({**pledge_fields(), "form_token": aged_form_token(web.keys)}), cast(Any, None))

    assert answer["statusCode"] == 503 and "Réessayez dans quelques minutes" in answer["body"]


def test_confirmation_emails_go_through_the_transactional_configuration_set(aws: LocalAws) -> None:
    web = WebClient(aws)
    ses, sent_through = aws.client("sesv2"), []
    ses.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: sent_through.append(params["ConfigurationSetName"])
    )
    with environment(aws.environment(WEB, **web.env)):
        app = build_web_app(Settings.from_env(), dynamodb=aws.client("dynamodb"), sesv2=ses)

    answer = app.resolve(form_post({**pledge_fields(), "form_token": aged_form_token(web.keys)}), cast(Any, None))

    assert answer["statusCode"] == 303
    # Its own set: complaints about confirmations can never pause the alerts' set.
    assert sent_through == [aws.resources.resolver(aws.template).resolve({"Ref": "TransactionalConfigurationSet"})]


def test_the_openapi_document_describes_every_pledge_route(web: WebClient) -> None:
    answer = web.get("/openapi.json")

    assert answer["statusCode"] == 200
    document = json.loads(answer["body"])
    paths = document["paths"]
    assert set(PLEDGE_PAGES) <= set(paths)
    form = paths["/engagement"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["properties"]["region"]["enum"][0] == "01" and "declaration" in form["required"]
    assert paths["/engagement/confirmation"]["get"]["parameters"][0]["name"] == "jeton"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "openapi.json").write_text(answer["body"], encoding="utf-8")


def test_organizers_export_the_pledges_as_csv_safe_for_spreadsheets(web: WebClient) -> None:
    sign_and_confirm(web, institution_name="=SUM(A1:A9) Ville")
    web.submit(email="autre@ville.example.org")
    out, err = io.StringIO(), io.StringIO()

    with environment(web.aws.environment(WEB)):
        code = cli(["pledges", "export", "--format", "csv"], stdout=out, stderr=err, environ={"LANG": "en_CA"})
        confirmed_only = io.StringIO()
        cli(["pledges", "export", "--status", "confirmed"], stdout=confirmed_only, stderr=io.StringIO())

    rows = out.getvalue().splitlines()
    assert code == 0 and rows[0].startswith("pledge_id,status,created_at")
    assert len(rows) == 3 and "pledges: 2" in err.getvalue()
    assert "'=SUM(A1:A9) Ville" in out.getvalue()
    assert len(confirmed_only.getvalue().splitlines()) == 2


def test_export_skips_pledges_past_their_retention(web: WebClient) -> None:
    web.submit()
    [item] = web.pledges()
    set_attribute(web, item, "expires_at", {"N": str(int(datetime.now(UTC).timestamp()) - 60)})
    out = io.StringIO()

    with environment(web.aws.environment(WEB)):
        cli(["pledges", "export"], stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines()[1:] == []


def test_export_without_the_table_setting_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGES_TABLE", raising=False)
    err = io.StringIO()

    assert cli(["pledges", "export"], stdout=io.StringIO(), stderr=err) == 1
    assert "PLEDGES_TABLE" in err.getvalue()
