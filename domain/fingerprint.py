"""What a command id stands for: the fingerprint of the command its sender sent with it.

A command id is an idempotency key: the same id sent again is a retry, answered with the
first answer and applied once. An id sent again with another body (or by someone else) is
not a retry, and must not be answered as one; the fingerprint tells them apart.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from domain.commands import CommandEnvelope


def fingerprint(envelope: CommandEnvelope) -> str:
    """The sha256 (hex) of the command as sent: who sends it, what, and when if they said.

    Canonical JSON of the sender's actor id, the command's fields as parsed (defaults
    written out, so leaving a default out and spelling it agree) and `occurred_at` only
    when the sender gave it, as a UTC instant: a retry that leaves it out again matches,
    whenever it is sent.
    """
    document: dict[str, object] = {
        "actor": envelope.actor.id,
        "command": envelope.command.model_dump(mode="json"),
    }
    if envelope.occurred_at is not None:
        document["occurred_at"] = envelope.occurred_at.astimezone(UTC).isoformat()
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def fingerprinted(envelope: CommandEnvelope) -> CommandEnvelope:
    """`envelope` carrying its fingerprint, for the pathway to keep with its answer."""
    return envelope.model_copy(update={"fingerprint": fingerprint(envelope)})
