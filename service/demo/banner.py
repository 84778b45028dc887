"""What `service serve` prints in development mode: where to go, how to get a token, who to be."""

from __future__ import annotations

from service.demo.seed import JOBCENTERS, PARTNERS
from service.settings import Settings


def development_banner(settings: Settings) -> str:
    base = f"http://{settings.host}:{settings.port}"
    lines = [
        "",
        "Development mode (SERVICE_DEV_MODE=true): demo data, development tokens, GraphiQL.",
        f"  GraphiQL:  {base}/graphql",
        "  A token:   SERVICE_DEV_MODE=true .venv/bin/service token fm.koenigstein",
        '  then in GraphiQL\'s headers pane: {"Authorization": "Bearer <token>"}',
        "  Demo users (all fictional):",
    ]
    for jobcenter in JOBCENTERS:
        for staff in jobcenter.staff:
            roles = ", ".join(str(role) for role in staff.roles)
            lines.append(f"    {staff.subject:<18} {roles:<24} {jobcenter.slug}")
        logins = ", ".join(client.login for client in jobcenter.clients)
        lines.append(f"    clients of {jobcenter.slug}: {logins}")
    for partner in PARTNERS:
        lines.append(f"    {partner.user.subject:<18} {'partner_counsellor':<24} {partner.slug}")
    return "\n".join([*lines, ""])
