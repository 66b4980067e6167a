"""The `pathways` command line: the stack, the worker, the web app, and commands to pathways.

Thin by design: options in, one call into `stack`, `endpoints`, `envelopes` or `views`,
text out; `invocation` runs each command. Exit codes: 0 done; 2 refused or invalid
(`error: <code>: <message>` on stderr), a malformed policy file included; 1 the
infrastructure could not be reached. Results go to stdout, logs to stderr.

Commands that start servers or send commands load the deadline policy first
(PATHWAYS_POLICY_FILE, else the shipped default) and refuse to start when it is malformed,
before anything is started or sent. `policy` (in `policy_commands`) checks and applies it.

The commands live in their own modules (`stack_commands`, `pathway_commands`,
`demo_command`, the other `*_commands`); this one assembles the app. Typer lists the
commands in the order they are added, then the groups in theirs.
"""

from __future__ import annotations

import typer

from workers import (
    account_commands,
    budget_commands,
    caseload_commands,
    demo_command,
    duplicate_commands,
    escalation_commands,
    group_activity_commands,
    import_commands,  # its caseload commands join `pathways caseload`
    partner_commands,
    pathway_commands,
    payment_commands,
    policy_commands,
    privacy_commands,
    report_commands,
    stack_commands,
    subject_export,
)

app = typer.Typer(
    name="pathways",
    help="Durable integration pathways: run the stack, send commands, read pathways.",
    no_args_is_help=True,
    add_completion=False,
    # Tracebacks with local variables could print a beneficiary's personal data.
    pretty_exceptions_enable=False,
)
app.add_typer(policy_commands.app)
app.add_typer(account_commands.user_app)
app.add_typer(account_commands.organisation_app)
app.add_typer(partner_commands.app)
app.add_typer(budget_commands.app)
app.add_typer(payment_commands.app)
app.add_typer(caseload_commands.app)
app.add_typer(duplicate_commands.app)
app.add_typer(import_commands.attendance_app)
app.add_typer(group_activity_commands.app)
app.command()(escalation_commands.overdue)
app.command()(escalation_commands.inbox)
app.add_typer(report_commands.projections_app)
app.command()(report_commands.report)
app.command()(privacy_commands.erase)
app.command("export-subject")(subject_export.export_subject)
app.command()(stack_commands.up)
app.command()(stack_commands.worker)
app.command()(stack_commands.web)
app.command()(stack_commands.migrate)
app.command("open")(pathway_commands.open_pathway)
app.command()(pathway_commands.command)
app.command()(pathway_commands.show)
app.command()(pathway_commands.history)
app.command()(demo_command.demo)
app.add_typer(privacy_commands.hold_app)
app.add_typer(privacy_commands.keys_app)
