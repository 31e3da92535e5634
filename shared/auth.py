"""Who is calling. Until the token-based access control lands (issue 3), every caller acts
as the development user of the ministry; endpoints already declare `CurrentActor`."""

from typing import Annotated

from fastapi import Depends

from shared.events.base import Actor


def current_actor() -> Actor:
    return Actor(role="ministry", subject="development")


CurrentActor = Annotated[Actor, Depends(current_actor)]
