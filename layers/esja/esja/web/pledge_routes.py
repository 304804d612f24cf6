"""The pledge pages: landing, form, confirmation, registry, withdrawal.

Every page works without JavaScript. A GET never changes anything: the links in e-mails open a page
whose button POSTs. Nothing personal is logged; the form's values travel only to the store and back
into the page, escaped.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from esja.config import SenderIdentity
from esja.geo.regions import all_regions, region_name
from esja.model import Category
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
from esja.web.forms import BadForm, read_form
from esja.web.openapi import LANG, described, html, query
from esja.web.pages import error_page, page_language
from esja.web.pages import page as render_page

TAGS = ["Pledges"]
TOKEN = query(TOKEN_FIELD, "The token of the link e-mailed to the signatory", required=True)
STATUS = {
    Outcome.INVALID: 422,
    Outcome.TOO_FAST: 422,
    Outcome.STALE: 400,
    Outcome.RATE_LIMITED: 429,
}


def pledge_router(service: PledgeService, sender: SenderIdentity) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated

    def page(template: str, lang: str, *, status: int = 200, **context: Any) -> Response[str]:
        """A pledge page: its templates link to the others through `paths`, and name the token `token_field`."""
        context |= {"paths": PATHS, "token_field": TOKEN_FIELD}
        return render_page(template, lang, sender=sender, status=status, **context)

    def failures_as_pages(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[str]:
        """A form no browser sends, as a page (400). A route middleware, so inside the app's own and these
        pages get the security headers too. (AWS failing is the app's 503 page, on every route.)"""
        try:
            return next_middleware(app)
        except (BadForm, MalformedForm):
            return error_page(page_language(app), 400, "pledge.error.malformed", sender=sender)

    def resolver() -> APIGatewayHttpResolver:
        app = router.api_resolver
        if not isinstance(app, APIGatewayHttpResolver):
            raise TypeError("the pledge pages are served by an APIGatewayHttpResolver")
        return app

    def lang() -> str:
        return page_language(resolver())

    def token_in_query() -> str:
        return (resolver().current_event.query_string_parameters or {}).get(TOKEN_FIELD, "")

    def token_in_form() -> str:
        sent = read_form(resolver().current_event).get(TOKEN_FIELD, [])
        if len(sent) != 1:
            raise BadForm("one token expected")
        return sent[0]

    def invalid_link(language: str, what: str) -> Response[str]:
        return page("pages/pledge_link_invalid.html", language, status=400, what=what)

    def form_page(
        language: str, *, token: str, form: FormResult | None = None, status: int = 200, notice: str = ""
    ) -> Response[str]:
        return page(
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

    @router.get(
        LANDING_PATH,
        summary="Landing page of the programme",
        tags=TAGS,
        responses={200: html("The programme, and links to sign and to the registry")},
        openapi_extensions=described(parameters=[LANG]),
    )
    def landing() -> Response[str]:
        return page("pages/landing.html", lang())

    @router.get(
        FORM_PATH,
        summary="The pledge form, with its collection notice (Law 25)",
        tags=TAGS,
        responses={200: html("The form")},
        openapi_extensions=described(parameters=[LANG]),
    )
    def pledge_form() -> Response[str]:
        return form_page(lang(), token=service.new_form_token())

    @router.post(
        FORM_PATH,
        middlewares=[failures_as_pages],
        summary="Sign: the pledge is kept pending and a confirmation link is e-mailed",
        description="The same answer whether or not the address already signed. Nothing is stored on error.",
        tags=TAGS,
        responses={
            303: {"description": f"Sent (or silently ignored): see {SENT_PATH}"},
            400: html("The form could not be read, or was too old: shown again"),
            422: html("The form with an error next to each field and a summary"),
            429: html("Too many pledges from this address: try again later"),
        },
        openapi_extensions=described(parameters=[LANG], form=_pledge_form_schema()),
    )
    def submit() -> Response[str]:
        language = lang()
        event = resolver().current_event
        submission = service.submit(read_form(event), language=language, source=event.request_context.http.source_ip)
        if submission.outcome is Outcome.SENT:
            # Post/Redirect/Get: reloading the page does not sign again.
            return Response(303, headers={"Location": f"{SENT_PATH}?lang={language}"})
        return form_page(
            language,
            token=submission.form_token,
            form=submission.form,
            status=STATUS[submission.outcome],
            notice="" if submission.outcome is Outcome.INVALID else f"pledge.notice.{submission.outcome}",
        )

    @router.get(
        SENT_PATH,
        summary="Check your inbox",
        tags=TAGS,
        responses={200: html("The confirmation link is on its way")},
        openapi_extensions=described(parameters=[LANG]),
    )
    def sent() -> Response[str]:
        return page("pages/pledge_sent.html", lang())

    @router.get(
        CONFIRM_PATH,
        summary="The page the confirmation link opens: a button confirms (a GET changes nothing)",
        tags=TAGS,
        responses={200: html("The pledge to confirm"), 400: html("The link is not valid, used, or expired")},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def confirmation_page() -> Response[str]:
        language, token = lang(), token_in_query()
        pledge = service.pending(token)
        if pledge is None:
            return invalid_link(language, "confirm")
        rows = summary(pledge.details, language)
        return page("pages/pledge_confirm.html", language, details=pledge.details, summary=rows, token=token)

    @router.post(
        CONFIRM_PATH,
        middlewares=[failures_as_pages],
        summary="Confirm the pledge (single use)",
        tags=TAGS,
        responses={
            200: html("Confirmed, with the withdrawal link"),
            400: html("The link is not valid, used, or expired"),
        },
        openapi_extensions=described(parameters=[LANG], form=_token_form_schema()),
    )
    def confirm() -> Response[str]:
        language = lang()
        confirmed = service.confirm(token_in_form())
        if confirmed is None:
            return invalid_link(language, "confirm")
        return page(
            "pages/pledge_confirmed.html",
            language,
            details=confirmed.pledge.details,
            withdraw_url=service.withdrawal_link(confirmed.pledge, language, not_after=confirmed.link_expires_at),
        )

    @router.get(
        WITHDRAW_PATH,
        summary="The page the withdrawal link opens: a button withdraws",
        tags=TAGS,
        responses={200: html("The pledge to withdraw (or already withdrawn)"), 400: html("The link is not valid")},
        openapi_extensions=described(parameters=[TOKEN, LANG]),
    )
    def withdrawal_page() -> Response[str]:
        language, token = lang(), token_in_query()
        pledge = service.withdrawable(token)
        if pledge is None:
            return invalid_link(language, "withdraw")
        return page("pages/pledge_withdraw.html", language, pledge=pledge, token=token)

    @router.post(
        WITHDRAW_PATH,
        middlewares=[failures_as_pages],
        summary="Withdraw the pledge: off the registry at once, deleted after 30 days",
        tags=TAGS,
        responses={200: html("Withdrawn"), 400: html("The link is not valid")},
        openapi_extensions=described(parameters=[LANG], form=_token_form_schema()),
    )
    def withdraw() -> Response[str]:
        language = lang()
        pledge = service.withdraw(token_in_form())
        if pledge is None:
            return invalid_link(language, "withdraw")
        return page("pages/pledge_withdrawn.html", language, details=pledge.details)

    @router.get(
        REGISTRY_PATH,
        summary="The public registry of confirmed pledges whose signatories consented to appear",
        tags=TAGS,
        responses={200: html("Institutions, their region and signatory, by name")},
        openapi_extensions=described(parameters=[LANG]),
    )
    def registry() -> Response[str]:
        return page("pages/registry.html", lang(), institutions=service.registry(), region_name=region_name)

    return router


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
