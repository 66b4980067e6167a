"""Events of partner links, in the past tense."""

from __future__ import annotations

from typing import Literal

from domain.partners.links import LinkedContact
from domain.values import Frozen, Identifier


class PartnerContactLinked(Frozen):
    type: Literal["PartnerContactLinked"] = "PartnerContactLinked"
    measure_id: Identifier
    contact: LinkedContact


class PartnerContactUnlinked(Frozen):
    type: Literal["PartnerContactUnlinked"] = "PartnerContactUnlinked"
    measure_id: Identifier
    contact_id: Identifier


PartnerLinkEvent = PartnerContactLinked | PartnerContactUnlinked
