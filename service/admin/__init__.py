"""Administration (Stammdatenpflege): clients, staff, teams and the network, kept by the
jobcenter's `jobcenter_admin` under policies.polar ("Administration"); deactivated, never
deleted."""
