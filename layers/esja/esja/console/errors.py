"""What the console's use cases refuse besides who may act (esja.people.actor.NotAllowed): a form's values, with
the error of each field, and an item no longer in a state for the action."""

from __future__ import annotations

from esja.people.actor import NotAllowed
from esja.pledges.form import FieldError


class InvalidForm(ValueError):
    """Values the use case refuses, each field's error (worded as `pledge.error.<code>`): nothing was changed."""

    def __init__(self, *errors: FieldError) -> None:
        super().__init__(", ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors

    def error(self, field: str) -> FieldError | None:
        return next((e for e in self.errors if e.field == field), None)


class Conflict(Exception):
    """The item is not (or no longer) in a state for this action: `code` says which (worded as
    `console.conflict.<code>`); nothing was changed."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class UnknownPledge(NotAllowed):
    """No such pledge (or it is past its retention): answered as any item the person may not see, a 404."""

    def __init__(self, pledge_id: str) -> None:
        super().__init__(f"no pledge {pledge_id!r}", hidden=True)
        self.pledge_id = pledge_id
