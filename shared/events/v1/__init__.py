"""Version 1 of the public integration events.

A published version never changes incompatibly: fields are only added as optional. A
removed, renamed or retyped field, or a new required one, needs a new version (v2).
"""

from shared.events.v1.common import ArL, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.events.v1.funding import FundsCommittedV1, ProjectProposedV1
from shared.events.v1.regions import (
    BudgetAdjustedV1,
    BudgetAllocatedV1,
    DistrictMember,
    MembersRecordedV1,
    ProgrammeOpenedV1,
    RegionalManagementEstablishedV1,
    RegionRecognisedV1,
    SteeringGroupConstitutedV1,
    SteeringGroupSeat,
    ZukunftskonzeptAdoptedV1,
)

__all__ = [
    "ArL",
    "BudgetAdjustedV1",
    "BudgetAllocatedV1",
    "DistrictMember",
    "Fund",
    "FundsCommittedV1",
    "Handlungsfeld",
    "Kreisschluessel",
    "MembersRecordedV1",
    "ProgrammeOpenedV1",
    "ProjectProposedV1",
    "RegionId",
    "RegionRecognisedV1",
    "RegionalManagementEstablishedV1",
    "SteeringGroupConstitutedV1",
    "SteeringGroupSeat",
    "ZukunftskonzeptAdoptedV1",
]
