"""The console's enterprises (/organisation/entreprises): the list, an enterprise's form (add, edit, its
subscribers), its removal, the spreadsheet's import by upload (a dry run, then the import) and its export.

Enterprise ids come from spreadsheets (any text but « ; »): a page names one in its query (`?entreprise=`).
Each page: `require(Role.ORGANIZER)` → a use case with the Actor (esja.console.enterprises,
esja.console.enterprise_import: they decide whose enterprises) → a page in the spaces' layout. No script: the
upload is a plain form (multipart/form-data), its size bounded before it is read (esja.web.uploads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.clock import utc_now
from esja.console.enterprise_form import MAX_SUBSCRIBERS, REMOVE, VERSION, EnterpriseForm, subscriber_field
from esja.console.enterprise_import import MAX_FILE_BYTES, ConsoleImport, Done, DryRun, HeldFileGone
from esja.console.enterprises import ConsoleEnterprises, EnterpriseChanged, Refused
from esja.enterprises.removal import Removal
from esja.geo.regions import all_regions, region_name
from esja.matching.csv_cells import FREQUENCIES, LANGUAGES, LEGAL_FORMS
from esja.matching.profiles_csv import ENTERPRISE_COLUMNS, SUBSCRIBER_COLUMNS
from esja.matching.regions import ALL_QUEBEC, CANADA
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.rendering import wording
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

LIST_PATH = f"{SPACE_HOMES[Role.ORGANIZER]}entreprises"
NEW_PATH = f"{LIST_PATH}/nouvelle"
ONE_PATH = f"{LIST_PATH}/fiche"  # ?entreprise=<id>
REMOVAL_PATH = f"{LIST_PATH}/retrait"  # ?entreprise=<id>
PROFILES_PATH = f"{LIST_PATH}/profils"  # ?entreprise=<id>: the enterprise's own profile pages (esja.web.profile_routes)
IMPORT_PATH = f"{LIST_PATH}/import"
CONFIRM_PATH = f"{IMPORT_PATH}/confirmation"
EXPORT_PATH = f"{LIST_PATH}/export"
TAGS = ["Organizers' console: enterprises"]
ENTERPRISE, FILE, PRUNE, HELD = "entreprise", "fichier", "elaguer", "televersement"
REGION_CHOICES = (*(r.code for r in all_regions()), ALL_QUEBEC, CANADA)
PATHS = {
    "list": LIST_PATH,
    "new": NEW_PATH,
    "one": ONE_PATH,
    "removal": REMOVAL_PATH,
    "profiles": PROFILES_PATH,
    "import": IMPORT_PATH,
    "confirm": CONFIRM_PATH,
    "export": EXPORT_PATH,
}


@dataclass(frozen=True, slots=True)
class EnterprisePages:
    _enterprises: ConsoleEnterprises
    _import: ConsoleImport
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def list(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        entries = self._enterprises.list(actor)
        return self._page("pages/space/console_enterprises.html", actor, entries=entries)

    def new(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._form(actor, EnterpriseForm.of(None))

    def create(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        form = EnterpriseForm.posted(self._request.form())
        saved = self._enterprises.create(actor, form)
        if isinstance(saved, Refused):
            return self._form(actor, form, status=422, refused=saved)
        return see_other(self._at(ONE_PATH, entreprise=saved.entry.enterprise.id, fait="creee"))

    def one(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        entry = self._enterprises.entry(actor, self._request.query(ENTERPRISE))
        done = self._request.query("fait")
        return self._form(actor, EnterpriseForm.of(entry.enterprise), entry=entry, done=done)

    def update(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        enterprise_id, form = self._request.query(ENTERPRISE), EnterpriseForm.posted(self._request.form())
        try:
            saved = self._enterprises.update(actor, enterprise_id, form)
        except EnterpriseChanged:
            entry = self._enterprises.entry(actor, enterprise_id)
            return self._form(actor, EnterpriseForm.of(entry.enterprise), entry=entry, status=409, done="changee")
        if isinstance(saved, Refused):
            entry = self._enterprises.entry(actor, enterprise_id)
            return self._form(actor, form, entry=entry, status=422, refused=saved)
        return see_other(self._at(ONE_PATH, entreprise=enterprise_id, fait="enregistree"))

    def removal_plan(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        plan = self._enterprises.removal_plan(actor, self._request.query(ENTERPRISE))
        return self._removal(actor, plan)

    def remove(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._removal(actor, self._enterprises.remove(actor, self._request.query(ENTERPRISE)))

    def upload_form(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        return self._upload_page(actor)

    def upload(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        uploaded = self._request.upload(FILE)
        if uploaded is None:
            return self._upload_page(actor, status=422, missing=True)
        prune = single(self._request.form(), PRUNE) == "oui"
        return self._dry_run(actor, self._import.dry_run(actor, uploaded.data, prune=prune))

    def confirm(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        try:
            outcome = self._import.confirm(actor, single(self._request.form(), HELD))
        except HeldFileGone:
            return self._upload_page(actor, status=410, gone=True)
        if isinstance(outcome, Done):
            template = "pages/space/console_enterprise_import.html"
            return self._page(template, actor, plan=outcome.plan, done=outcome, dry=None)
        return self._dry_run(actor, outcome, status=409)

    def export(self) -> Response[str]:
        actor = self._access.require(Role.ORGANIZER)
        exported = self._enterprises.export(actor).csv
        name = f"entreprises-{utc_now().date().isoformat()}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        # With a byte-order mark, Excel reads it as UTF-8; the import takes it as well.
        return Response(200, "text/csv; charset=utf-8", "\ufeff" + exported, headers=headers)

    def _dry_run(self, actor: Actor, dry: DryRun, *, status: int = 200) -> Response[str]:
        status = 422 if not dry.plan.ok else status
        template = "pages/space/console_enterprise_import.html"
        return self._page(template, actor, status=status, plan=dry.plan, dry=dry, done=None)

    def _upload_page(self, actor: Actor, *, status: int = 200, **shown: Any) -> Response[str]:
        context = {"missing": False, "gone": False} | shown
        return self._page("pages/space/console_enterprise_upload.html", actor, status=status, **context)

    def _removal(self, actor: Actor, removal: Removal) -> Response[str]:
        [leaving] = removal.enterprises
        return self._page("pages/space/console_enterprise_removal.html", actor, removal=removal, leaving=leaving)

    def _form(
        self, actor: Actor, form: EnterpriseForm, *, status: int = 200, refused: Refused | None = None, **shown: Any
    ) -> Response[str]:
        errors = refused.errors if refused else ()
        context = {
            "form": form.with_empty_row(),
            "errors": errors,
            "field_errors": {e.field: e for e in errors},
            "entry": None,
            "done": "",
        }
        return self._page("pages/space/console_enterprise.html", actor, status=status, **(context | shown))

    def _page(self, template: str, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        return space_page(
            template,
            lang,
            Viewer.of(actor),
            sender=self._spaces.sender,
            here=LIST_PATH,
            status=status,
            paths=PATHS,
            at=self._at,
            region_label=_region_label(lang),
            choices=CHOICES,
            names={"enterprise": ENTERPRISE, "file": FILE, "prune": PRUNE, "held": HELD, "remove": REMOVE},
            version_field=VERSION,
            covers_all=actor.covers_all,
            max_megabytes=MAX_FILE_BYTES // 2**20,
            **context,
        )

    def _at(self, path: str, **query: str) -> str:
        return f"{path}?{urlencode({'lang': self._request.language(), **query})}"


# The values the form's choices send: the spreadsheet's own words.
CHOICES = {
    "legal_form": tuple(dict.fromkeys(LEGAL_FORMS.values())),
    "subscriber_language": tuple(dict.fromkeys(LANGUAGES.values())),
    "subscriber_frequency": tuple(dict.fromkeys(FREQUENCIES.values())),
    "regions_served": REGION_CHOICES,
}


def _region_label(lang: str) -> Any:
    def label(code: str) -> str:
        if code in (ALL_QUEBEC, CANADA):
            return wording(f"console.enterprises.region.{code}", lang)
        return region_name(code, lang)

    return label


def console_enterprise_router(enterprises: ConsoleEnterprises, imports: ConsoleImport, spaces: Spaces) -> Router:
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    request = RequestReader(router, max_file_bytes=MAX_FILE_BYTES)  # the import's form carries a file
    pages = EnterprisePages(enterprises, imports, spaces, request, spaces.access(router, request))
    add_pages(router, TAGS, _pages(pages))
    return router


def _pages(pages: EnterprisePages) -> list[Page]:
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect("Not signed in as an organizer: to the sign-in page (or the role chooser)"),
        403: html("Not an organizer, or a form without this session's anti-forgery token: nothing done"),
    }
    hidden = {404: html("No such enterprise in the organizer's regions (another region's included)"), **guarded}
    by_id = (query(ENTERPRISE, "The enterprise's id", required=True), LANG)
    text = {"type": "string"}
    enterprise_form = {
        "type": "object",
        "properties": {
            **{column: text for column in ENTERPRISE_COLUMNS},
            "regions_served": {"type": "array", "items": {"enum": list(REGION_CHOICES)}},
            **{subscriber_field(1, column): text for column in (*SUBSCRIBER_COLUMNS, REMOVE)},
            VERSION: text,
            CSRF_FIELD: text,
        },
        "description": f"Subscribers' fields for rows 1 to {MAX_SUBSCRIBERS + 1}, like row 1's",
    }
    token_only = {"type": "object", "properties": {CSRF_FIELD: text}}
    saved = redirect("Saved: to the enterprise's page")
    refused = html("Problems with the form, each beside its field: nothing saved")
    return [
        Page(
            "GET",
            LIST_PATH,
            pages.list,
            "The enterprises of the organizer's regions",
            {200: html("The list"), **guarded},
        ),
        Page("GET", NEW_PATH, pages.new, "A new enterprise's form", {200: html("The form"), **guarded}),
        Page(
            "POST",
            NEW_PATH,
            pages.create,
            "Add an enterprise (audited)",
            {303: saved, 422: refused, **guarded},
            form=enterprise_form,
        ),
        Page(
            "GET",
            ONE_PATH,
            pages.one,
            "An enterprise: its form, its profiles",
            {200: html("The form"), **hidden},
            by_id,
        ),
        Page(
            "POST",
            ONE_PATH,
            pages.update,
            "Change an enterprise and its subscribers (audited)",
            {303: saved, 409: html("Changed by someone else meanwhile: nothing saved"), 422: refused, **hidden},
            by_id,
            form=enterprise_form,
        ),
        Page(
            "GET",
            REMOVAL_PATH,
            pages.removal_plan,
            "What removing it would do",
            {200: html("The plan"), **hidden},
            by_id,
        ),
        Page(
            "POST",
            REMOVAL_PATH,
            pages.remove,
            "Remove it (audited)",
            {200: html("What was removed"), **hidden},
            by_id,
            form=token_only,
        ),
        Page(
            "GET", IMPORT_PATH, pages.upload_form, "Import a spreadsheet: the form", {200: html("The form"), **guarded}
        ),
        Page(
            "POST",
            IMPORT_PATH,
            pages.upload,
            "The dry run of a spreadsheet (multipart/form-data: `fichier`, `elaguer`): nothing changed",
            {
                200: html("What the import would change, and the button to confirm it"),
                413: html("The file is too big"),
                422: html("The file's errors, by line and column (or not a CSV file in UTF-8)"),
                **guarded,
            },
        ),
        Page(
            "POST",
            CONFIRM_PATH,
            pages.confirm,
            "Import the dry run's file (audited)",
            {
                200: html("What was imported"),
                409: html("The enterprises changed since the dry run: nothing imported, the new dry run"),
                410: html("Confirmed already, expired or another session's: nothing imported"),
                **guarded,
            },
            form={"type": "object", "properties": {HELD: text, CSRF_FIELD: text}},
        ),
        Page(
            "POST",
            EXPORT_PATH,
            pages.export,
            "The organizer's enterprises as the spreadsheet (CSV; audited: personal information)",
            {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, **guarded},
            form=token_only,
        ),
    ]
