"""Named actions, as the policy spells them: `resource:verb`. Never write these as literals."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ_IDENTITY = "identity:read"
    READ_FIELD = "read"  # allow_field: one data category of one client's data
