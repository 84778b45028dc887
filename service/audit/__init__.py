"""The audit log: every field read and write of personal data, chained per tenant so tampering
shows, and the client's Auskunft built from it."""
