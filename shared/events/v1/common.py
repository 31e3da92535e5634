"""Value types the v1 contracts share."""

from typing import Annotated

from pydantic import Field

from shared.programme import KREISSCHLUESSEL_PATTERN, ArL, Fund, Handlungsfeld

__all__ = ["ArL", "Fund", "Handlungsfeld", "Kreisschluessel", "RegionId"]

RegionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="region slug")]
Kreisschluessel = Annotated[
    str, Field(pattern=KREISSCHLUESSEL_PATTERN, description="district key in Niedersachsen (03xxx)")
]
