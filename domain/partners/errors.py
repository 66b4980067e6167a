"""Refusals of the partner registry, each with a stable code (the shape of domain errors)."""

from __future__ import annotations


class PartnerError(Exception):
    """A refused partner operation: `code`, a `detail` for people, the offending `field`."""

    def __init__(self, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.field = code, detail, field


PARTNER_NOT_FOUND = "partner_not_found"
INVALID_PARTNER = "invalid_partner"
INVALID_CONTACT = "invalid_contact"
PARTNER_FORBIDDEN = "partner_forbidden"
PARTNER_ORGANISATION_NOT_FOUND = "partner_organisation_not_found"
CONTACT_NOT_FOUND = "contact_not_found"
CONTACT_LINKED = "contact_linked"

PARTNER_ERROR_CODES: dict[str, str] = {
    PARTNER_NOT_FOUND: "No such partner",
    INVALID_PARTNER: "The partner's details are invalid",
    INVALID_CONTACT: "The contact's details are invalid",
    PARTNER_FORBIDDEN: "Your role does not manage partners",
    PARTNER_ORGANISATION_NOT_FOUND: "No such organisation among those you manage partners for",
    CONTACT_NOT_FOUND: "No such contact of this partner, or it was removed",
    CONTACT_LINKED: "The contact is still linked to a measure: unlink it first",
}
