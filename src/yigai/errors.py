"""Errors a user can act on: each names the plan, the file and the field at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class YigaiError(Exception):
    """A problem with the user's input, reported without a traceback.

    Attributes:
        message: What is wrong, in plain words.
        file: The file at fault (path as the user would type it), if any.
        plan_id: The plan concerned, if any.
        field: The field, key or column at fault, if any.
        row: The row number (1-based, data rows) at fault, if any.
        hint: What to do about it.
    """

    message: str
    file: str | None = None
    plan_id: str | None = None
    field: str | None = None
    row: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = []
        if self.plan_id:
            where.append(f"plan {self.plan_id}")
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        text = (": ".join([", ".join(where), self.message])) if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class StaleCorrectionError(YigaiError):
    """A correction whose `expect` no longer matches what the pipeline produces."""


class UsageError(YigaiError):
    """The command was used wrongly (a path that does not exist, a value it cannot take): exit status 2."""

    usage = True
