"""Referrals to network partners (Einschaltung Dritter) and their progress reports."""
