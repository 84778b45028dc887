"""The case manager's diary: notes, appointments and follow-ups on a case."""
