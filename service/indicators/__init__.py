"""Indicators for controlling: aggregates per jobcenter or team, never per employee."""
