"""OpenTelemetry traces: one tracer provider per process, exporters chosen by the settings.

A command is followed from the HTTP request (FastAPI instrumentation) through the Temporal
client's update, the workflow's update handler and its local activity (Temporal's
`TracingInterceptor`, which carries the context in Temporal headers) down to the SQL that
psycopg sends (psycopg instrumentation). Spans leave by OTLP/HTTP when
`PATHWAYS_OTLP_ENDPOINT` is set and to stderr when `PATHWAYS_TRACE_CONSOLE` is; with
neither, nothing is exported and the instrumentation costs next to nothing.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from infra.config import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from temporalio.client import Interceptor

SERVICE_NAME = "pathways"


def configure_tracing(settings: Settings, *extra: SpanProcessor) -> TracerProvider:
    """The process's tracer provider with the configured exporters (and `extra` processors).

    Safe to call again: OpenTelemetry accepts one global provider per process, so a second
    call adds its processors to the provider already in place.
    """
    processors: list[SpanProcessor] = list(extra)
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.otlp_endpoint.rstrip("/")
        if not endpoint.endswith("/v1/traces"):
            endpoint += "/v1/traces"
        processors.append(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    if settings.trace_console:
        processors.append(BatchSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))

    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider(
            resource=Resource.create({"service.name": settings.otlp_service_name})
        )
        trace.set_tracer_provider(provider)
    for processor in processors:
        provider.add_span_processor(processor)
    _instrument_psycopg()
    return provider


def _instrument_psycopg() -> None:
    """Spans for every statement of every psycopg connection opened from now on."""
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    instrumentor = PsycopgInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        # The statement text is safe to record: queries are parameterised, values stay out.
        instrumentor.instrument(enable_commenter=False, skip_dep_check=True)


def instrument_web_app(app: FastAPI) -> None:
    """A server span for every request, the parent of what the request causes."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,static/.*")


def tracing_interceptors() -> list[Interceptor]:
    """The client interceptors that a worker built on the client inherits as well."""
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def current_trace_ids() -> dict[str, str]:
    """`trace_id` and `span_id` of the current span, hex as collectors show them; or none."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}
