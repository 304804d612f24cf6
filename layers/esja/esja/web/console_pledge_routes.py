"""The console's pledges and institutions' domains (/organisation/engagements, /organisation/domaines).

Each page: `require(Role.ORGANIZER)` → the use case with the Actor (it decides which pledges and domains are the
organizer's: another region's are answered 404) → the page. Every change is a POST carrying the session's
anti-forgery token, answered 303 back to the pledge (or the list of domains) with what was done; a form the use
case refuses comes back with each field's error (422), an action the pledge is no longer in a state for with
why (409). The export is a POST too: it is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.clock import utc_now
from esja.console.buyer_links import BuyerLinks
from esja.console.domains import DomainList
from esja.console.errors import Conflict, InvalidForm
from esja.console.pledge_export import PledgeExport
from esja.console.pledges import PledgeBook, PledgeFilter
from esja.geo.regions import all_regions, region_name
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.pledges.model import Stage
from esja.pledges.summary import summary
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

PLEDGES_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}engagements"
PLEDGE_PATH = f"{PLEDGES_PATH}/fiche"
EXPORT_PATH = f"{PLEDGES_PATH}/export"
DOMAINS_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}domaines"
DOMAIN_REMOVAL_PATH = f"{DOMAINS_PATH}/retirer"
# Each action on a pledge: its path, and its form's fields (besides `pledge` and the anti-forgery token).
ACTIONS = {
    "verify": (f"{PLEDGES_PATH}/verifier", ()),
    "reject": (f"{PLEDGES_PATH}/refuser", ("reason",)),
    "withdraw": (f"{PLEDGES_PATH}/retirer", ("reason",)),
    "rename": (f"{PLEDGES_PATH}/renommer", ("institution_name",)),
    "link": (f"{PLEDGES_PATH}/lier", ("buyer_id", "buyer_name")),
    "unlink": (f"{PLEDGES_PATH}/delier", ("buyer_id", "buyer_name")),
}
# The list's filter, as its query (and the export's form) says it: `etat`, `region`, `institution`.
STAGES: dict[str, Stage | None] = {
    "a-verifier": Stage.TO_VERIFY,
    "verifies": Stage.VERIFIED,
    "refuses": Stage.REJECTED,
    "retires": Stage.WITHDRAWN,
    "en-attente": Stage.PENDING,
    "tous": None,
}
# What the pledge's page says once an action is done (its `fait` query parameter).
DONE = {
    "verify": "verified",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "rename": "renamed",
    "link": "linked",
    "unlink": "unlinked",
}
NOTICES = {*DONE.values(), "rejected-untold", "added", "removed"}  # worded as console.done.<notice>
DOMAIN_FIELDS = ("institution", "region", "domain")
MAX_SHOWN_VALUE = 500  # a value sent back into a form: the longest any of these fields takes
TAGS = ["Organizers' console: pledges"]


@dataclass(frozen=True, slots=True)
class ConsolePledges:
    """The use cases behind these pages (built in esja.bootstrap)."""

    book: PledgeBook
    links: BuyerLinks
    export: PledgeExport
    domains: DomainList


@dataclass(frozen=True, slots=True)
class PledgePages:
    _use: ConsolePledges
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def list(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        chosen = read_filter({name: self._request.query(name) for name in ("etat", "region", "institution")})
        listed = self._use.book.list(actor, chosen)
        return self._page(
            "pages/space/pledges.html", actor, PLEDGES_PATH, listed=listed, filters=_filter_fields(chosen)
        )

    def export(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        chosen = read_filter({name: single(fields, name) for name in ("etat", "region", "institution")})
        exported = self._use.export.export(actor, chosen)
        name = f"engagements-{utc_now().date().isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        # The byte-order mark: spreadsheets read the file as UTF-8 (accents intact) only with it.
        return Response(200, "text/csv; charset=utf-8", "\ufeff" + exported.csv, headers=headers)

    def case(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._case_page(actor, self._request.query("id"), done=_notice(self._request.query("fait")))

    def verify(self) -> Response[str]:
        return self._act("verify")

    def reject(self) -> Response[str]:
        return self._act("reject")

    def withdraw(self) -> Response[str]:
        return self._act("withdraw")

    def rename(self) -> Response[str]:
        return self._act("rename")

    def link(self) -> Response[str]:
        return self._act("link")

    def unlink(self) -> Response[str]:
        return self._act("unlink")

    def domains(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._domains_page(actor, done=_notice(self._request.query("fait")))

    def add_domain(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        values = {name: single(fields, name)[:MAX_SHOWN_VALUE] for name in DOMAIN_FIELDS}
        try:
            self._use.domains.add(actor, **values)
        except InvalidForm as invalid:
            return self._domains_page(actor, status=422, invalid=invalid, values=values)
        except Conflict as conflict:
            return self._domains_page(actor, status=409, conflict=conflict.code, values=values)
        return see_other(f"{DOMAINS_PATH}?{urlencode({'fait': 'added', 'lang': self._request.language()})}")

    def remove_domain(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        self._use.domains.remove(actor, single(self._request.form(), "key"))
        return see_other(f"{DOMAINS_PATH}?{urlencode({'fait': 'removed', 'lang': self._request.language()})}")

    def _act(self, action: str) -> Response[str]:
        """A pledge's form posted: done → 303 to the pledge, saying what was done; refused → its page again."""
        actor = self._access.require(Role.ORGANIZER)
        fields = self._request.form()
        pledge_id = single(fields, "pledge")
        values = {name: single(fields, name)[:MAX_SHOWN_VALUE] for name in ACTIONS[action][1]}
        try:
            done = self._do(action, actor, pledge_id, values)
        except InvalidForm as invalid:
            return self._case_page(actor, pledge_id, status=422, action=action, invalid=invalid, values=values)
        except Conflict as conflict:
            return self._case_page(actor, pledge_id, status=409, conflict=conflict.code)
        query = urlencode({"id": pledge_id, "fait": done, "lang": self._request.language()})
        return see_other(f"{PLEDGE_PATH}?{query}")

    def _do(self, action: str, actor: Actor, pledge_id: str, fields: Mapping[str, str]) -> str:
        """The use case of the action; what was done, as the pledge's page says it (`fait`)."""
        book, links = self._use.book, self._use.links
        match action:
            case "verify":
                book.verify(actor, pledge_id)
            case "reject":
                if not book.reject(actor, pledge_id, fields["reason"]).told:
                    return "rejected-untold"
            case "withdraw":
                book.withdraw(actor, pledge_id, fields["reason"])
            case "rename":
                book.rename(actor, pledge_id, fields["institution_name"])
            case "link":
                links.link(actor, pledge_id, buyer_id=fields["buyer_id"], buyer_name=fields["buyer_name"])
            case "unlink":
                links.unlink(actor, pledge_id, buyer_id=fields["buyer_id"], buyer_name=fields["buyer_name"])
        return DONE[action]

    def _case_page(self, actor: Actor, pledge_id: str, *, status: int = 200, **shown: Any) -> Response[str]:
        case = self._use.book.case(actor, pledge_id)
        context = {"action": "", "invalid": None, "values": {}, "conflict": "", "done": ""} | shown
        rows = summary(case.pledge.details, self._request.language())
        return self._page(
            "pages/space/pledge.html", actor, PLEDGES_PATH, status=status, case=case, rows=rows, **context
        )

    def _domains_page(self, actor: Actor, *, status: int = 200, **shown: Any) -> Response[str]:
        context = {"invalid": None, "values": {}, "conflict": "", "done": ""} | shown
        listed = self._use.domains.domains(actor)
        return self._page("pages/space/domains.html", actor, DOMAINS_PATH, status=status, listed=listed, **context)

    def _page(self, template: str, actor: Actor, here: str, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        regions = [r.code for r in all_regions() if actor.covers(r.code)]
        return space_page(
            template,
            lang,
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=here,
            status=status,
            paths=PATHS,
            stages=STAGES,
            regions=regions,
            region_name=region_name,
            **context,
        )


PATHS = {
    "pledges": PLEDGES_PATH,
    "pledge": PLEDGE_PATH,
    "export": EXPORT_PATH,
    "domains": DOMAINS_PATH,
    "domain_removal": DOMAIN_REMOVAL_PATH,
    **{action: path for action, (path, _) in ACTIONS.items()},
}


def _notice(done: str) -> str:
    """What was just done (`fait`), if it is one of ours: the page words it."""
    return done if done in NOTICES else ""


def read_filter(values: Mapping[str, str]) -> PledgeFilter:
    """The list's filter from its query (or the export's form); what is not one of the choices is left out."""
    stage = STAGES.get(values.get("etat", ""), Stage.TO_VERIFY)
    region = values.get("region", "")
    known = region in {r.code for r in all_regions()}
    stages = frozenset({stage} if stage else ())
    return PledgeFilter(stages, region if known else "", values.get("institution", "")[:200])


def _filter_fields(chosen: PledgeFilter) -> dict[str, str]:
    """The filter as the page's forms send it again."""
    etat = next(slug for slug, stage in STAGES.items() if frozenset({stage} if stage else ()) == chosen.stages)
    return {"etat": etat, "region": chosen.region, "institution": chosen.text}


def console_pledges_router(use: ConsolePledges, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    pages = PledgePages(use, spaces, RequestReader(router), spaces.access(router))
    add_pages(router, TAGS, [*_pledge_pages(pages), *_domain_pages(pages)])
    return router


GUARDED: dict[int, OpenAPIResponse] = {
    303: redirect("Not signed in as an organizer: to the sign-in page (or the role chooser)"),
    403: html("Not an organizer, or a form without this session's anti-forgery token: nothing done"),
}
FILTERS = (
    query("etat", "The pledges' stage (à vérifier by default)", schema={"enum": list(STAGES)}),
    query("region", "One of the organizer's regions (01 … 17)"),
    query("institution", "Words of the institution's name"),
)


def _form(*fields: str) -> dict[str, Any]:
    names = (*fields, CSRF_FIELD)
    return {"type": "object", "properties": {name: {"type": "string"} for name in names}, "required": list(names)}


def _pledge_pages(pages: PledgePages) -> list[Page]:
    done = {303: redirect("Done: back to the pledge, saying what was done"), **GUARDED}
    refused = {404: html("No pledge of the organizer's regions by that id"), 409: html("Not in a state for this")}
    actions = [
        Page(
            "POST",
            path,
            getattr(pages, action),
            f"Pledge: {action} (audited)",
            {**done, **refused, 422: html("The form again, each field's error")},
            form=_form("pledge", *fields),
        )
        for action, (path, fields) in ACTIONS.items()
    ]
    return [
        Page(
            "GET",
            PLEDGES_PATH,
            pages.list,
            "The pledges of the organizer's regions, those to verify first",
            {200: html("The list"), **GUARDED},
            (*FILTERS, LANG),
        ),
        Page(
            "GET",
            PLEDGE_PATH,
            pages.case,
            "One pledge: what was declared, its verification and why, its actions",
            {200: html("The pledge"), 404: html("No pledge of the organizer's regions by that id"), **GUARDED},
            (query("id", "The pledge's id", required=True), query("fait", "What was just done"), LANG),
        ),
        Page(
            "POST",
            EXPORT_PATH,
            pages.export,
            "The chosen pledges as CSV (personal information: audited)",
            {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, **GUARDED},
            form=_form("etat", "region", "institution"),
        ),
        *actions,
    ]


def _domain_pages(pages: PledgePages) -> list[Page]:
    return [
        Page(
            "GET",
            DOMAINS_PATH,
            pages.domains,
            "The institutions' e-mail domains of the organizer's regions",
            {200: html("The list, and the form to add one"), **GUARDED},
            (query("fait", "What was just done"), LANG),
        ),
        Page(
            "POST",
            DOMAINS_PATH,
            pages.add_domain,
            "List a domain for an institution (audited; public mail domains refused)",
            {
                303: redirect("Listed"),
                409: html("Listed already"),
                422: html("The form again, each field's error"),
                **GUARDED,
            },
            form=_form(*DOMAIN_FIELDS),
        ),
        Page(
            "POST",
            DOMAIN_REMOVAL_PATH,
            pages.remove_domain,
            "Take a domain off the list (audited)",
            {303: redirect("Removed"), 404: html("No domain of the organizer's regions by that key"), **GUARDED},
            form=_form("key"),
        ),
    ]
