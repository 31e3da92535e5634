"""Fixtures the unit tests share."""

import pytest

from services.funding.application.funding import FundingApplication
from tests.unit.funding_world import funded_world


@pytest.fixture
def funding() -> FundingApplication:
    """Funding in memory, having learnt HeiDefinition from the regions' real events."""
    return funded_world()[1]
