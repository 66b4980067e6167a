"""Adapters and configuration: settings, Temporal client, Postgres, logging, embedded servers.

A library: it never imports workflows/, workers/ or web/.
"""
