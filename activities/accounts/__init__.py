"""Accounts: the rules of creating, signing in, passwords, tokens and deactivation, and the
partner invitations (`partner_invitations`)."""
