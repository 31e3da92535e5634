"""The public events' later versions: FundsCommitted v2 (the grant decision's date), and
v2 (v3) of every event, with the actor's role and organisation instead of the person.

A v2 that adds a field is a superset of its v1 (a v1 subscriber reads it); a version that
removes a field for privacy says so (`x-removed`) and its readers read the older
messages by ignoring what it removed.
"""

from shared.events.v2.committed import FundsCommittedV2
from shared.events.v2.funding import (
    ApplicationSubmittedV2,
    FundsCommittedV3,
    FundsDisbursedV2,
    FundsRecoveredV2,
    FundsRecoveredV3,
    FundsReleasedV2,
    GrantAmendedV1,
    GrantRefusedV2,
    PaymentRequestedV2,
    PriorityCheckRecordedV2,
    ProjectClosedV2,
    ProjectEndorsedV2,
    ProjectProposedV2,
    ProjectRejectedV2,
    ProjectWithdrawnV2,
    ProofOfUseAcceptedV2,
    ProofOfUseAcceptedV3,
)
from shared.events.v2.public import Public, PublicStep
from shared.events.v2.regions import (
    BudgetAdjustedV2,
    BudgetAllocatedV2,
    HandlungsfelderAmendedV1,
    MembersRecordedV2,
    ProgrammeOpenedV2,
    RegionalManagementEstablishedV2,
    RegionalManagementGrantedV1,
    RegionRecognisedV2,
    SteeringGroupConstitutedV2,
    ZukunftskonzeptAdoptedV2,
)

__all__ = [
    "ApplicationSubmittedV2",
    "BudgetAdjustedV2",
    "BudgetAllocatedV2",
    "FundsCommittedV2",
    "FundsCommittedV3",
    "FundsDisbursedV2",
    "FundsRecoveredV2",
    "FundsRecoveredV3",
    "FundsReleasedV2",
    "GrantAmendedV1",
    "GrantRefusedV2",
    "HandlungsfelderAmendedV1",
    "MembersRecordedV2",
    "PaymentRequestedV2",
    "PriorityCheckRecordedV2",
    "ProgrammeOpenedV2",
    "ProjectClosedV2",
    "ProjectEndorsedV2",
    "ProjectProposedV2",
    "ProjectRejectedV2",
    "ProjectWithdrawnV2",
    "ProofOfUseAcceptedV2",
    "ProofOfUseAcceptedV3",
    "Public",
    "PublicStep",
    "RegionRecognisedV2",
    "RegionalManagementEstablishedV2",
    "RegionalManagementGrantedV1",
    "SteeringGroupConstitutedV2",
    "ZukunftskonzeptAdoptedV2",
]
