"""Traces, metrics and structured logs — without personal data (STYLE.md, habit 11).

Names live in `names.py`; `setup.py` configures the OpenTelemetry SDK from the standard `OTEL_*`
variables at start; until then (and in tests that do not ask for it) every instrument is a no-op.
"""
