"""The benchmark of issue 8: realistic volume generated in PostgreSQL, the real service over HTTP,
a plain-asyncpg floor and PostGraphile as the peer. `make bench` (or `python -m bench`)."""
