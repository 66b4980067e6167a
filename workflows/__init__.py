"""Durable shells around the domain: one `PathwayWorkflow` per beneficiary."""
