"""The Temporal UI behind the web app's sign-in, under `/temporal/` (docs/privacy.md)."""
