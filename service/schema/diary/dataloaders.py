"""Per-request loaders of a case's appointments and follow-ups (its notes are paged instead,
service/diary/service.py), in the shape of every loader (service/schema/dataloaders.py)."""

from __future__ import annotations

from service.diary.models import Appointment, FollowUp
from service.schema.dataloaders import RowsByParentLoader


class AppointmentsByCaseLoader(RowsByParentLoader):
    model, parent, order = Appointment, "case_id", (Appointment.starts_at,)


class FollowUpsByCaseLoader(RowsByParentLoader):
    model, parent, order = FollowUp, "case_id", (FollowUp.due_on,)
