"""Use cases of the funding service (projects and budget ledgers arrive with issue 4)."""

from shared.es import ZrApplication


class FundingApplication(ZrApplication):
    name = "funding"
