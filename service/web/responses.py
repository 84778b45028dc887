"""The JSON error bodies the HTTP layer answers with, shaped like GraphQL errors so a portal
handles one format."""

from __future__ import annotations

from starlette.responses import JSONResponse

from service.identity.tokens import TokenRejected

REALM = "casework"


def error_response(status: int, code: str, message: str, **extensions: str) -> JSONResponse:
    return JSONResponse(
        {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
        },
        status_code=status,
    )


def unauthenticated(rejection: TokenRejected) -> JSONResponse:
    response = error_response(401, "UNAUTHENTICATED", rejection.message, reason=rejection.reason)
    if rejection.reason == "missing_token":
        challenge = f'Bearer realm="{REALM}"'
    else:
        challenge = (
            f'Bearer realm="{REALM}", error="invalid_token", '
            f'error_description="{rejection.message}"'
        )
    response.headers["WWW-Authenticate"] = challenge
    return response


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise TokenRejected(
            "missing_token", "authentication required: send 'Authorization: Bearer <token>'"
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected(
            "missing_token", "authentication required: send 'Authorization: Bearer <token>'"
        )
    return token.strip()
