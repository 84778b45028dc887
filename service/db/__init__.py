"""Database access: where the server is, the engine, one session per request, migrations."""
