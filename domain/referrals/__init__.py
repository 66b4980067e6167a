"""Referral and transfer of a pathway between organisations, with consent (issue 23)."""
