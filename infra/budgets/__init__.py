"""The project's budget lines: configured from a TOML file, spent by the ledger (issue 6)."""
