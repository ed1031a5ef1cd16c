"""Sign-in (bearer tokens) and sign-out. Sign-in is throttled per email and per address."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from instainstru_desktop.server.api.deps import ContextDep, Credentials, CurrentUser, bearer_token
from instainstru_desktop.server.api.schemas import SignUpIn, TokenIn, TokenOut
from instainstru_desktop.server.services import auth
from instainstru_desktop.server.services.views import Json

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut)
def sign_in(body: TokenIn, request: Request, context: ContextDep) -> Json:
    address = request.client.host if request.client else "unknown"
    return auth.sign_in(
        context.uow,
        context.throttle,
        email=body.email,
        password=body.password,
        address=address,
        now=context.clock(),
        ttl=context.token_ttl,
    )


@router.post("/sign-up", response_model=TokenOut, status_code=201)
def sign_up(body: SignUpIn, request: Request, context: ContextDep) -> Json:
    """A new student account, signed in at once (limited per client address)."""
    address = request.client.host if request.client else "unknown"
    return auth.sign_up(
        context.uow,
        context.sign_ups,
        name=body.name,
        email=body.email,
        password=body.password,
        time_zone=body.time_zone,
        address=address,
        now=context.clock(),
        ttl=context.token_ttl,
    )


@router.post("/logout", status_code=204, response_class=Response)
def sign_out(_user: CurrentUser, credentials: Credentials, context: ContextDep) -> Response:
    token = bearer_token(credentials)
    if token is not None:
        auth.sign_out(context.uow, token, context.clock(), context.tokens)
    return Response(status_code=204)
