"""Assertions on GraphQL errors a portal reads (code and path)."""

from __future__ import annotations

from typing import Any


def errors_by_path(body: dict[str, Any]) -> dict[tuple, str]:
    """{path: extensions.code} of every error in a response."""
    return {
        tuple(error.get("path") or ()): error["extensions"]["code"]
        for error in body.get("errors", [])
    }


def forbidden_paths(body: dict[str, Any]) -> set[tuple]:
    return {path for path, code in errors_by_path(body).items() if code == "FORBIDDEN"}
