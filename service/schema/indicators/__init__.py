"""Indicators for controlling in GraphQL: aggregates only, never per employee."""
