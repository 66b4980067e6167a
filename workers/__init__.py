"""Entry points and composition roots: the worker, the `pathways` command, the embedded stack."""
