"""v2 (v3 of FundsCommitted) of the funding service's events: v1 with the actor's role and
organisation instead of the person, and without the step's free-text note, which stays in
funding's own record of the project (shared/events/v2/public.py)."""

# The v2 classes replace v1's `actor` and `note`, which mypy reads as incompatible.
# mypy: disable-error-code="misc"

from uuid import UUID

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.events.v1 import funding as v1
from shared.events.v1.common import Fund, RegionId
from shared.events.v2.committed import FundsCommittedV2
from shared.events.v2.public import Public, PublicStep
from shared.money import EuroCents
from shared.text import Day


@contract
class ProjectProposedV2(PublicStep, v1.ProjectProposedV1):
    """A region's management proposed a project (Vorhaben)."""

    version = 2


@contract
class PriorityCheckRecordedV2(PublicStep, v1.PriorityCheckRecordedV1):
    """The priority check (Vorrangigkeitsprüfung): does another programme come first?"""

    version = 2


@contract
class ProjectEndorsedV2(PublicStep, v1.ProjectEndorsedV1):
    """The region's steering group endorsed the project (Förderwürdigkeit)."""

    version = 2


@contract
class ProjectRejectedV2(PublicStep, v1.ProjectRejectedV1):
    """The region's steering group rejected the project."""

    version = 2


@contract
class ApplicationSubmittedV2(PublicStep, v1.ApplicationSubmittedV1):
    """The application went to NBank."""

    version = 2


@contract
class FundsCommittedV3(PublicStep, FundsCommittedV2):
    """NBank approved a grant (Bewilligung); the amount is committed against the budget,
    with the date of the grant decision."""

    version = 3


@contract
class GrantAmendedV1(Public, PublicEvent):
    """NBank changed an approved project by a change notice (Änderungsbescheid): its end
    date, its cost, its grant, as they stand after the change. A higher grant follows as
    FundsCommitted (the difference), a lower one as FundsReleased (reason "reduction").
    The reason stays in funding's record of the project, as every step's note does."""

    name = "GrantAmended"
    version = 1

    project_id: UUID
    region_id: RegionId
    fund: Fund
    end_date: Day
    total_cost_cents: EuroCents
    eligible_cost_cents: EuroCents
    grant_cents: EuroCents = Field(description="the grant after the change")
    decided_on: Day = Field(description="date on the change notice")


@contract
class GrantRefusedV2(PublicStep, v1.GrantRefusedV1):
    """NBank refused the grant (the reason stays in funding's record of the project)."""

    version = 2


@contract
class PaymentRequestedV2(PublicStep, v1.PaymentRequestedV1):
    """A payment request (Mittelabruf): expenditure declared, and the grant share asked for."""

    version = 2


@contract
class FundsDisbursedV2(PublicStep, v1.FundsDisbursedV1):
    """NBank paid out money of the commitment."""

    version = 2


@contract
class ProofOfUseAcceptedV2(PublicStep, v1.ProofOfUseAcceptedV1):
    """NBank accepted the proof of use (Verwendungsnachweis)."""

    version = 2


@contract
class ProofOfUseAcceptedV3(ProofOfUseAcceptedV2):
    """NBank accepted the proof of use (Verwendungsnachweis) and reconciled the grant.

    v3 adds the reconciliation: the final grant (the eligible expenditure x the rate,
    capped by the commitment); what was paid beyond it, claimed back (Rückforderung) and
    open until FundsRecovered says it is repaid; and the final payment still due. What is
    left of the commitment follows as FundsReleased (reason "reduction": the grant is set
    below the commitment).
    """

    version = 3

    final_grant_cents: EuroCents = Field(description="the grant as reconciled")
    recovery_claim_cents: EuroCents = Field(
        description="paid beyond the final grant: claimed back, open until repaid"
    )
    final_payment_cents: EuroCents = Field(
        description="the final grant beyond the payments: due as the final payment"
    )


@contract
class FundsReleasedV2(PublicStep, v1.FundsReleasedV1):
    """Committed money that will not be spent goes back to the region's budget."""

    version = 2


@contract
class ProjectClosedV2(PublicStep, v1.ProjectClosedV1):
    """The project is closed."""

    version = 2


@contract
class ProjectWithdrawnV2(PublicStep, v1.ProjectWithdrawnV1):
    """The project was withdrawn."""

    version = 2


@contract
class FundsRecoveredV2(PublicStep, v1.FundsRecoveredV1):
    """Money paid out was claimed back (Rückforderung) and returns to the budget."""

    version = 2


@contract
class FundsRecoveredV3(FundsRecoveredV2):
    """Money paid out was paid back and returns to the budget; v3 adds what of the
    project's recovery claim (from its proof of use) is still open after it."""

    version = 3

    open_claim_cents: EuroCents = Field(description="of the recovery claim, still open")
