"""The organizers' spreadsheet of enterprises (esja.matching.profiles_csv, docs/enterprises-csv.md) against the
Enterprises table: what an import would change, the import, the export. One path for `esja enterprises
import/export` and the organizers' console (esja.console.enterprise_import), which adds who may. Both are audited
here, the actor an organizer or the person at the terminal (esja.people.actor.at_the_terminal): an import writes
one `enterprise.import` record per enterprise it changes (names of columns and counts), an export one
`enterprises.export` (how many enterprises and subscribers) — never an address.

An import is all or nothing: a file with any error changes nothing. Its plan (the dry run) says what it would
change, enterprise by enterprise — added, or which of its columns changed; its profiles and subscribers added,
changed, removed (the file is the truth for the enterprises it lists) — and, when the file is the whole list
(`prune`), which enterprises would go, as the removal (esja.enterprises.removal) plans it. Applying a plan saves
the file, then removes those enterprises.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field

from esja.audit.log import Audit, Item
from esja.enterprises.removal import EnterpriseRemoval, Removal
from esja.matching.enterprise_book import EnterpriseTable, SaveSummary
from esja.matching.profiles_csv import ENTERPRISE_COLUMNS, CsvError, ImportResult, write_profiles_csv
from esja.model import Enterprise, Profile, Subscriber
from esja.people.actor import Actor
from esja.people.keys import normalise_address
from esja.people.roles import Role

Reach = Callable[[Enterprise], bool]  # the enterprises an import may touch


@dataclass(frozen=True, slots=True)
class Changes:
    """What is added, changed and removed among an enterprise's profiles (their ids) or subscribers (their
    addresses: personal information, for the organizer's eyes, never for the audit log)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def counts(self, what: str) -> dict[str, str]:
        """`{"profiles_added": "1", …}`: what an audit record may say of them."""
        return {f"{what}_{kind}": str(len(getattr(self, kind))) for kind in ("added", "changed", "removed")}

    @classmethod
    def between(cls, before: dict[str, object], after: dict[str, object]) -> Changes:
        return cls(
            added=tuple(k for k in after if k not in before),
            changed=tuple(k for k in after if k in before and before[k] != after[k]),
            removed=tuple(k for k in before if k not in after),
        )


@dataclass(frozen=True, slots=True)
class EnterpriseChange:
    enterprise_id: str
    name: str
    regions: tuple[str, ...]  # served, before and after: whose organizers it concerns
    added: bool  # a new enterprise
    columns: tuple[str, ...]  # the enterprise's own columns that change (enterprise_name, neq…)
    profiles: Changes
    subscribers: Changes

    def __bool__(self) -> bool:
        """Anything changes."""
        return bool(self.added or self.columns or self.profiles or self.subscribers)

    def details(self) -> dict[str, str]:
        """What an audit record says of it: names of columns and counts, nothing personal."""
        columns = {"columns": " ".join(self.columns)} if self.columns else {}
        return {"name": self.name} | columns | self.profiles.counts("profiles") | self.subscribers.counts("subscribers")


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What importing a file would do (or did, once applied); with `errors`, nothing."""

    read: ImportResult = field(repr=False)
    changes: tuple[EnterpriseChange, ...] = ()  # only the enterprises that change
    unchanged: int = 0  # the enterprises the file lists that would stay as they are
    pruned: Removal | None = None  # the enterprises the file (the whole list) leaves out
    errors: tuple[CsvError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """Names this plan: the same file against the same table gives the same one."""
        pruned = tuple(leaving.enterprise_id for leaving in self.pruned.enterprises) if self.pruned else None
        shown = repr((tuple(astuple(c) for c in self.changes), self.unchanged, pruned, self.errors))
        return hashlib.sha256(shown.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Imported:
    saved: SaveSummary
    removed: Removal | None


@dataclass(frozen=True, slots=True)
class Export:
    csv: str = field(repr=False)  # the subscribers' addresses among its cells


class EnterpriseSpreadsheet:
    def __init__(self, *, enterprises: EnterpriseTable, audit: Audit, removal: EnterpriseRemoval | None = None) -> None:
        """`removal`: what removes the enterprises a file (the whole list) leaves out; none, no `prune`."""
        self._enterprises = enterprises
        self._audit = audit
        self._removal = removal

    def plan(self, read: ImportResult, *, reach: Reach | None = None, prune: bool = False) -> ImportPlan:
        """What importing the file read would change; nothing is changed. `reach`: the enterprises it may touch
        (an enterprise of the file, or the one stored under its id, beyond it is an error on its first line)."""
        if not read.ok:
            return ImportPlan(read, errors=read.errors)
        enterprises, profiles = self._enterprises.load()
        stored = {e.id: e for e in enterprises}
        beyond = _beyond_reach(read, stored, reach) if reach else ()
        if beyond:
            return ImportPlan(read, errors=beyond)
        changes = [change_of(e, stored.get(e.id), read.profiles, profiles) for e in read.enterprises]
        changing = tuple(c for c in changes if c)
        pruned = self._pruning().plan_prune(read.enterprises, read.profiles) if prune else None
        return ImportPlan(read, changing, len(changes) - len(changing), pruned)

    def apply(self, actor: Actor, plan: ImportPlan) -> Imported:
        """Save the file, then remove what it prunes (after saving: an address it moves to another enterprise
        is kept); audited as the actor's doing."""
        if not plan.ok:
            raise ValueError("a file with errors is never imported")
        saved = self._enterprises.save(plan.read.enterprises, plan.read.profiles)
        for change in plan.changes:
            item = Item("enterprise", change.enterprise_id)
            self._audit.record(actor, "enterprise.import", item, regions=change.regions, details=change.details())
        if plan.pruned is None:
            return Imported(saved, None)
        pruned = [leaving.enterprise_id for leaving in plan.pruned.enterprises]
        return Imported(saved, self._pruning().remove(actor, pruned))

    def _pruning(self) -> EnterpriseRemoval:
        if self._removal is None:
            raise TypeError("this import was built without the removal: it cannot prune")
        return self._removal

    def export(self, actor: Actor) -> Export:
        """The organizer's enterprises (Actor.covers_enterprise) and their profiles, as the file an import reads:
        their subscribers' addresses are personal information, so the export is audited."""
        actor.require(Role.ORGANIZER)
        enterprises, profiles = self._enterprises.load()
        shown = [e for e in enterprises if actor.covers_enterprise(e)]
        ids = {e.id for e in shown}
        regions = tuple(dict.fromkeys(r for e in shown for r in e.regions_served))
        subscribers = sum(len(e.subscribers) for e in shown)
        details = {"enterprises": str(len(shown)), "subscribers": str(subscribers)}
        self._audit.record(actor, "enterprises.export", Item("enterprises"), regions=regions, details=details)
        return Export(write_profiles_csv(shown, [p for p in profiles if p.enterprise_id in ids]))


