"""The console's import of the enterprises' spreadsheet by upload: a dry run, then the import — the command line's
import (esja.enterprises.spreadsheet: all or nothing, the same line-and-column errors), within the organizer's
regions.

The dry run reads the file and says what it would change, nothing changed. The confirmed import is exactly
what the dry run showed: the file is held server-side, for this session only, under a random id the page's
confirm button carries (its SHA-256 only is stored), at most HOLD and used once — the person does not choose
the file again, and nobody else can confirm it. Confirming reads it again against the table as it is then:
if the plan is no longer the one shown (someone changed an enterprise meanwhile), nothing is imported and the
new dry run is shown instead. Why held rather than uploaded again with a hash check: the same guarantee, without
asking a person to find the same file twice; the file holds only what the import writes anyway.

Only an organizer of every region may import the whole list (`prune`: the enterprises the file leaves out are
removed): a regional organizer's file is never the whole list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from esja.enterprises.spreadsheet import EnterpriseSpreadsheet, Imported, ImportPlan
from esja.matching.profiles_csv import CsvError, ImportResult, read_profiles_file
from esja.people.actor import Actor, NotAllowed
from esja.people.roles import Role

MAX_FILE_BYTES = 1024 * 1024  # some 4,000 rows: every enterprise of the programme, several times over
HOLD = timedelta(minutes=30)  # a session's idle timeout: the time to read the dry run and decide


@dataclass(frozen=True, slots=True)
class HeldFile:
    digest: str  # SHA-256 of the id the page carries
    session_id: str  # the session it was uploaded in: the only one that may confirm it
    data: bytes = field(repr=False)
    prune: bool
    fingerprint: str  # the plan the dry run showed (ImportPlan.fingerprint)
    expires_at: datetime


class FileTooLarge(Exception):
    """The file cannot be held (bigger than a held file may be, even compressed)."""


class HeldFiles(Protocol):
    def hold(self, held: HeldFile) -> None:
        """Keep the file until its expiry; FileTooLarge when it cannot be."""
        ...

    def take(self, digest: str, session_id: str, now: datetime) -> HeldFile | None:
        """The file held under `digest` for that session, unexpired, and no longer held; None otherwise."""
        ...


class HeldFileGone(Exception):
    """The dry run was confirmed already, expired, or belongs to another session: upload the file again."""


@dataclass(frozen=True, slots=True)
class DryRun:
    plan: ImportPlan
    held_id: str = ""  # what the confirm button carries; "" when there is nothing to confirm
    prune: bool = False
    changed_since: bool = False  # a confirmation found the enterprises changed since the dry run shown before


@dataclass(frozen=True, slots=True)
class Done:
    plan: ImportPlan
    imported: Imported


class ConsoleImport:
    def __init__(
        self,
        *,
        spreadsheet: EnterpriseSpreadsheet,
        held_files: HeldFiles,
        clock: Callable[[], datetime],
    ) -> None:
        self._spreadsheet = spreadsheet
        self._held = held_files
        self._clock = clock

    def dry_run(self, actor: Actor, data: bytes, *, prune: bool = False) -> DryRun:
        """What importing the file would change; nothing is changed."""
        _may_import(actor, prune)
        if len(data) > MAX_FILE_BYTES:
            return DryRun(ImportPlan(ImportResult(), errors=(_too_large(),)))
        plan = self._plan(actor, read_profiles_file(data), prune)
        return self._offer(actor, plan, data, prune)

    def confirm(self, actor: Actor, held_id: str) -> Done | DryRun:
        """Import the file of the dry run, if it still does what the dry run showed; else the new dry run."""
        actor.require(Role.ORGANIZER)
        held = self._held.take(_digest(held_id), actor.session_id, self._clock()) if held_id else None
        if held is None:
            raise HeldFileGone()
        plan = self._plan(actor, read_profiles_file(held.data), held.prune)
        if plan.fingerprint != held.fingerprint:
            again = self._offer(actor, plan, held.data, held.prune)
            return DryRun(again.plan, again.held_id, again.prune, changed_since=True)
        return Done(plan, self._spreadsheet.apply(actor, plan))  # audited by the spreadsheet

    def _plan(self, actor: Actor, read: ImportResult, prune: bool) -> ImportPlan:
        return self._spreadsheet.plan(read, reach=actor.covers_enterprise, prune=prune)

    def _offer(self, actor: Actor, plan: ImportPlan, data: bytes, prune: bool) -> DryRun:
        """The dry run, with the file held for its confirmation when there is something to confirm."""
        if not plan.ok or not (plan.changes or (plan.pruned and plan.pruned.enterprises)):
            return DryRun(plan, prune=prune)
        held_id = secrets.token_urlsafe(32)
        held = HeldFile(_digest(held_id), actor.session_id, data, prune, plan.fingerprint, self._clock() + HOLD)
        try:
            self._held.hold(held)
        except FileTooLarge:
            return DryRun(ImportPlan(plan.read, errors=(_too_large(),)), prune=prune)
        return DryRun(plan, held_id, prune)


def _may_import(actor: Actor, prune: bool) -> None:
    actor.require(Role.ORGANIZER)
    if prune and not actor.covers_all:
        raise NotAllowed("only an organizer of every region imports the whole list")


def _digest(held_id: str) -> str:
    return hashlib.sha256(held_id.encode()).hexdigest()


def _too_large() -> CsvError:
    megabytes = MAX_FILE_BYTES // 2**20
    return CsvError(
        1,
        None,
        f"fichier trop gros : {megabytes} Mo au plus (importez un tableur plus gros avec la commande esja)",
        f"file too big: {megabytes} MB at most (import a bigger spreadsheet with the esja command)",
    )
