"""Tenants (jobcenters) and the binding of each request's transaction to one of them."""
