"""Sign-in (bearer tokens) and sign-out. Sign-in is throttled per email and per address."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from instainstru_desktop.server.api.deps import ContextDep, Credentials, CurrentUser, bearer_token
from instainstru_desktop.server.api.schemas import TokenIn, TokenOut
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


@router.post("/logout", status_code=204, response_class=Response)
def sign_out(_user: CurrentUser, credentials: Credentials, context: ContextDep) -> Response:
    token = bearer_token(credentials)
    if token is not None:
        auth.sign_out(context.uow, token, context.clock(), context.tokens)
    return Response(status_code=204)
