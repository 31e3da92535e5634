"""Who is calling, and may they? Bearer tokens (signed JWT, HS256) carry a role and, for the
regional roles, the one region the holder acts for.

Every endpoint declares what it needs with `allow(...)`. No token, or a token that is
forged or expired, is a 401; a role that may not do this, or a regional token used on
another region, is a 403. The signing key comes from the settings (ZR_JWT_SECRET); only
development and tests fall back to a well-known key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, get_args

import jwt
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.errors import Forbidden, Unauthorized
from shared.events.base import Actor, Role
from shared.gate import Gate
from shared.settings import ServiceSettings, SigningSettings
from shared.text import Line

ALGORITHM = "HS256"
# Roles a token can carry ("system" is for what the services do on their own).
TOKEN_ROLES: tuple[Role, ...] = tuple(r for r in get_args(Role) if r != "system")
REGIONAL_ROLES: frozenset[Role] = frozenset({"regional_management", "steering_group"})
# Who may read what.
EVERYONE: tuple[Role, ...] = TOKEN_ROLES
NON_PUBLIC_READERS: tuple[Role, ...] = tuple(r for r in TOKEN_ROLES if r != "agency")


class TokenClaims(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sub: str = Field(min_length=1, max_length=200)
    role: Role
    region: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    org: Line | None = Field(None, min_length=1, max_length=200, description="organisation")

    @model_validator(mode="after")
    def _region_where_it_applies(self) -> "TokenClaims":
        if self.role == "system":
            raise ValueError("no token can carry the role 'system'")
        if self.role in REGIONAL_ROLES and self.region is None:
            raise ValueError(f"a {self.role} token must name its region")
        if self.role not in REGIONAL_ROLES and self.region is not None:
            raise ValueError(f"a {self.role} token does not belong to a region")
        return self


@dataclass(frozen=True)
class Authenticator:
    key: str
    audience: str

    @classmethod
    def of(cls, settings: SigningSettings) -> "Authenticator":
        return cls(settings.signing_key, settings.jwt_audience)

    def mint(
        self,
        *,
        role: Role,
        subject: str,
        region_id: str | None = None,
        organisation: str | None = None,
        ttl: timedelta = timedelta(hours=8),
        now: datetime | None = None,
    ) -> str:
        claims = TokenClaims(sub=subject, role=role, region=region_id, org=organisation)
        issued = now or datetime.now(UTC)
        payload: dict[str, Any] = {
            **claims.model_dump(exclude_none=True),
            "aud": self.audience,
            "iat": issued,
            "exp": issued + ttl,
        }
        return jwt.encode(payload, self.key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Actor:
        try:
            payload = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                options={"require": ["exp", "iat", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the bearer token has expired") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"the bearer token is not valid: {exc}") from None
        try:
            claims = TokenClaims.model_validate(payload)
        except ValidationError as exc:
            problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            raise Unauthorized(f"the bearer token's claims are not valid: {problems}") from None
        return Actor(
            role=claims.role, subject=claims.sub, region_id=claims.region, organisation=claims.org
        )


def install_auth(app: FastAPI, settings: ServiceSettings) -> None:
    """Tokens checked with the service's key; the caller known before the body is read."""
    authenticator = Authenticator.of(settings)
    app.state.authenticator = authenticator
    app.add_middleware(Gate, verify=authenticator.verify, max_body_bytes=settings.max_body_bytes)


bearer = HTTPBearer(
    auto_error=False,
    description="A signed token with a role (and a region for the regional roles); "
    "`python -m shared.tokens` mints one for development.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def allow(*roles: Role, own_region: bool = True) -> Callable[..., Actor]:
    """Dependency: the caller, if their role is one of `roles`. With `own_region`, a regional
    role only for the region named by the path's `region_id` (public reads turn it off)."""
    allowed = frozenset(roles)

    def caller(request: Request, credentials: Credentials) -> Actor:
        if credentials is None:
            raise Unauthorized("this endpoint needs a bearer token (Authorization: Bearer ...)")
        authenticator: Authenticator = request.app.state.authenticator
        actor = authenticator.verify(credentials.credentials)
        if actor.role not in allowed:
            raise Forbidden(
                f"the role {actor.role!r} may not do this; allowed: {', '.join(sorted(allowed))}"
            )
        region_id = request.path_params.get("region_id")
        if own_region and region_id is not None:
            check_own_region(actor, region_id)
        return actor

    caller.allowed_roles = allowed  # type: ignore[attr-defined]
    caller.own_region = own_region  # type: ignore[attr-defined]
    return caller


def check_own_region(actor: Actor, region_id: str) -> None:
    """A regional management or steering group acts for its own region only."""
    if actor.role in REGIONAL_ROLES and actor.region_id != region_id:
        raise Forbidden(
            f"a {actor.role} token for region {actor.region_id!r} "
            f"cannot act on region {region_id!r}"
        )
