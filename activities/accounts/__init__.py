"""Accounts: the rules of creating, signing in, passwords, tokens and deactivation."""
"""Application services of accounts (issue 22 moves the account service here too)."""
