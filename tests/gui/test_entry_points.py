"""The installed ``command-center`` command starts the program as ``python main.py`` does:
WebEngine prepared before the application (the map's app:// scheme registered, the sandbox
that refuses root turned off), whichever way it was started."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("entry", ["installed", "main.py"])
def test_both_entry_points_start_the_window_cleanly(seeded_copy: str, entry: str) -> None:
    if entry == "installed":
        command = shutil.which("command-center", path=str(Path(sys.executable).parent))
        assert command is not None, "the project is not installed in this environment"
        args = [command]
    else:
        args = [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]
    env = {k: v for k, v in os.environ.items() if k != "QTWEBENGINE_DISABLE_SANDBOX"}
    env.update(QT_QPA_PLATFORM="offscreen", COMMAND_CENTER_BENCH_EXIT_AFTER_SHOW="1")
    done = subprocess.run(
        [*args, "--database-url", seeded_copy, "--user", "zhiban1"],
        capture_output=True, text=True, env=env, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "register the custom scheme" not in done.stderr
    shown = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert shown and "shown_at" in shown[-1]
