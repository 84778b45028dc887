"""Who is asking: token verification, the actor of a request, its roles."""
