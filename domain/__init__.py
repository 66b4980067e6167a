"""The pathway decider: pure rules of an individual integration pathway.

Standard library and pydantic only. No clock, no ids, no I/O: time, ids and the actor
arrive on the command envelope.
"""
