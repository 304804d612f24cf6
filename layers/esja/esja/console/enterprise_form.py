"""The console's form of an enterprise and its subscribers, read through the spreadsheet's own validation
(esja.matching.profiles_csv.read_rows): the same columns, the same values, the same messages.

Fields are named by the spreadsheet's columns: the enterprise's once (`enterprise_id`, `enterprise_name`, `neq`,
`legal_form`, `regions_served` — each region a checkbox), each subscriber's as `abonne-<n>-<column>` (n from 1),
with `abonne-<n>-retirer` to take them off. The page shows the enterprise's subscribers and one empty row to
add someone; a row left empty is no one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, field

from esja.matching.profiles_csv import (
    ENTERPRISE_COLUMNS,
    SUBSCRIBER_COLUMNS,
    enterprise_cells,
    read_rows,
    subscriber_cells,
)
from esja.model import Enterprise

MAX_SUBSCRIBERS = 20  # rows the form reads: more than an enterprise has; a bound for a hostile form
REMOVE = "retirer"
VERSION = "version"
_UNNAMED = "?"  # stands for a missing id while the rest of the form is read, so that every error shows at once


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # the form's field the message is tied to
    fr: str
    en: str


@dataclass(frozen=True, slots=True)
class SubscriberRow:
    number: int  # from 1, in the page's order
    cells: Mapping[str, str] = field(default_factory=dict)  # the spreadsheet's subscriber columns → text
    remove: bool = False

    def field(self, column: str) -> str:
        return subscriber_field(self.number, column)

    @property
    def blank(self) -> bool:
        return not any(text.strip() for text in self.cells.values())


def subscriber_field(number: int, column: str) -> str:
    return f"abonne-{number}-{column}"


@dataclass(frozen=True, slots=True)
class EnterpriseForm:
    cells: Mapping[str, str]  # the spreadsheet's enterprise columns → text
    subscribers: tuple[SubscriberRow, ...]
    version: str = ""  # the enterprise as the person saw it (version_of); "" for a new one

    @classmethod
    def of(cls, enterprise: Enterprise | None) -> EnterpriseForm:
        """The form as the page first shows it: the enterprise's values, and an empty row to add someone."""
        if enterprise is None:
            return cls({}, (SubscriberRow(1),))
        rows = [SubscriberRow(n, subscriber_cells(s)) for n, s in enumerate(enterprise.subscribers, 1)]
        return cls(enterprise_cells(enterprise), (*rows, SubscriberRow(len(rows) + 1)), version_of(enterprise))

    @classmethod
    def posted(cls, fields: Mapping[str, Sequence[str]]) -> EnterpriseForm:
        cells = {column: _one(fields, column) for column in ENTERPRISE_COLUMNS}
        cells["regions_served"] = "; ".join(fields.get("regions_served", ()))
        rows = tuple(
            SubscriberRow(
                n,
                {column: _one(fields, subscriber_field(n, column)) for column in SUBSCRIBER_COLUMNS},
                bool(_one(fields, subscriber_field(n, REMOVE))),
            )
            for n in range(1, MAX_SUBSCRIBERS + 2)
            if any(name.startswith(subscriber_field(n, "")) for name in fields)
        )
        return cls(cells, rows, _one(fields, VERSION))

    def with_empty_row(self) -> EnterpriseForm:
        """As the page shows it again: with an empty row at the end to add someone."""
        if (self.subscribers and self.subscribers[-1].blank) or len(self.subscribers) > MAX_SUBSCRIBERS:
            return self
        return EnterpriseForm(self.cells, (*self.subscribers, SubscriberRow(len(self.subscribers) + 1)), self.version)

    def read(self, enterprise_id: str) -> tuple[Enterprise | None, tuple[FieldError, ...]]:
        """The enterprise the form describes (None with errors), read as the spreadsheet's rows would be."""
        kept = [row for row in self.subscribers if not row.remove and not row.blank]
        cells = dict(self.cells) | {"enterprise_id": enterprise_id or _UNNAMED}
        rows = [(kept[0].number if kept else 0, cells | dict(kept[0].cells) if kept else cells)]
        rows += [(row.number, {"enterprise_id": cells["enterprise_id"], **row.cells}) for row in kept[1:]]
        errors = read_rows([(0, {"enterprise_id": enterprise_id})]).errors if not enterprise_id else ()
        result = read_rows(rows)
        tied: dict[str, FieldError] = {}
        for error in (*errors, *result.errors):
            name = error.column or "enterprise_id"
            where = name if name in ENTERPRISE_COLUMNS else subscriber_field(error.line, name)
            tied.setdefault(where, FieldError(where, error.fr, error.en))
        return (result.enterprises[0] if not tied else None), tuple(tied.values())


def version_of(enterprise: Enterprise) -> str:
    """Changes whenever anything of the enterprise does: an edit names the version it was made on."""
    return hashlib.sha256(repr(astuple(enterprise)).encode()).hexdigest()[:16]


def _one(fields: Mapping[str, Sequence[str]], name: str) -> str:
    """The one value of a field; "" when it is missing or repeated (no page of ours repeats one)."""
    values = fields.get(name, ())
    return values[0] if len(values) == 1 else ""
