"""Value types the v1 contracts share."""

from typing import Annotated, Literal

from pydantic import Field

Fund = Literal["EFRE", "ESF+"]
ArL = Literal["ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems"]
Handlungsfeld = Literal["HF1", "HF2", "HF3", "HF4", "HF5", "HF6"]
RegionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="region slug")]
Kreisschluessel = Annotated[
    str, Field(pattern=r"^03\d{3}$", description="district key in Niedersachsen (03xxx)")
]
