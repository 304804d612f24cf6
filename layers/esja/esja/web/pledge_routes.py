"""The pledge pages: landing, form, confirmation, registry, withdrawal.

Every page works without JavaScript. A GET never changes anything: the links in e-mails open a page
whose button POSTs. Nothing personal is logged; the form's values travel only to the store and back
into the page, escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from esja.config import SenderIdentity
from esja.geo.regions import all_regions, region_name
from esja.model import Category
from esja.people.network import network_of
from esja.pledges.bot_defences import HONEYPOT_FIELD, MAX_SECONDS, MIN_SECONDS, TIME_TRAP_FIELD
from esja.pledges.form import (
    CHECKED,
    MAX_LENGTH,
    REQUIRED_FIELDS,
    TEXT_FIELDS,
    FormResult,
    MalformedForm,
)
from esja.pledges.links import (
    CONFIRM_PATH,
    FORM_PATH,
    LANDING_PATH,
    PATHS,
    REGISTRY_PATH,
    SENT_PATH,
    TOKEN_FIELD,
    WITHDRAW_PATH,
)
from esja.pledges.model import OFFERED_TYPES
from esja.pledges.service import Outcome, PledgeService
from esja.pledges.summary import summary
from esja.web.forms import BadForm
from esja.web.openapi import LANG, Page, add_pages, html, query
from esja.web.pages import error_page, page_language
from esja.web.pages import page as render_page
from esja.web.requests import RequestReader

TAGS = ["Pledges"]
TOKEN = query(TOKEN_FIELD, "The token of the link e-mailed to the signatory", required=True)
STATUS = {
    Outcome.INVALID: 422,
    Outcome.TOO_FAST: 422,
    Outcome.STALE: 400,
    Outcome.RATE_LIMITED: 429,
}


@dataclass(frozen=True, slots=True)
class PledgePages:
    """Each page: read the request, ask the use case (esja.pledges.service), render."""

    _service: PledgeService
    _sender: SenderIdentity
    _request: RequestReader

    def landing(self) -> Response[str]:
        return self._page("pages/landing.html", self._request.language())

    def form(self) -> Response[str]:
        return self._form_page(self._request.language(), token=self._service.new_form_token())

    def submit(self) -> Response[str]:
        language, event = self._request.language(), self._request.app.current_event
        submission = self._service.submit(
            self._request.form(), language=language, source=event.request_context.http.source_ip
        )
        if submission.outcome is Outcome.SENT:
            # Post/Redirect/Get: reloading the page does not sign again.
            return Response(303, headers={"Location": f"{SENT_PATH}?lang={language}"})
        return self._form_page(
            language,
            token=submission.form_token,
            form=submission.form,
            status=STATUS[submission.outcome],
            notice="" if submission.outcome is Outcome.INVALID else f"pledge.notice.{submission.outcome}",
        )

    def sent(self) -> Response[str]:
        return self._page("pages/pledge_sent.html", self._request.language())

    def confirmation(self) -> Response[str]:
        language, token = self._request.language(), self._request.query(TOKEN_FIELD)
        pledge = self._service.pending(token)
        if pledge is None:
            return self._invalid_link(language, "confirm")
        rows = summary(pledge.details, language)
        return self._page("pages/pledge_confirm.html", language, details=pledge.details, summary=rows, token=token)

    def confirm(self) -> Response[str]:
        language = self._request.language()
        confirmed = self._service.confirm(self._form_token(), network=self._network())
        if confirmed is None:
            return self._invalid_link(language, "confirm")
        pledge, not_after = confirmed.pledge, confirmed.link_expires_at
        withdraw_url = self._service.withdrawal_link(pledge, language, not_after=not_after)
        return self._page(
            "pages/pledge_confirmed.html",
            language,
            pledge=pledge,
            withdraw_url=withdraw_url,
            withdraw_until=not_after,  # that link ends with the one that opened the page; the e-mail's lasts
        )

    def withdrawal(self) -> Response[str]:
        language, token = self._request.language(), self._request.query(TOKEN_FIELD)
        pledge = self._service.withdrawable(token)
        if pledge is None:
            return self._invalid_link(language, "withdraw")
        return self._page("pages/pledge_withdraw.html", language, pledge=pledge, token=token)

    def withdraw(self) -> Response[str]:
        language = self._request.language()
        pledge = self._service.withdraw(self._form_token(), network=self._network())
        if pledge is None:
            return self._invalid_link(language, "withdraw")
        return self._page("pages/pledge_withdrawn.html", language, details=pledge.details)

    def registry(self) -> Response[str]:
        institutions = self._service.registry()
        lang = self._request.language()
        return self._page("pages/registry.html", lang, institutions=institutions, region_name=region_name)

    def _form_token(self) -> str:
        sent = self._request.form().get(TOKEN_FIELD, [])
        if len(sent) != 1:
            raise BadForm("one token expected")
        return sent[0]

    def _network(self) -> str:
        return network_of(self._request.app.current_event.request_context.http.source_ip)

    def malformed_forms(self, app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        """A form no browser sends, as a page (400). A route middleware, so inside the app's own and these
        pages get the security headers too. (AWS failing is the app's 503 page, on every route.)"""
        try:
            return next_middleware(app)
        except (BadForm, MalformedForm):
            return error_page(page_language(app), 400, "pledge.error.malformed", sender=self._sender)

    def _page(self, template: str, lang: str, *, status: int = 200, **context: Any) -> Response[str]:
        """A pledge page: its templates link to the others through `paths`, and name the token `token_field`."""
        context |= {"paths": PATHS, "token_field": TOKEN_FIELD}
        return render_page(template, lang, sender=self._sender, status=status, **context)

    def _invalid_link(self, language: str, what: str) -> Response[str]:
        return self._page("pages/pledge_link_invalid.html", language, status=400, what=what)

    def _form_page(
        self, language: str, *, token: str, form: FormResult | None = None, status: int = 200, notice: str = ""
    ) -> Response[str]:
        return self._page(
            "pages/pledge_form.html",
            language,
            status=status,
            values=form.values if form else {},
            errors=form.errors if form else (),
            field_errors={e.field: e for e in form.errors} if form else {},
            notice=notice,
            form_token=token,
            **_form_choices(language),
        )


def pledge_router(service: PledgeService, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = PledgePages(service, sender, RequestReader(router))
    add_pages(router, TAGS, [*_shown(pages), *_signing(pages), *_linked(pages)])
    return router


def _shown(pages: PledgePages) -> list[Page]:
    """The pages that only show: the landing, « check your inbox », the public registry."""
    return [
        Page(
            "GET",
            LANDING_PATH,
            pages.landing,
            "Landing page of the programme",
            {200: html("The programme, and links to sign and to the registry")},
        ),
        Page("GET", SENT_PATH, pages.sent, "Check your inbox", {200: html("The confirmation link is on its way")}),
        Page(
            "GET",
            REGISTRY_PATH,
            pages.registry,
            "The public registry of verified pledges whose signatories consented to appear",
            {200: html("Institutions, their region and signatory, by name")},
        ),
    ]


def _signing(pages: PledgePages) -> list[Page]:
    shown = Page(
        "GET", FORM_PATH, pages.form, "The pledge form, with its collection notice (Law 25)", {200: html("The form")}
    )
    sent = Page(
        "POST",
        FORM_PATH,
        pages.submit,
        "Sign: the pledge is kept pending and a confirmation link is e-mailed",
        {
            303: {"description": f"Sent (or silently ignored): see {SENT_PATH}"},
            400: html("The form could not be read, or was too old: shown again"),
            422: html("The form with an error next to each field and a summary"),
            429: html("Too many pledges from this address: try again later"),
        },
        form=_pledge_form_schema(),
        description="The same answer whether or not the address already signed. Nothing is stored on error.",
        middlewares=[pages.malformed_forms],
    )
    return [shown, sent]


def _linked(pages: PledgePages) -> list[Page]:
    """The pages the links in the e-mails open (a GET shows a button), and their buttons' POSTs."""
    return [*_confirming(pages), *_withdrawing(pages)]


def _confirming(pages: PledgePages) -> list[Page]:
    invalid, guarded = html("The link is not valid, used, or expired"), [pages.malformed_forms]
    return [
        Page(
            "GET",
            CONFIRM_PATH,
            pages.confirmation,
            "The page the confirmation link opens: a button confirms (a GET changes nothing)",
            {200: html("The pledge to confirm"), 400: invalid},
            (TOKEN, LANG),
        ),
        Page(
            "POST",
            CONFIRM_PATH,
            pages.confirm,
            "Confirm the pledge (single use)",
            {200: html("Confirmed, with the withdrawal link"), 400: invalid},
            form=_token_form_schema(),
            middlewares=guarded,
        ),
    ]


def _withdrawing(pages: PledgePages) -> list[Page]:
    guarded = [pages.malformed_forms]
    return [
        Page(
            "GET",
            WITHDRAW_PATH,
            pages.withdrawal,
            "The page the withdrawal link opens: a button withdraws",
            {200: html("The pledge to withdraw (or already withdrawn)"), 400: html("The link is not valid")},
            (TOKEN, LANG),
        ),
        Page(
            "POST",
            WITHDRAW_PATH,
            pages.withdraw,
            "Withdraw the pledge: off the registry at once, deleted after 30 days",
            {200: html("Withdrawn"), 400: html("The link is not valid")},
            form=_token_form_schema(),
            middlewares=guarded,
        ),
    ]


def _form_choices(lang: str) -> dict[str, Any]:
    return {
        "institution_types": [t.value for t in OFFERED_TYPES],
        "regions": [(r.code, region_name(r.code, lang)) for r in all_regions()],
        "categories": [c.value for c in Category],
        "max_length": MAX_LENGTH,
        "required": REQUIRED_FIELDS,
        "checked": CHECKED,
        "honeypot": HONEYPOT_FIELD,
        "time_trap": TIME_TRAP_FIELD,
    }


def _pledge_form_schema() -> dict[str, Any]:
    """The form's fields as JSON Schema, from the constants the validator uses."""
    text = {name: {"type": "string", "minLength": low, "maxLength": high} for name, (low, high) in TEXT_FIELDS.items()}
    checkbox = {"type": "string", "enum": [CHECKED]}
    return {
        "type": "object",
        "required": [*REQUIRED_FIELDS, TIME_TRAP_FIELD],
        "properties": {
            **text,
            "institution_type": {"type": "string", "enum": [t.value for t in OFFERED_TYPES]},
            "region": {"type": "string", "enum": [r.code for r in all_regions()]},
            "email": {"type": "string", "format": "email", "maxLength": MAX_LENGTH["email"]},
            "phone": {"type": "string", "maxLength": MAX_LENGTH["phone"]},
            "target_share": {"type": "string", "description": "Percentage of purchases, 1 to 100", "maxLength": 5},
            "categories": {"type": "array", "items": {"type": "string", "enum": [c.value for c in Category]}},
            "declaration": {**checkbox, "description": "Acceptance of the declaration's text (required)"},
            "registry_consent": {**checkbox, "description": "Consent to appear on the public registry (optional)"},
            TIME_TRAP_FIELD: {
                "type": "string",
                "description": f"When the form was shown, signed; send {MIN_SECONDS} s to {MAX_SECONDS // 3600} h on",
            },
            HONEYPOT_FIELD: {"type": "string", "maxLength": 0, "description": "Hidden from people; must stay empty"},
        },
    }


def _token_form_schema() -> dict[str, Any]:
    return {"type": "object", "required": [TOKEN_FIELD], "properties": {TOKEN_FIELD: {"type": "string"}}}
