"""Jobcenter staff: case managers, team leads, placement officers, DPOs, controlling."""
