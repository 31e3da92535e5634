"""Funding's ledger as the regions service reaches it, over HTTP: the typed funding client
(services/funding/client.py) at REGIONS_FUNDING_URL, with a service token minted for each
call (role service, a few minutes long), a short timeout and few retries, since the
ministry waits for the answer. Each call carries a key of its own cut, so a retry holds
or cancels once. Funding's refusal (409) becomes regions' CutRefused with funding's
message; anything else that keeps funding from answering, FundingUnavailable (503). A
service not told where funding is refuses every cut."""

import logging
from datetime import timedelta

from services.funding.application.budget_cuts import CutCancel, CutReserve
from services.funding.client import FundingClient
from services.regions.application.budget_cuts import (
    Cut,
    CutRefused,
    FundingLedger,
    FundingUnavailable,
)
from services.regions.settings import RegionsSettings
from shared import client
from shared.auth import Authenticator

log = logging.getLogger(__name__)

ATTEMPTS = 3
TIMEOUT_SECONDS = 5.0
TOKEN_LIFETIME = timedelta(minutes=5)


def funding_ledger(settings: RegionsSettings) -> FundingLedger:
    """Funding at REGIONS_FUNDING_URL; when that is not set, a ledger refusing every cut."""
    if settings.funding_url is None:
        return NoFunding()
    funding = FundingClient(settings.funding_url, "", timeout=TIMEOUT_SECONDS, attempts=ATTEMPTS)
    return FundingOverHttp(funding, Authenticator.of(settings), settings.service_name)


class FundingOverHttp:
    def __init__(self, funding: FundingClient, authenticator: Authenticator, subject: str) -> None:
        self.funding, self.authenticator, self.subject = funding, authenticator, subject

    def reserve(self, cut: Cut) -> None:
        body = CutReserve(amount_cents=cut.amount_cents, reason=cut.reason, based_on=cut.based_on)
        self._send(cut, body, f"cut-{cut.cut_id}")

    def cancel(self, cut: Cut) -> None:
        body = CutCancel(note="the regions service did not record the cut")
        self._send(cut, body, f"cut-{cut.cut_id}-cancellation")

    def close(self) -> None:
        self.funding.close()

    def _send(self, cut: Cut, body: CutReserve | CutCancel, key: str) -> None:
        token = self.authenticator.mint(role="service", subject=self.subject, ttl=TOKEN_LIFETIME)
        try:
            self.funding.as_(token).budget_cut(
                cut.region_id, cut.fund, cut.cut_id, body, idempotency_key=key
            )
        except client.Conflict as exc:
            raise CutRefused(exc.message) from None
        except client.ServiceError as exc:
            log.warning("budget cut %s: funding did not answer: %s", cut.cut_id, exc)
            answer = f"it answered {exc.status}" if exc.status else "it cannot be reached"
            raise FundingUnavailable(
                f"budget cut: the funding service must confirm that what is committed fits in "
                f"the new allocation, and {answer}; nothing was changed, try again shortly"
            ) from None


class NoFunding:
    """A regions service not told where funding is: it refuses every cut."""

    def reserve(self, cut: Cut) -> None:
        raise FundingUnavailable(
            "budget cut: the funding service must confirm that what is committed fits in the "
            "new allocation, and this regions service does not know where it is "
            "(REGIONS_FUNDING_URL); nothing was changed"
        )

    def cancel(self, cut: Cut) -> None:
        pass  # it held nothing

    def close(self) -> None:
        pass
