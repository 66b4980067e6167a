"""Consent records: the privacy notice given, consents to share, withdrawals (issue 23)."""
