"""Paying out: the ledger's rows, SEPA credit transfer files, bank statements, the report."""
