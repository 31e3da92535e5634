"""What the regions routers need from a request: the application, the caller, the
correlation id; and who may do what."""

from typing import Annotated

from fastapi import Depends, Request

from services.regions.application.regions import RegionsApplication
from shared.auth import EVERYONE, NON_PUBLIC_READERS, allow
from shared.events.base import Actor
from shared.http import correlation_id


def regions_app(request: Request) -> RegionsApplication:
    return request.app.state.service.app  # type: ignore[no-any-return]


App = Annotated[RegionsApplication, Depends(regions_app)]
CorrelationId = Annotated[str, Depends(correlation_id)]

# The ministry (MB) keeps the programme and its regions.
Ministry = Annotated[Actor, Depends(allow("ministry"))]
# NBank decides grants, the regional management's too.
NBank = Annotated[Actor, Depends(allow("nbank"))]
# The programme's regions are public: every role reads them, any region.
PublicReader = Annotated[Actor, Depends(allow(*EVERYONE, own_region=False))]
# Who did what is not public: agencies do not see it; regional roles see their own region.
HistoryReader = Annotated[Actor, Depends(allow(*NON_PUBLIC_READERS))]
