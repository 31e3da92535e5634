"""Version 1 of the public integration events.

A published version never changes incompatibly: fields are only added as optional. A
removed, renamed or retyped field, or a new required one, needs a new version (v2).
"""

from shared.events.v1.chain import ChainAnchoredV1
from shared.events.v1.common import ArL, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.events.v1.funding import (
    ApplicantKind,
    ApplicationSubmittedV1,
    FundsCommittedV1,
    FundsDisbursedV1,
    FundsRecoveredV1,
    FundsReleasedV1,
    GrantRefusedV1,
    PaymentRequestedV1,
    PriorityCheckRecordedV1,
    ProjectClosedV1,
    ProjectEndorsedV1,
    ProjectProposedV1,
    ProjectRejectedV1,
    ProjectWithdrawnV1,
    ProofOfUseAcceptedV1,
)
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
    "ApplicantKind",
    "ApplicationSubmittedV1",
    "ArL",
    "BudgetAdjustedV1",
    "BudgetAllocatedV1",
    "ChainAnchoredV1",
    "DistrictMember",
    "Fund",
    "FundsCommittedV1",
    "FundsDisbursedV1",
    "FundsRecoveredV1",
    "FundsReleasedV1",
    "GrantRefusedV1",
    "Handlungsfeld",
    "Kreisschluessel",
    "MembersRecordedV1",
    "PaymentRequestedV1",
    "PriorityCheckRecordedV1",
    "ProgrammeOpenedV1",
    "ProjectClosedV1",
    "ProjectEndorsedV1",
    "ProjectProposedV1",
    "ProjectRejectedV1",
    "ProjectWithdrawnV1",
    "ProofOfUseAcceptedV1",
    "RegionId",
    "RegionRecognisedV1",
    "RegionalManagementEstablishedV1",
    "SteeringGroupConstitutedV1",
    "SteeringGroupSeat",
    "ZukunftskonzeptAdoptedV1",
]
