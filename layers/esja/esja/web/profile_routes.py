"""The enterprises' own alert profiles (/entreprise/profils): the list, a profile's form with the code search
and « Aperçu », pause and resume, delete. The same pages are mounted a second time in the organizers' console
(/organisation/entreprises/profils?entreprise=<id>): an organizer works on the profiles of an enterprise of
their regions (EnterpriseProfiles decides), every path of its pages carrying the enterprise's id.

Everything works without JavaScript: the form is one POST whose button says what to do — preview, save,
search the codes, add a code, show a code's family — and the page comes back with the person's draft as
they typed it. The code search is the one the invitation form has too (esja.web.code_search): where its
script loads it answers as one types (GET /entreprise/codes, JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from esja.clock import utc_now
from esja.enterprise_space.codes import CodeChoice
from esja.enterprise_space.preview import Preview, PreviewOutcome, ProfilePreview, Unavailable
from esja.enterprise_space.profiles import (
    MAX_PROFILES,
    EnterpriseProfiles,
    ProfileChanged,
    Refused,
    TooManyProfiles,
)
from esja.geo.regions import all_regions, region_name
from esja.matching import csv_cells
from esja.matching.profile_cells import LISTS, PROFILE_COLUMNS, profile_cells
from esja.matching.regions import ALL_QUEBEC, CANADA
from esja.model import FLOOD_THRESHOLD, Category, Status
from esja.people.actor import Actor
from esja.people.roles import Role
from esja.rendering import wording
from esja.signin.links import CSRF_FIELD, SPACE_HOMES
from esja.web.code_search import FORM_FIELDS as CODE_SEARCH_FIELDS
from esja.web.code_search import QUERY, SCRIPT_PATH, CodeSearch, CodeStep, codes_page, script, scripted
from esja.web.console_enterprise_routes import LIST_PATH as CONSOLE_ENTERPRISES
from esja.web.console_enterprise_routes import ONE_PATH as CONSOLE_ENTERPRISE
from esja.web.console_enterprise_routes import PROFILES_PATH as CONSOLE_PROFILES
from esja.web.forms import single
from esja.web.openapi import LANG, Page, add_pages, html, query, redirect
from esja.web.requests import RequestReader
from esja.web.session import SpaceAccess, Spaces, see_other
from esja.web.space_pages import Viewer, space_page

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

LIST_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}profils"
CODES_PATH = f"{SPACE_HOMES[Role.ENTERPRISE]}codes"
PROFILE, VERSION, ENTERPRISE = "profil", "version", "entreprise"
SHOWN = 30  # tenders listed per part of a preview ("and 12 more")
REGION_CHOICES = (*(r.code for r in all_regions()), ALL_QUEBEC, CANADA)
BOXES = ("regions", "categories")  # the lists chosen in groups of boxes: one field a choice
TEXT_AREAS = tuple(c for c in LISTS if c not in BOXES)
FIELDS = tuple(c for c in PROFILE_COLUMNS if c not in ("profile_id", "active"))


@dataclass(frozen=True, slots=True)
class Draft:
    """The form as the person left it: the spreadsheet's cells (items separated by « ; »)."""

    cells: Mapping[str, str]
    profile_id: str = ""  # "" for a new profile
    version: str = ""

    def lines(self, column: str) -> str:
        """A list cell as the text area shows it: one item a line."""
        return "\n".join(csv_cells.items(self.cells.get(column, "")))

    def chosen(self, column: str) -> set[str]:
        return set(csv_cells.items(self.cells.get(column, "")))

    def with_code(self, step: CodeStep) -> Draft:
        codes = step.codes(csv_cells.items(self.cells.get("unspsc", "")))
        return Draft({**self.cells, "unspsc": "; ".join(codes)}, self.profile_id, self.version)


