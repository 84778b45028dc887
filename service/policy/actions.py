"""Named actions, as the policy spells them: `resource:verb`. Never write these as literals."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ_IDENTITY = "identity:read"