def _beyond_reach(read: ImportResult, stored: dict[str, Enterprise], reach: Reach) -> tuple[CsvError, ...]:
    errors = []
    for enterprise in read.enterprises:
        line, before = read.first_lines.get(enterprise.id, 2), stored.get(enterprise.id)
        if before is not None and not reach(before):
            errors.append(
                CsvError(
                    line,
                    "enterprise_id",
                    "cet identifiant est celui d'une entreprise hors de vos régions",
                    "this id is an enterprise's outside your regions",
                )
            )
        elif not reach(enterprise):
            errors.append(
                CsvError(
                    line,
                    "regions_served",
                    "l'entreprise ne sert aucune de vos régions",
                    "the enterprise serves none of your regions",
                )
            )
    return tuple(errors)


def change_of(
    enterprise: Enterprise, before: Enterprise | None, profiles: Iterable[Profile], stored: Iterable[Profile]
) -> EnterpriseChange:
    """What saving `enterprise` with `profiles` (any enterprise's: its own are picked) over `before` and its stored
    profiles (`stored`, likewise) changes."""
    had = _profiles_of(stored, enterprise.id) if before else {}
    columns = tuple(c for c in ENTERPRISE_COLUMNS[1:] if before and _column(before, c) != _column(enterprise, c))
    if before and _by_address(before.managers).keys() != _by_address(enterprise.managers).keys():
        columns += ("managers",)  # who may manage its space: a mark, or the order of its subscribers, changed
    regions = tuple(dict.fromkeys((*(before.regions_served if before else ()), *enterprise.regions_served)))
    return EnterpriseChange(
        enterprise.id,
        enterprise.name,
        regions,
        before is None,
        columns,
        Changes.between(dict(had), dict(_profiles_of(profiles, enterprise.id))),
        Changes.between(_by_address(before.subscribers if before else ()), _by_address(enterprise.subscribers)),
    )


def _column(enterprise: Enterprise, column: str) -> object:
    return getattr(enterprise, column.removeprefix("enterprise_"))


def _profiles_of(profiles: Iterable[Profile], enterprise_id: str) -> dict[str, Profile]:
    return {p.id: p for p in profiles if p.enterprise_id == enterprise_id}


def _by_address(subscribers: Iterable[Subscriber]) -> dict[str, object]:
    return {normalise_address(s.email): astuple(s) for s in subscribers}
