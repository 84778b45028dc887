"""The audit log: every field read and write of personal data, chained per tenant so tampering
shows. The client's Auskunft built from it is a report above the domains: service/access_report/."""
