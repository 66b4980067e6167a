"""Notifications: the sender that e-mails the outbox, and the messages it sends."""
