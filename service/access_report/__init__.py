"""The Auskunft (access report, Art. 15 GDPR / § 83 SGB X): who saw which of a client's data,
when, on which occasion. A report over every domain (clients, consents, referrals, cases, staff,
partners) read from the audit log, so it sits above the domains and below `schema/` and `web/`:
it imports no schema and no web module, and the audit imports nothing from it."""
