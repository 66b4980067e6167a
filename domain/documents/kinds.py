"""What a document is (its kind) and what its bytes are (its media type, checked by content)."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    """What an attached document is for; the pages show the Italian label (`web.pages.labels`)."""

    SIGNED_PLAN = "signed_plan"
    """The individual plan (PAI) signed by the beneficiary."""
    ATTENDANCE_SHEET = "attendance_sheet"
    RENT_CONTRACT = "rent_contract"
    HOSTING_RECEIPT = "hosting_receipt"
    """The receipt of the hosting communication (comunicazione di ospitalità)."""
    INVOICE = "invoice"
    RECEIPT = "receipt"
    CERTIFICATE = "certificate"
    OTHER = "other"


class MediaType(StrEnum):
    """The types a document may have, as its content says (never its name)."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"


EXTENSIONS: dict[MediaType, str] = {
    MediaType.PDF: "pdf",
    MediaType.PNG: "png",
    MediaType.JPEG: "jpg",
    MediaType.WEBP: "webp",
}
"""The file extension a download is given, from the checked type."""
