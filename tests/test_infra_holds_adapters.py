"""infra/ holds adapters only: every module of it is listed here with what kind of thing it is.

Issue 22: application logic (a loop, a step, the rules of an operation over the adapters'
protocols) lives in `activities/<capability>/`, not beside the adapters. A module added to
infra/ fails this test until it is listed as an adapter, settings, crypto, or a model or
protocol the layers share; one that is application logic goes to `activities/` instead
(docs/architecture.md, "Where application services live"). None is waiting for its move
any more, and none may: `NOT_MOVED_YET` stays empty.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ADAPTERS = {
    # What holds a connection, runs a server, or reads and writes files and processes.
    "infra.db",
    "infra.migrate",
    "infra.embedded",
    "infra.postgres_server",
    "infra.temporal",
    "infra.temporal_server",
    "infra.server_process",
    "infra.search_attributes",
    "infra.metrics",
    "infra.metrics_server",
    "infra.telemetry",
    "infra.logging",
    "infra.log_redaction",
    "infra.faults",
    "infra.spreadsheets",
    "infra.spreadsheet_reading",
    "infra.toml_files",
    "infra.toml_lines",
    "infra.policy_file",
    "infra.budgets.file",
    "infra.payments.files",
    "infra.eventstore.postgres",
    "infra.eventstore.postgres_as_of",
    "infra.eventstore.postgres_budget",
    "infra.eventstore.postgres_caseload",
    "infra.eventstore.postgres_caseload_writer",
    "infra.eventstore.postgres_ledger",
    "infra.eventstore.postgres_notification_writer",
    "infra.eventstore.postgres_notifications",
    "infra.eventstore.postgres_partner_links",
    "infra.eventstore.postgres_referral_inbox",
    "infra.eventstore.postgres_search_index",
    "infra.eventstore.postgres_duplicates",
    "infra.eventstore.postgres_statements",
    "infra.eventstore.postgres_writers",
    "infra.eventstore.memory",
    "infra.eventstore.memory_caseload",
    "infra.eventstore.memory_ledger",
    "infra.eventstore.memory_notifications",
    "infra.accounts.postgres",
    "infra.accounts.postgres_invitations",
    "infra.accounts.postgres_sessions",
    "infra.accounts.postgres_throttle",
    "infra.access_log.postgres",
    "infra.indicators.postgres_projection",
    "infra.indicators.postgres_projection_batch",
    "infra.indicators.postgres_projection_tables",
    "infra.indicators.postgres_queries",
    "infra.indicators.postgres_fact_rows",
    "infra.indicators.kept_points",
    "infra.payments.postgres",
    "infra.partners.postgres",
    "infra.documents.postgres",
    "infra.partners.postgres_contacts",
    "infra.partners.contacts",
    "infra.mail.smtp",
    "infra.mail.sink",
    "infra.mail.directory",
    "infra.mail.partner_directory",
}
SETTINGS = {"infra.config", "infra.mail.settings", "infra.indicators.targets"}
CRYPTO = {
    "infra.crypto.codec",
    "infra.crypto.data_keys",
    "infra.crypto.erasure",
    "infra.crypto.erasure_desk",
    "infra.crypto.keyring",
    "infra.crypto.master",
    "infra.crypto.personal_fields",
    "infra.crypto.sealing",
    "infra.crypto.search_tokens",
    "infra.accounts.credentials",
}
MODELS_AND_PROTOCOLS = {
    "infra.eventstore.as_of",  # its `FullFoldAsOf` is the in-memory store's adapter
    "infra.eventstore.base",
    "infra.eventstore.notifications",
    "infra.eventstore.partner_links",
    "infra.eventstore.referral_inbox",
    "infra.eventstore.search_index",
    "infra.eventstore.duplicates",
    "infra.eventstore.queries",
    "infra.eventstore.subject_access",
    "infra.access_log.base",
    "infra.access_log.model",
    "infra.accounts.invitations",
    "infra.accounts.model",
    "infra.accounts.store",
    "infra.accounts.operations",
    "infra.accounts.sessions",
    "infra.accounts.throttle",
    "infra.partners.base",
    "infra.partners.store",
    "infra.documents.store",
    "infra.budgets.book",
    "infra.budgets.model",
    "infra.indicators.queries",
    "infra.payments.book",
    "infra.payments.ledger_columns",
    "infra.payments.model",
    "infra.payments.overview",
}
NOT_MOVED_YET: frozenset[str] = frozenset()
"""Application logic still in infra/ waiting for its move: none, since issue 22 moved the last
(the accounts service, the payments' rules, the indicators' intervals and table, the partner
registry's rules). It stays empty: `test_no_service_waits_in_infra`."""
LISTED = ADAPTERS | SETTINGS | CRYPTO | MODELS_AND_PROTOCOLS | NOT_MOVED_YET


def infra_modules() -> set[str]:
    """Every module of infra/, by its dotted name, packages' `__init__` left out."""
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "infra").rglob("*.py")
        if path.name != "__init__.py"
    }


def test_every_module_of_infra_is_an_adapter_settings_crypto_or_a_model() -> None:
    unlisted = sorted(infra_modules() - LISTED)
    assert unlisted == [], (
        "list these in tests/test_infra_holds_adapters.py as an adapter, settings, crypto or"
        " a model or protocol; application logic goes to activities/<capability>/: "
        + ", ".join(unlisted)
    )


def test_no_service_waits_in_infra() -> None:
    assert sorted(NOT_MOVED_YET) == [], (
        "application logic goes to activities/<capability>/ (or, pure, to domain/), not back"
        " into infra/ to wait for a move"
    )


def test_the_lists_name_only_modules_that_exist() -> None:
    assert sorted(LISTED - infra_modules()) == []


def test_the_moved_services_live_in_activities() -> None:
    moved = {
        "activities/indicators/projector.py": "infra/indicators/projector.py",
        "activities/notifications/sender.py": "infra/mail/sender.py",
        "activities/notifications/messages.py": "infra/mail/messages.py",
        "activities/accounts/service.py": "infra/accounts/service.py",
        "domain/indicators/intervals.py": "infra/indicators/intervals.py",
        "domain/indicators/table.py": "infra/indicators/export.py",
        "activities/payments/checks.py": "infra/payments/checks.py",
        "activities/payments/sepa.py": "infra/payments/sepa.py",
        "domain/payments/statements.py": "infra/payments/statements.py",
        "web/reports/expenditure_report.py": "infra/payments/report.py",
    }
    for now, before in moved.items():
        assert (ROOT / now).is_file(), now
        assert not (ROOT / before).exists(), before
