"""The names Temporal knows the workflows by, with their updates and queries.

The workflows declare themselves under these names; their callers (`client/`) start, command
and read them by the same strings, so a caller never imports a workflow class (and with it
the class's activities and their adapters). Imports nothing.
"""

PATHWAY = "PathwayWorkflow"
PATHWAY_COMMAND = "command"
"""The update that carries a pathway's commands, with the command id as update id."""
PATHWAY_STATE = "state"
"""The query answering the state the running pathway workflow holds."""

BULK_OPERATION = "BulkOperationWorkflow"
STATEMENT_IMPORT = "StatementImportWorkflow"
GROUP_ACTIVITY = "GroupActivityWorkflow"
PROGRESS = "progress"
"""The query of a durable process (a bulk operation, a statement import, a group activity):
what it has done."""
