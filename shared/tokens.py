"""Mint a bearer token for development: `python -m shared.tokens --role ministry`.

The token goes to stdout alone, so `TOKEN=$(python -m shared.tokens ...)` works. It is
signed with ZR_JWT_SECRET (or the development key); in production an identity provider
issues tokens and this command refuses to run.
"""

import argparse
import sys
from datetime import timedelta
from typing import get_args

from pydantic import ValidationError

from shared.auth import TOKEN_ROLES, Authenticator
from shared.events.base import Role
from shared.settings import SigningSettings


class ToolSettings(SigningSettings):
    """The tool reads what the services read: ZR_ENVIRONMENT and ZR_JWT_SECRET."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.tokens", description=__doc__)
    parser.add_argument("--role", required=True, choices=TOKEN_ROLES)
    parser.add_argument("--subject", help="who the holder is (default: dev-<role>)")
    parser.add_argument("--region", help="the region, for regional_management and steering_group")
    parser.add_argument("--org", help="the organisation acted for (e.g. 'ArL Lüneburg')")
    parser.add_argument("--hours", type=float, default=8.0, help="lifetime (default 8)")
    args = parser.parse_args(argv)
    try:
        settings = ToolSettings()
    except ValidationError as exc:
        print(f"error: {_first_problem(exc)}", file=sys.stderr)
        return 2
    if settings.environment == "production":
        print("error: tokens are not minted here in production", file=sys.stderr)
        return 2
    if args.hours <= 0:
        print("error: --hours must be positive", file=sys.stderr)
        return 2
    role: Role = next(r for r in get_args(Role) if r == args.role)
    try:
        token = Authenticator.of(settings).mint(
            role=role,
            subject=args.subject or f"dev-{args.role}",
            region_id=args.region,
            organisation=args.org,
            ttl=timedelta(hours=args.hours),
        )
    except ValidationError as exc:
        print(f"error: {_first_problem(exc)}", file=sys.stderr)
        return 2
    print(token)
    return 0


def _first_problem(exc: ValidationError) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


if __name__ == "__main__":
    sys.exit(main())
