"""Property-based fuzzing of every pledge route (hypothesis), on moto started once for the module.

Over 5,000 generated requests in all: never a 5xx, the security headers always, hostile strings never
reflected raw, and every pledge written to the table passes the form's own validation. The web app
is the one the handler serves, built on clients the test watches.
"""

from __future__ import annotations

import base64
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esja.bootstrap import build_web_app
from esja.config import Settings
from esja.pledges.form import read_pledge_form
from esja.pledges.model import PledgeDetails, PledgeStatus
from esja.store.pledges import from_item
from local.runtime import environment, local_aws
from tests.pledge_builders import BASE_URL, PLEDGE_PAGES, WEB, WebClient, aged_form_token, event, pledge_fields

GET_EXAMPLES = 2000
FORM_EXAMPLES = 1100  # the costly ones: half of them store a pledge and send its e-mail
FORM_SHARDS = 2  # run as two halves, so that `pytest -n 2` gives each worker one
TOKEN_EXAMPLES = 1100
RAW_EXAMPLES = 1100  # 5,300 in all
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>x()</script>",
    "<iframe src=javascript:alert(1)>",
)
PATHS = (*PLEDGE_PAGES, "/openapi.json", "/static/site.css")
VALID = {name: [value] if isinstance(value, str) else list(value) for name, value in pledge_fields().items()}


@dataclass(slots=True)
class Site:
    app: Any
    keys: tuple[str, ...]
    pledges_table: str
    wrong_writes: list[str] = field(default_factory=list)
    pledges_stored: int = 0
    pledge_updates: int = 0

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.app.resolve(request, None)
        assert answer["statusCode"] < 500, answer.get("body")
        headers = answer["headers"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        body = answer.get("body") or ""
        assert not [p for p in PAYLOADS if p in body], "a hostile string was reflected raw"
        assert not self.wrong_writes, self.wrong_writes
        return answer


def as_form(details: PledgeDetails) -> dict[str, list[str]]:
    fields = {
        "institution_name": details.institution_name,
        "institution_type": details.institution_type.value,
        "region": details.region,
        "signatory_name": details.signatory_name,
        "signatory_title": details.signatory_title,
        "email": details.email,
        "phone": details.phone or "",
        "target_share": "" if details.target_share is None else str(details.target_share),
        "declaration": "yes" if details.declaration_accepted else "",
        "registry_consent": "yes" if details.registry_consent else "",
    }
    return {**{k: [v] for k, v in fields.items()}, "categories": [c.value for c in details.categories]}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with local_aws() as aws:
        web = WebClient(aws)
        dynamodb, ses = aws.client("dynamodb"), aws.client("sesv2")
        watched = Site(app=None, keys=web.keys, pledges_table=aws.resources.names["PledgesTable"])

        def check_put(params: dict[str, Any], **_: Any) -> None:
            if params.get("TableName") != watched.pledges_table:
                return
            watched.pledges_stored += 1
            pledge = from_item(params["Item"])
            again = read_pledge_form(as_form(pledge.details))
            if again.details != pledge.details or pledge.status is not PledgeStatus.PENDING or not pledge.token_digest:
                watched.wrong_writes.append(f"{pledge.id}: {again.errors}")

        def count_update(params: dict[str, Any], **_: Any) -> None:
            if params.get("TableName") == watched.pledges_table:
                watched.pledge_updates += 1

        dynamodb.meta.events.register("provide-client-params.dynamodb.PutItem", check_put)
        dynamodb.meta.events.register("provide-client-params.dynamodb.UpdateItem", count_update)
        with environment(aws.environment(WEB, **web.env)):
            watched.app = build_web_app(Settings.from_env(), dynamodb=dynamodb, sesv2=ses)
        yield watched


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(PAYLOADS),
        st.builds(lambda a, p, b: a + p + b, st.text(max_size=8), st.sampled_from(PAYLOADS), st.text(max_size=8)),
    )


valid_emails = st.from_regex(r"[a-z][a-z.]{0,15}@[a-z]{2,12}\.example\.org", fullmatch=True)


@st.composite
def pledge_forms(draw: st.DrawFn, keys: tuple[str, ...]) -> dict[str, list[str]]:
    """Half the forms valid (with hostile text where it is allowed); the others with up to 3 fields spoiled."""
    fields = dict(VALID, email=[draw(valid_emails)], website=[""], form_token=[aged_form_token(keys)])
    fields["institution_name"] = [draw(st.sampled_from(["Ville de Laval", *(f"Ville {p}" for p in PAYLOADS)]))]
    spoiled = draw(st.sets(st.sampled_from(sorted(fields)), max_size=3)) if draw(st.booleans()) else set()
    for name in spoiled:
        fields[name] = draw(st.lists(hostile_text(), max_size=2))
    if draw(st.booleans()):
        fields[draw(st.text(string.ascii_lowercase, min_size=1, max_size=8))] = [draw(hostile_text())]
    return {name: values for name, values in fields.items() if values}


