"""Polling a remote Open311 endpoint from inside the program: off by default, switched on and
off by the center setting on any workstation, importing new requests once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center.models import Incident
from command_center.services import settings
from command_center.services.audit import Actor
from command_center.workers import open311_poll
from command_center.workers.open311_poll import Open311Poller

CN_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "open311" / "cn_requests.json"
REMOTE = "http://12345.intranet.example/open311/v2"


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _set_poll(engine, **value) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        settings.set_value(s, Actor(None, "管理员"), "open311.poll", value)
        s.commit()


def _imported(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.external_source == "12345-remote")
            )
        )


def test_polling_follows_the_setting_and_imports_once(
    qtbot, db, runner, live, other_engine, monkeypatch
) -> None:
    monkeypatch.setattr(open311_poll, "FIRST_POLL_MS", 10)
    asked: list[str] = []

    def fetcher(url: str) -> bytes:
        asked.append(url)
        return CN_JSON.read_bytes()

    poller = Open311Poller(runner, db.sessions, live, fetcher=fetcher)
    try:
        poller.start()
        # A fence: the runner runs ops one after another, so once a later no-op has finished, the
        # poller has read the setting; switched off, it has no poll scheduled either.
        fenced: list[object] = []
        runner.submit(lambda s: None, success=fenced.append, name="fence")
        qtbot.waitUntil(lambda: bool(fenced), timeout=10_000)
        assert not poller.active and not asked  # off by default
        with qtbot.waitSignal(poller.sig_state_changed, timeout=10_000) as on:
            _set_poll(other_engine, enabled=True, url=REMOTE, interval_s=600, source="12345-remote")
        assert on.args == [True] and poller.active
        with qtbot.waitSignal(poller.sig_polled, timeout=20_000) as first:
            pass
        result = first.args[0]
        assert result.ok and result.imported > 0 and asked[0].startswith(REMOTE)
        assert _imported(other_engine) == result.imported
        with qtbot.waitSignal(poller.sig_polled, timeout=20_000) as second:
            poller.poll_now()
        assert second.args[0].ok and second.args[0].imported == 0  # nothing twice
        assert _imported(other_engine) == result.imported
        with qtbot.waitSignal(poller.sig_state_changed, timeout=10_000) as off:
            _set_poll(other_engine, enabled=False, url=REMOTE, interval_s=600)
        assert off.args == [False] and not poller.active
    finally:
        poller.shutdown()


def test_a_remote_that_fails_is_reported_and_imports_nothing(
    qtbot, db, runner, live, other_engine, monkeypatch
) -> None:
    monkeypatch.setattr(open311_poll, "FIRST_POLL_MS", 10)

    def fetcher(url: str) -> bytes:
        return b"<html><body>502 Bad Gateway</body></html>"

    _set_poll(other_engine, enabled=True, url=REMOTE, interval_s=600, source="12345-remote")
    poller = Open311Poller(runner, db.sessions, live, fetcher=fetcher)
    try:
        with qtbot.waitSignal(poller.sig_polled, timeout=20_000) as polled:
            poller.start()
        result = polled.args[0]
        assert not result.ok and " / " in result.error
        assert _imported(other_engine) == 0
    finally:
        poller.shutdown()
