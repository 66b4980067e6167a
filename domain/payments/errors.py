"""The refusal of a payment operation: a stable code, a detail, the field at fault."""

from __future__ import annotations


class PaymentError(Exception):
    """A payment operation refused as a whole, with a stable code; nothing was changed."""

    def __init__(self, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.field = code, detail, field
