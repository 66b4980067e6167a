"""What starts, commands and reads durable processes from outside a worker.

The web app, the CLI and the activities that send commands to pathways use this package; it
names the workflows by string (`workflows.names`) and takes their inputs and results from
their plain models modules, never importing a workflow class, an activity or an adapter.
"""
