"""Employment-oriented case management (bFM): cases from intake to closure."""
