"""Money: payment requests, approvals, the ledger and budget lines (issue 6)."""
