"""A real Home Assistant process in a fresh temporary config folder, for the end-to-end suite."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import time

ROOT = Path(__file__).resolve().parent.parent
HASS = ROOT / ".venv" / "bin" / "hass"
TEMPLATE = Path(__file__).resolve().parent / "config"
VIRTUAL = ROOT / "dev" / "custom_components" / "retrowalk_virtual"

# Requirements of Home Assistant's voice pipeline (set up with the base platforms) that have no
# Python 3.14 wheels at the pinned versions and need Python's headers to build, which Debian's
# unpacked interpreter lacks; requirements_dev.txt installs later releases with abi3 wheels. Without
# skipping the pinned versions' install, Home Assistant fails the requirement check of every
# integration that pulls the pipeline in (mobile_app, bluetooth_adapters and so Retrowalk).
SKIP_PIP_PACKAGES = "pymicro-vad,pyspeex-noise"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_config_dir(path: Path, port: int) -> Path:
    """Copy the template; link Retrowalk and the virtual wearable in; add blueprint, dashboard."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE / "configuration.yaml", path / "configuration.yaml")
    _write_http_store(path, port)
    (path / "automations.yaml").write_text("[]\n")
    (path / "custom_components").mkdir(exist_ok=True)
    os.symlink(ROOT / "custom_components" / "retrowalk", path / "custom_components" / "retrowalk")
    os.symlink(VIRTUAL, path / "custom_components" / VIRTUAL.name)
    blueprints = path / "blueprints" / "automation"
    blueprints.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "blueprints" / "automation" / "retrowalk", blueprints / "retrowalk")
    (path / "dashboards").mkdir(exist_ok=True)
    shutil.copy(ROOT / "dashboards" / "retrowalk.yaml", path / "dashboards" / "retrowalk.yaml")
    return path


def _write_http_store(path: Path, port: int) -> None:
    """Home Assistant keeps its HTTP settings in storage (since 2026.10): YAML `http:` is migrated
    once as a *pending* change that reverts, with a restart, unless confirmed within 5 minutes. A
    fresh instance therefore gets its loopback address and port as confirmed (stable) settings."""
    stable = {
        "server_host": ["127.0.0.1"],
        "server_port": port,
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "modern",
        "use_x_frame_options": True,
        "created_at": "2026-01-01T00:00:00+00:00",
        "error": None,
        "error_message": None,
    }
    store = {
        "version": 2,
        "minor_version": 2,
        "key": "http",
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }
    (path / ".storage").mkdir(exist_ok=True)
    (path / ".storage" / "http").write_text(json.dumps(store, indent=2))


class HassProcess:
    """Starts and stops `hass` in its own process group (so nothing it spawns outlives it)."""

    def __init__(self, config_dir: Path, port: int) -> None:
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self._out = None

    @property
    def log_path(self) -> Path:
        return self.config_dir / "home-assistant.log"

    def start(self) -> None:
        env = dict(os.environ)
        self._out = open(self.config_dir / "hass-stdout.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(HASS), "--config", str(self.config_dir), "--skip-pip-packages", SKIP_PIP_PACKAGES],
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        if pidfile := os.environ.get("RETROWALK_E2E_PIDFILE"):  # for scripts/e2e's trap
            Path(pidfile).write_text(f"{self.proc.pid}\n")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM (Home Assistant shuts down cleanly and flushes its stores), then SIGKILL."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(10)
        # Anything left in the group (a helper process) goes too.
        _signal_group(proc.pid, signal.SIGKILL)
        if self._out is not None:
            self._out.close()
            self._out = None
        return proc.returncode

    def wait_port_closed(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"port {self.port} still open after Home Assistant stopped")

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no home-assistant.log)"
        return "\n".join(text[-lines:])


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
