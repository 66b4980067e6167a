"""Payments: the steps of a statement import and the bank outcomes it tells the pathways."""
