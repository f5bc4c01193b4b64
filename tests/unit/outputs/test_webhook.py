"""Webhook sink against a real HTTP server on the loopback interface; sleeps are faked."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from skywarden.core.enums import AlertKind, AlertLevel, AlertState
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import AlertEvent
from skywarden.outputs.jsonl import alert_event_to_wire
from skywarden.outputs.webhook import WebhookSink, idempotency_key

T0 = parse_rfc3339("2025-07-28T01:47:40.500Z")

RAISED = AlertEvent(
    t_s=T0,
    alert_id="A-000001",
    state=AlertState.RAISED,
    level=AlertLevel.YELLOW,
    kind=AlertKind.BORDER_CROSSING,
    track_ids=("T-000001",),
    zone_ids=("LT-13",),
    site_ids=(),
    reason="rule yellow-border: unknown object crossed from BLR",
    eta_s=300.0,
)
ESCALATED = replace(RAISED, t_s=T0 + 30.0, state=AlertState.ESCALATED, level=AlertLevel.RED)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Script:
    """What the server answers, in order; the last answer repeats."""

    answers: list[tuple[int, dict[str, str]]] = field(default_factory=lambda: [(200, {})])
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self, request: Received) -> tuple[int, dict[str, str]]:
        with self.lock:
            self.received.append(request)
            index = min(len(self.received), len(self.answers)) - 1
            return self.answers[index]


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            request = Received(self.path, dict(self.headers.items()), body)
            status, headers = script.next_answer(request)
            payload = b'{"ok":true}' if 200 <= status < 300 else b'{"error":"scripted"}'
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    return Handler


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment must not intercept requests to the loopback server.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def url(script: Script) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/hooks/alerts"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _sink(url: str, sleep: FakeSleep, **kwargs: object) -> WebhookSink:
    return WebhookSink(url, sleep=sleep, rng=np.random.default_rng(7), **kwargs)  # type: ignore[arg-type]


def _unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_delivers_the_contract_line(url: str, script: Script) -> None:
    sleep = FakeSleep()
    sink = _sink(url, sleep)
    assert sink.send(RAISED) is True
    assert len(script.received) == 1
    request = script.received[0]
    assert request.path == "/hooks/alerts"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == "A-000001/1"
    assert json.loads(request.body) == alert_event_to_wire(RAISED)
    assert sleep.calls == []
    assert (sink.stats.delivered, sink.stats.failed, sink.stats.retried) == (1, 0, 0)


def test_webhook_retries_503_with_the_same_key(url: str, script: Script, tmp_path: Path) -> None:
    script.answers = [(503, {}), (503, {}), (200, {})]
    sleep = FakeSleep()
    dead = tmp_path / "dead.jsonl"
    sink = _sink(url, sleep, dead_letter=dead)
    assert sink.send(RAISED) is True
    assert len(script.received) == 3
    keys = {r.headers["Idempotency-Key"] for r in script.received}
    assert keys == {"A-000001/1"}
    assert len({r.body for r in script.received}) == 1
    # Full jitter: each wait within [0, backoff * 2**(k-1)].
    assert len(sleep.calls) == 2
    assert 0.0 <= sleep.calls[0] <= 0.5
    assert 0.0 <= sleep.calls[1] <= 1.0
    assert (sink.stats.delivered, sink.stats.retried, sink.stats.attempts) == (1, 2, 3)
    assert sink.stats.failed == 0
    assert not dead.exists()


def test_webhook_400_is_not_retried_and_is_dead_lettered(
    url: str, script: Script, tmp_path: Path
) -> None:
    script.answers = [(400, {})]
    sleep = FakeSleep()
    dead = tmp_path / "dead.jsonl"
    sink = _sink(url, sleep, dead_letter=dead)
    assert sink.send(RAISED) is False
    assert len(script.received) == 1
    assert sleep.calls == []
    lines = dead.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    letter = json.loads(lines[0])
    assert letter["alert"] == alert_event_to_wire(RAISED)
    assert letter["idempotency_key"] == "A-000001/1"
    assert letter["attempts"] == 1
    assert "400" in letter["error"]
    assert (sink.stats.failed, sink.stats.dead_lettered, sink.stats.retried) == (1, 1, 0)


def test_webhook_unreachable_is_dead_lettered_after_max_attempts(tmp_path: Path) -> None:
    sleep = FakeSleep()
    dead = tmp_path / "dead.jsonl"
    url = f"http://127.0.0.1:{_unused_port()}/hook"
    sink = _sink(url, sleep, dead_letter=dead, max_attempts=4, backoff_s=0.5, max_backoff_s=1.5)
    assert sink.send(RAISED) is False
    assert len(sleep.calls) == 3  # between four attempts
    for k, waited_s in enumerate(sleep.calls, start=1):
        assert 0.0 <= waited_s <= min(1.5, 0.5 * 2 ** (k - 1))
    letter = json.loads(dead.read_text(encoding="utf-8"))
    assert letter["attempts"] == 4
    assert letter["error"]
    assert (sink.stats.attempts, sink.stats.retried, sink.stats.failed) == (4, 3, 1)
    # A second transition is not lost either: the file grows by one line.
    assert sink.send(ESCALATED) is False
    assert len(dead.read_text(encoding="utf-8").splitlines()) == 2


def test_webhook_without_dead_letter_still_counts_failures(url: str, script: Script) -> None:
    script.answers = [(404, {})]
    sink = _sink(url, FakeSleep())
    assert sink.send(RAISED) is False
    assert (sink.stats.failed, sink.stats.dead_lettered) == (1, 0)


def test_webhook_honours_retry_after_capped(url: str, script: Script) -> None:
    script.answers = [(429, {"Retry-After": "2"}), (503, {"Retry-After": "3600"}), (200, {})]
    sleep = FakeSleep()
    sink = _sink(url, sleep, backoff_s=0.1, max_backoff_s=30.0)
    assert sink.send(RAISED) is True
    assert sleep.calls == [2.0, 30.0]


def test_webhook_ignores_a_retry_after_date(url: str, script: Script) -> None:
    script.answers = [(503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), (200, {})]
    sleep = FakeSleep()
    sink = _sink(url, sleep, backoff_s=0.1)
    assert sink.send(RAISED) is True
    assert len(sleep.calls) == 1 and 0.0 <= sleep.calls[0] <= 0.1


def test_webhook_transitions_of_one_alert_get_different_stable_keys(
    url: str, script: Script
) -> None:
    sink = _sink(url, FakeSleep())
    other = replace(RAISED, alert_id="A-000002")
    cleared = replace(ESCALATED, t_s=T0 + 90.0, state=AlertState.CLEARED, level=AlertLevel.WHITE)
    for event in (RAISED, other, ESCALATED, cleared, ESCALATED):
        assert sink.send(event) is True
    keys = [r.headers["Idempotency-Key"] for r in script.received]
    assert keys == ["A-000001/1", "A-000002/1", "A-000001/2", "A-000001/3", "A-000001/2"]
    assert sink.key_for(RAISED) == "A-000001/1"
    # A fresh sink fed the same stream (a replay) gives the same keys.
    replay = _sink(url, FakeSleep())
    assert [replay.key_for(e) for e in (RAISED, other, ESCALATED, cleared)] == keys[:4]


def test_webhook_redirect_is_not_followed(url: str, script: Script) -> None:
    script.answers = [(307, {"Location": "/elsewhere"})]
    sink = _sink(url, FakeSleep())
    assert sink.send(RAISED) is False
    assert [r.path for r in script.received] == ["/hooks/alerts"]


def test_webhook_rejects_bad_configuration_and_non_finite_events(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookSink("ftp://example.org/hook")
    with pytest.raises(ValueError, match="max_attempts"):
        WebhookSink(url, max_attempts=0)
    with pytest.raises(ValueError, match="max_backoff_s"):
        WebhookSink(url, backoff_s=5.0, max_backoff_s=1.0)
    sink = _sink(url, FakeSleep())
    with pytest.raises(ValueError, match="non-finite"):
        sink.send(replace(RAISED, eta_s=float("nan")))
    assert sink.stats.attempts == 0
    with pytest.raises(ValueError):
        idempotency_key("A-000001", 0)
