"""What the versions from v2 on say of who acted: the role and the organisation (a
`PublicActor`), never the person; and a lifecycle step no longer carries its free-text
note. The person and the note stay in the record of the service that recorded the step
(its history, for those who oversee the programme), not on topics that agencies keep
forever (docs/contracts.md: what of a note is public).

A new version that removes or replaces a field for privacy declares it (`x-removed`,
`x-replaced`), so the compatibility check knows it was meant: subscribers move to the new
version, and read the older messages on the topics by ignoring what the new one dropped.
"""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shared.events.base import PublicActor


class Public(BaseModel):
    model_config = ConfigDict(json_schema_extra={"x-replaced": ["actor"]})

    actor: PublicActor


class PublicStep(Public):
    model_config = ConfigDict(json_schema_extra={"x-replaced": ["actor"], "x-removed": ["note"]})

    note: ClassVar[None] = None
