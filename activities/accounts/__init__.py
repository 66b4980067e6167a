"""Accounts: the rules of creating, signing in, passwords, tokens and deactivation."""