@dataclass(frozen=True, slots=True)
class Mount:
    """Where the profile pages are, and for whom: the enterprise's own space, or the console."""

    role: Role
    paths: Mapping[str, str]  # list, new, edit, form, active, delete, codes (and back: the console's enterprise)
    here: str  # the layout's section
    tag: str
    by_enterprise: bool  # the console's: the enterprise is named in every path's query (?entreprise=)

    @classmethod
    def at(cls, role: Role, root: str, *, codes: str, here: str, tag: str, back: str = "") -> Mount:
        paths = {"list": root, "new": f"{root}/nouveau", "edit": f"{root}/modifier", "form": f"{root}/formulaire"}
        paths |= {"active": f"{root}/pause", "delete": f"{root}/supprimer", "codes": codes, "script": SCRIPT_PATH}
        return cls(role, paths | ({"back": back} if back else {}), here, tag, by_enterprise=bool(back))


# Profile ids (?profil=) come from spreadsheets: any text but « ; ».
OWN = Mount.at(Role.ENTERPRISE, LIST_PATH, codes=CODES_PATH, here=LIST_PATH, tag="Enterprises' space: alert profiles")
CONSOLE = Mount.at(
    Role.ORGANIZER,
    CONSOLE_PROFILES,
    codes=f"{CONSOLE_PROFILES}/codes",
    here=CONSOLE_ENTERPRISES,
    tag="Organizers' console: an enterprise's alert profiles",
    back=CONSOLE_ENTERPRISE,
)


