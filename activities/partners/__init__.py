"""Partners: the registry's rules (who may, validation, ids, audit) over its store."""
