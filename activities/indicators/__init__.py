"""Indicators: the projector that follows the event store into `indicator_facts`."""
