"""Accounts: the people who sign in, their organisations, passwords and API tokens."""
