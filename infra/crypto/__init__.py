"""Encryption of personal data: keys per pathway, the Temporal payload codec, sealed fields.

See docs/privacy.md.
"""
