"""Documents' bytes: what stores them (`store`), sealed with the pathway's key in PostgreSQL."""
