"""Pathways: appending their events, and the steps of the bulk operations and policy roll-outs."""
