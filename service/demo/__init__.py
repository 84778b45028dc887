"""Demo data and development tokens for it."""
