"""Webhook delivery of alert transitions: retries, idempotency keys, a dead-letter file.

Format and delivery only, no decisions. Standard library only (``urllib.request``).

Request
    ``POST`` of the alert event as one JSON object, exactly the ``alerts.jsonl`` line of
    the interchange contract (:func:`skywarden.outputs.jsonl.alert_event_to_wire`), UTF-8,
    with ``Content-Type: application/json`` and ``Idempotency-Key: <alert_id>/<n>``.

Idempotency key
    ``n`` is the transition's sequence number within its alert, from 1 (``raised``). The
    sink numbers the transitions it is given, per alert, in order; the same transition
    (an equal :class:`~skywarden.core.types.AlertEvent`) always gets the same key,
    whether it is retried inside one :meth:`WebhookSink.send` or handed over again. A
    replay of the same alert stream numbers it the same way, so a receiver that drops
    keys it has seen shows no transition twice. The numbering is kept in memory; for
    :data:`MAX_FINISHED_ALERTS` cleared alerts after an alert's clearing, so that a late
    re-send of any of its transitions still gets its old key.

Retry policy
    At most ``max_attempts`` attempts per transition. Retried: connection errors,
    timeouts (``timeout_s`` per attempt), a broken response, HTTP 5xx and 429. Not
    retried: any other status outside 2xx (4xx: the request is wrong, and sending it again
    cannot help; 3xx: redirects are not followed, because urllib would turn a redirected
    POST into a GET without the body). Before attempt ``k + 1`` the sink sleeps a "full
    jitter" backoff, uniform in ``[0, min(max_backoff_s, backoff_s * 2**(k - 1))]``, so
    that many senders do not retry in step. A ``Retry-After`` header in seconds (on a 429
    or 5xx) is honoured as the least wait, capped at ``max_backoff_s``; the HTTP-date form
    is ignored (it would need the wall clock). The random generator and ``sleep`` are
    injected, for tests.

Never lost
    A transition that is not delivered (a status that is not retried, or every attempt
    failed) is counted in ``stats.failed`` and, when ``dead_letter`` is given, appended to
    that JSON Lines file, flushed: ``{"alert": <the body>, "idempotency_key", "attempts",
    "error"}``. Re-sending a dead letter's ``alert`` with its key is safe.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import numpy as np

from skywarden.core.enums import AlertState
from skywarden.core.types import AlertEvent
from skywarden.outputs.jsonl import alert_event_to_wire

__all__ = [
    "MAX_FINISHED_ALERTS",
    "USER_AGENT",
    "WebhookSink",
    "WebhookStats",
    "idempotency_key",
]

USER_AGENT: Final = "SkyWarden-webhook/1"
# Alerts last minutes and a busy night raises hundreds: ten thousand cleared alerts keep a
# late re-send's key right for days, in a few megabytes.
MAX_FINISHED_ALERTS: Final = 10_000
# Exponents above this would overflow nothing useful: 2**60 times any backoff is capped anyway.
_MAX_BACKOFF_EXPONENT: Final = 60

_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def idempotency_key(alert_id: str, seq: int) -> str:
    """Return the ``Idempotency-Key`` of transition ``seq`` (from 1) of an alert."""
    if seq < 1:
        raise ValueError(f"transition sequence numbers start at 1, got {seq}")
    return f"{alert_id}/{seq}"


@dataclass(slots=True)
class WebhookStats:
    """Counts of one sink's work. Updated in place by :meth:`WebhookSink.send`."""

    delivered: int = 0  # transitions the receiver answered with 2xx
    failed: int = 0  # transitions given up on (dead-lettered when a file is set)
    dead_lettered: int = 0  # lines appended to the dead-letter file
    attempts: int = 0  # HTTP requests made
    retried: int = 0  # requests after the first one of a transition


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What one attempt gave."""

    delivered: bool
    retryable: bool
    error: str
    retry_after_s: float | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would re-send a POST as a GET without its body."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _retry_after_s(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; ``None`` when absent or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    return float(text) if text.isdigit() else None


class WebhookSink:
    """Delivers alert transitions to one webhook URL, at least once, with stable keys.

    Parameters are in the module docstring's terms: ``timeout_s`` per attempt,
    ``max_attempts`` per transition, backoff ``backoff_s`` doubling up to
    ``max_backoff_s``, ``dead_letter`` the JSON Lines file for transitions not delivered,
    ``sleep`` the function that waits, ``rng`` the generator of the backoff jitter (a fresh
    unseeded one when ``None``). :meth:`send` blocks until the transition is delivered or
    given up on. Not thread-safe: one sink belongs to one thread.
    """

    __slots__ = (
        "_dead_letter",
        "_finished",
        "_opener",
        "_rng",
        "_seqs",
        "_sleep",
        "backoff_s",
        "max_attempts",
        "max_backoff_s",
        "stats",
        "timeout_s",
        "url",
    )

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 5.0,
        max_attempts: int = 5,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        dead_letter: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: np.random.Generator | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"webhook URL must be http(s)://host/..., got {url!r}")
        if not (math.isfinite(timeout_s) and timeout_s > 0.0):
            raise ValueError(f"timeout_s must be > 0, got {timeout_s!r}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts!r}")
        if not (math.isfinite(backoff_s) and backoff_s >= 0.0):
            raise ValueError(f"backoff_s must be >= 0, got {backoff_s!r}")
        if not (math.isfinite(max_backoff_s) and max_backoff_s >= backoff_s):
            raise ValueError(f"max_backoff_s must be >= backoff_s, got {max_backoff_s!r}")
        self.url = url
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.stats = WebhookStats()
        self._dead_letter = dead_letter
        self._sleep = sleep
        self._rng = np.random.default_rng() if rng is None else rng
        self._opener = urllib.request.build_opener(_NoRedirect)
        # alert id -> {transition: sequence number}; finished alerts, oldest first.
        self._seqs: dict[str, dict[AlertEvent, int]] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()

    def key_for(self, event: AlertEvent) -> str:
        """Return the idempotency key of ``event``, numbering it if it is new to its alert."""
        seqs = self._seqs.setdefault(event.alert_id, {})
        seq = seqs.get(event)
        if seq is None:
            seq = len(seqs) + 1
            seqs[event] = seq
        if event.state is AlertState.CLEARED and event.alert_id not in self._finished:
            self._finished[event.alert_id] = None
            while len(self._finished) > MAX_FINISHED_ALERTS:
                oldest, _ = self._finished.popitem(last=False)
                self._seqs.pop(oldest, None)
        return idempotency_key(event.alert_id, seq)

    def send(self, event: AlertEvent) -> bool:
        """Deliver one transition; return True if the receiver accepted it (2xx).

        Retries as the module docstring says; a transition not delivered is counted and
        dead-lettered, and False is returned. Raises ``ValueError`` (before any request)
        if the event holds a NaN or infinite number, which no JSON receiver could read.
        """
        wire = alert_event_to_wire(event)
        try:
            body = _ENCODER.encode(wire).encode("utf-8")
        except ValueError as exc:
            raise ValueError(f"webhook: non-finite number in {wire!r}") from exc
        key = self.key_for(event)
        outcome = _Outcome(delivered=False, retryable=False, error="no attempt")
        attempt = 0
        while attempt < self.max_attempts:
            attempt += 1
            if attempt > 1:
                self.stats.retried += 1
            self.stats.attempts += 1
            outcome = self._post(body, key)
            if outcome.delivered:
                self.stats.delivered += 1
                return True
            if not outcome.retryable or attempt == self.max_attempts:
                break
            self._sleep(self._delay_s(attempt, outcome.retry_after_s))
        self._give_up(wire, key, attempt, outcome.error)
        return False

    def _delay_s(self, attempt: int, retry_after_s: float | None) -> float:
        """Full-jitter backoff after failed attempt ``attempt``; Retry-After as a floor."""
        exponent = min(attempt - 1, _MAX_BACKOFF_EXPONENT)
        cap_s = min(self.max_backoff_s, self.backoff_s * 2.0**exponent)
        delay_s = float(self._rng.uniform(0.0, cap_s)) if cap_s > 0.0 else 0.0
        if retry_after_s is not None:
            delay_s = max(delay_s, retry_after_s)
        return min(delay_s, self.max_backoff_s)

    def _post(self, body: bytes, key: str) -> _Outcome:
        """Make one attempt and classify what happened."""
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status = int(response.status)
                # The status is in: a body cut short does not undo the delivery.
                with contextlib.suppress(OSError, http.client.HTTPException):
                    response.read()
        except urllib.error.HTTPError as exc:
            if exc.fp is not None:
                exc.close()  # the error response holds the connection open
            retry_after_s = _retry_after_s(exc.headers.get("Retry-After"))
            status = exc.code
            retryable = status == 429 or 500 <= status <= 599
            return _Outcome(False, retryable, f"HTTP {status}: {exc.reason}", retry_after_s)
        except (OSError, http.client.HTTPException) as exc:
            # URLError (refused, unreachable, DNS), timeouts, resets, malformed responses.
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            return _Outcome(False, True, f"{type(exc).__name__}: {reason}")
        if 200 <= status <= 299:
            return _Outcome(True, False, "")
        # Only reachable with a 1xx or an unhandled status that urllib did not raise for.
        return _Outcome(False, False, f"HTTP {status}")

    def _give_up(self, wire: dict[str, object], key: str, attempts: int, error: str) -> None:
        """Count a transition not delivered and append it to the dead-letter file."""
        self.stats.failed += 1
        if self._dead_letter is None:
            return
        line = _ENCODER.encode(
            {"alert": wire, "idempotency_key": key, "attempts": attempts, "error": error}
        )
        with open(self._dead_letter, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(line + "\n")
            fh.flush()
        self.stats.dead_lettered += 1