@dataclass(frozen=True, slots=True)
class ProfilePages:
    _mount: Mount
    _profiles: EnterpriseProfiles
    _preview: ProfilePreview
    _codes: CodeSearch
    _spaces: Spaces
    _request: RequestReader
    _access: SpaceAccess

    def list(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        done = {k: self._request.query(k)[:100] for k in ("enregistre", "supprime", "change")}
        profiles = self._profiles.list(actor, enterprise=self._enterprise())
        return self._page("pages/space/profiles.html", actor, profiles=profiles, done=done, most=MAX_PROFILES)

    def new(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        return self._form(actor, Draft({}))

    def edit(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        stored = self._profiles.get(actor, self._request.query(PROFILE), enterprise=self._enterprise())
        return self._form(actor, Draft(profile_cells(stored.profile), stored.profile.id, stored.version))

    def submit(self) -> Response[str]:
        """The form's one POST: what its button asks."""
        actor = self._access.require(self._mount.role)
        fields = self._request.form()
        draft = _draft(fields)
        step = CodeStep.read(fields)
        if step.added:
            return self._form(actor, draft.with_code(step), searched=step.searched, added=step.added)
        if step.family:
            return self._form(actor, draft, searched=step.searched, family=step.family)
        if single(fields, "action") == "enregistrer":
            return self._save(actor, draft)
        if step.search and step.searched.strip():
            return self._form(actor, draft, searched=step.searched)
        return self._form_with_preview(actor, draft, step.searched)  # « Aperçu », and Enter anywhere

    def set_active(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        fields = self._request.form()
        active = single(fields, "actif") == "1"
        profile_id = single(fields, PROFILE)
        try:
            self._profiles.set_active(actor, profile_id, active, single(fields, VERSION), enterprise=self._enterprise())
        except ProfileChanged:
            return see_other(self._at("list", change=profile_id))
        return see_other(self._at("list", enregistre=profile_id))

    def confirm_delete(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        stored = self._profiles.get(actor, self._request.query(PROFILE), enterprise=self._enterprise())
        return self._page("pages/space/profile_delete.html", actor, stored=stored)

    def delete(self) -> Response[str]:
        actor = self._access.require(self._mount.role)
        fields = self._request.form()
        profile_id = single(fields, PROFILE)
        try:
            self._profiles.delete(actor, profile_id, single(fields, VERSION), enterprise=self._enterprise())
        except ProfileChanged:
            return see_other(self._at("list", change=profile_id))
        return see_other(self._at("list", supprime=profile_id))

    def codes(self) -> Response[str]:
        """The code search for the script: JSON, the same results the page shows."""
        actor = self._access.require(self._mount.role)
        self._profiles.enterprise_of(actor, self._enterprise())
        return self._codes.answer(self._request.query(QUERY), self._request.language())

    def _save(self, actor: Actor, draft: Draft) -> Response[str]:
        try:
            enterprise = self._enterprise()
            if draft.profile_id:
                saved = self._profiles.update(
                    actor, draft.profile_id, draft.cells, draft.version, enterprise=enterprise
                )
            else:
                saved = self._profiles.create(actor, draft.cells, enterprise=enterprise)
        except ProfileChanged:
            return self._form(actor, draft, status=409, notice="profiles.form.changed")
        except TooManyProfiles:
            return self._form(actor, draft, status=422, notice="profiles.form.too_many")
        if isinstance(saved, Refused):
            return self._form(actor, draft, status=422, refused=saved)
        return see_other(self._at("list", enregistre=saved.profile.id))

    def _form_with_preview(self, actor: Actor, draft: Draft, searched: str) -> Response[str]:
        enterprise = self._enterprise()
        shown: PreviewOutcome = self._preview.preview(
            actor, draft.cells, draft.profile_id or None, enterprise=enterprise
        )
        if isinstance(shown, Refused):
            return self._form(actor, draft, status=422, refused=shown, searched=searched)
        return self._form(actor, draft, preview=shown, searched=searched)

    def _form(
        self,
        actor: Actor,
        draft: Draft,
        *,
        status: int = 200,
        refused: Refused | None = None,
        preview: Preview | Unavailable | None = None,
        searched: str = "",
        family: str = "",
        added: str = "",
        notice: str = "",
    ) -> Response[str]:
        lang = self._request.language()
        if draft.profile_id:  # another enterprise's id: 404 before anything shows
            self._profiles.get(actor, draft.profile_id, enterprise=self._enterprise())
        context: dict[str, Any] = {
            "draft": draft,
            "errors": {p.column: p for p in refused.problems} if refused else {},
            "problems": refused.problems if refused else (),
            "preview": preview if isinstance(preview, Preview) else None,
            "unavailable": isinstance(preview, Unavailable),
            **self._codes.context(searched, family, lang),
            "added": added,
            "notice": notice,
            "region_choices": REGION_CHOICES,
            "categories": [c.value for c in Category],
            "text_areas": TEXT_AREAS,
            "shown": SHOWN,
            "now": utc_now(),
            "status_now": _status_now,
            "flood_threshold": FLOOD_THRESHOLD,
        }
        return scripted(self._page("pages/space/profile_form.html", actor, status=status, **context))

    def _page(self, template: str, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
        lang = self._request.language()
        enterprise = self._enterprise()
        viewer = Viewer.of(actor)
        return space_page(
            template,
            lang,
            viewer,
            sender=self._spaces.sender,
            here=self._mount.here,
            status=status,
            paths=self._mount.paths,
            # Every link and form of the pages keeps the enterprise named: "entreprise=<id>&", or nothing.
            scope=f"{urlencode({ENTERPRISE: enterprise})}&" if self._mount.by_enterprise else "",
            enterprise=self._profiles.enterprise_named(actor, enterprise) if self._mount.by_enterprise else None,
            region_label=_region_label(lang),
            **context,
        )

    def _enterprise(self) -> str:
        """The enterprise the console's pages name; "" in the enterprise's own space (their own)."""
        return self._request.query(ENTERPRISE) if self._mount.by_enterprise else ""

    def _at(self, page: str, **query: str) -> str:
        scope = {ENTERPRISE: self._enterprise()} if self._mount.by_enterprise else {}
        return f"{self._mount.paths[page]}?{urlencode({'lang': self._request.language(), **scope, **query})}"


def _draft(fields: dict[str, list[str]]) -> Draft:
    """The posted form as the spreadsheet's cells: a text area's lines and a group of boxes' choices become
    items separated by « ; », as in a spreadsheet's cell."""
    cells = {}
    for column in FIELDS:
        values = fields.get(column, [])
        if column in BOXES:
            cells[column] = "; ".join(values)
        elif column in TEXT_AREAS:
            cells[column] = "; ".join(line for value in values for line in value.splitlines() if line.strip())
        else:
            cells[column] = single(fields, column)
    return Draft(cells, single(fields, PROFILE), single(fields, VERSION))


def _region_label(lang: str) -> Callable[[str], str]:
    def label(code: str) -> str:
        return wording(f"profiles.region.{code}", lang) if code in (ALL_QUEBEC, CANADA) else region_name(code, lang)

    return label


def _status_now(status: Status, closing: Any, now: Any) -> str:
    """The word for a tender's state today: an open tender whose closing date has passed is closed."""
    if status is Status.OPEN and closing is not None and closing <= now:
        return Status.CLOSED.value
    return status.value


def profile_router(profiles: EnterpriseProfiles, preview: ProfilePreview, codes: CodeChoice, spaces: Spaces) -> Router:
    """The pages in the enterprise's own space and in the console, and the code search's script (the
    invitation form's too)."""
    router = Router()  # type: ignore[no-untyped-call]  # Powertools leaves its __init__ unannotated
    for mount in (OWN, CONSOLE):
        pages = ProfilePages(
            mount, profiles, preview, CodeSearch(codes), spaces, RequestReader(router), spaces.access(router)
        )
        add_pages(router, [mount.tag], _pages(mount, pages))
    router.get(SCRIPT_PATH, include_in_schema=False)(script)
    return router


def _pages(mount: Mount, pages: ProfilePages) -> list[Page]:
    who = "an organizer" if mount.by_enterprise else "an enterprise"
    guarded: dict[int, OpenAPIResponse] = {
        303: redirect(f"Not signed in as {who}: to the sign-in page (or the role chooser)"),
        403: html(f"Not acting as {who}, or a form without this session's anti-forgery token"),
        404: html(
            "No such enterprise in the organizer's regions, or no such profile for it"
            if mount.by_enterprise
            else "No such profile for this enterprise (another enterprise's profiles included)"
        ),
    }
    named = (query(ENTERPRISE, "The enterprise's id", required=True),) if mount.by_enterprise else ()
    by_id = (*named, query(PROFILE, "The profile's id", required=True), LANG)
    by_enterprise = (*named, LANG)
    to_list = redirect("To the list")
    text = {"type": "string"}
    form = {
        "type": "object",
        "properties": {
            **{column: text for column in FIELDS},
            PROFILE: text,
            VERSION: text,
            "action": {"enum": ["apercu", "enregistrer", "chercher"]},
            **CODE_SEARCH_FIELDS,
            CSRF_FIELD: text,
        },
    }
    one = {PROFILE: text, VERSION: text, CSRF_FIELD: text}
    changed = {"type": "object", "properties": {**one, "actif": {"enum": ["0", "1"]}}}
    one_form = {"type": "object", "properties": one}
    paths = mount.paths
    return [
        Page(
            "GET",
            paths["list"],
            pages.list,
            "The alert profiles",
            {200: html("The profiles"), **guarded},
            by_enterprise,
        ),
        Page("GET", paths["new"], pages.new, "A new profile's form", {200: html("The form"), **guarded}, by_enterprise),
        Page("GET", paths["edit"], pages.edit, "A profile's form", {200: html("The form"), **guarded}, by_id),
        Page(
            "POST",
            paths["form"],
            pages.submit,
            "Preview, save, search the codes, add a code, show a family",
            {
                200: html("The form again, with the preview or the codes found"),
                303: redirect("Saved: to the list"),
                409: html("Changed by someone else meanwhile: nothing saved"),
                422: html("Problems with the form, each said beside its field: nothing saved"),
                **guarded,
            },
            by_enterprise,
            form=form,
        ),
        Page(
            "POST",
            paths["active"],
            pages.set_active,
            "Pause or resume",
            {303: to_list, **guarded},
            by_enterprise,
            changed,
        ),
        Page(
            "GET", paths["delete"], pages.confirm_delete, "Asks to confirm", {200: html("A question"), **guarded}, by_id
        ),
        Page(
            "POST",
            paths["delete"],
            pages.delete,
            "Delete a profile",
            {303: to_list, **guarded},
            by_enterprise,
            one_form,
        ),
        codes_page(paths["codes"], pages.codes, guarded, named),
    ]