languages = st.one_of(st.sampled_from(["fr", "en", "EN", "de"]), hostile_text())
source_ips = st.ip_addresses(v=4).map(str)


def test_no_get_fails_or_reflects_hostile_strings(site: Site) -> None:
    count = []

    @settings(FUZZ, max_examples=GET_EXAMPLES)
    @given(
        path=st.one_of(st.sampled_from(PATHS), st.text(max_size=20).map(lambda t: "/" + quote(t))),
        query=st.dictionaries(st.sampled_from(["lang", "jeton", "region", "x"]), hostile_text(), max_size=3),
        accept_language=hostile_text(),
        cookie=st.one_of(st.just(""), hostile_text().map(lambda t: "lang=" + quote(t))),
        method=st.sampled_from(["GET", "GET", "GET", "HEAD", "PUT", "DELETE"]),
    )
    def check(path: str, query: dict[str, str], accept_language: str, cookie: str, method: str) -> None:
        count.append(1)
        headers = {"accept-language": quote(accept_language), "cookie": cookie}
        answer = site.call(event(method, f"{path}?{urlencode(query)}", b"", headers))
        if method == "GET" and path in PATHS:
            assert answer["statusCode"] in (200, 400), (path, answer["statusCode"])

    check()
    assert len(count) >= GET_EXAMPLES


@pytest.mark.parametrize("shard", range(FORM_SHARDS))
def test_no_pledge_form_fails_reflects_hostile_strings_or_stores_invalid_data(site: Site, shard: int) -> None:
    count = []
    examples = FORM_EXAMPLES // FORM_SHARDS
    stored_before = site.pledges_stored

    @settings(FUZZ, max_examples=examples)
    @given(data=st.data(), lang=languages, source_ip=source_ips)
    def check(data: st.DataObject, lang: str, source_ip: str) -> None:
        count.append(1)
        fields = data.draw(pledge_forms(site.keys))
        body = urlencode(fields, doseq=True).encode()
        headers = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
        answer = site.call(event("POST", f"/engagement?lang={quote(lang)}", body, headers, source_ip))
        assert answer["statusCode"] in (303, 400, 422, 429)

    check()
    stored = site.pledges_stored - stored_before
    assert len(count) >= examples
    assert stored > examples // 20  # the property is about something: many forms got stored
    print(f"{stored} of {len(count)} generated pledge forms were stored (shard {shard + 1} of {FORM_SHARDS})")


def test_no_token_confirms_or_withdraws_anything(site: Site) -> None:
    count = []
    updates_before = site.pledge_updates
    near_valid = st.builds(
        lambda a, b: f"{a}.{b}",
        st.text("0123456789abcdef", min_size=32, max_size=32),
        st.text(string.ascii_letters + string.digits + "-_", min_size=43, max_size=43),
    )

    @settings(FUZZ, max_examples=TOKEN_EXAMPLES)
    @given(
        path=st.sampled_from(["/engagement/confirmation", "/engagement/retrait"]),
        token=st.one_of(near_valid, hostile_text(), st.text(string.printable, max_size=120)),
        in_form=st.booleans(),
    )
    def check(path: str, token: str, in_form: bool) -> None:
        count.append(1)
        if in_form:
            headers = {"content-type": "application/x-www-form-urlencoded", "origin": BASE_URL}
            request = event("POST", path, urlencode({"jeton": token}).encode(), headers)
        else:
            request = event("GET", f"{path}?{urlencode({'jeton': token})}", b"")
        assert site.call(request)["statusCode"] == 400

    check()
    assert len(count) >= TOKEN_EXAMPLES
    assert site.pledge_updates == updates_before


def test_no_raw_body_fails_or_stores_anything(site: Site) -> None:
    count = []

    @settings(FUZZ, max_examples=RAW_EXAMPLES)
    @given(
        path=st.sampled_from(["/engagement", "/engagement/confirmation", "/engagement/retrait", "/", "/registre"]),
        body=st.binary(max_size=300),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json",
                "text/plain",
                "",
            ]
        ),
        origin=st.sampled_from([BASE_URL, "https://evil.example.com", "null", ""]),
        encoded=st.booleans(),
    )
    def check(path: str, body: bytes, content_type: str, origin: str, encoded: bool) -> None:
        count.append(1)
        request = event("POST", path, b"", {"content-type": content_type, "origin": origin})
        if encoded:
            request |= {"body": base64.b64encode(body).decode(), "isBase64Encoded": True}
        else:
            request["body"] = body.decode("utf-8", errors="replace")
        answer = site.call(request)
        assert answer["statusCode"] in (303, 400, 403, 405, 422)  # 405: POST on a page that is only shown

    check()
    assert len(count) >= RAW_EXAMPLES
