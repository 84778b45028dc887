"""Signing in: from a verified token to the actor of a request, above the domains whose
records name the users."""
