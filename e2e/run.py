"""Retrowalk's end-to-end suite: a real Home Assistant, a real browser, a day compressed.

Run through ./scripts/e2e. Steps (each prints a line; any failure prints the tail of
home-assistant.log and exits non-zero, and Home Assistant is stopped whatever happens):

1. start `hass` in a fresh temporary config folder on 127.0.0.1 (free port) with the virtual
   wearable; onboard through the onboarding API;
2. in headless Chromium (e2e/ui.mjs): log in, add the discovered wearable through the config flow
   with a calibration walk, see the device page;
3. through the APIs: a fake phone (mobile_app registration), an automation from the shipped
   blueprint, short sedentary options; the wearer sits, walks forward, walks backward and sits;
   counts against the virtual wearable's ground truth, sedentary on, a `sedentary` nudge, the
   blueprint's notification answered with Snooze, the automation's trace;
4. restart Home Assistant, counts unchanged;
5. screenshots of the integration page, the device page and the shipped dashboard.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import re
import shutil
import signal
import sys
import tempfile
import time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from api import USER, ApiError, Hass, onboard, poll, wait_http
from hass import ROOT, HassProcess, free_port, make_config_dir
from phone import FakePhone

DEVICE_NAME = "Retrowalk IMU Virtual"
FORWARD_STEPS = 60
BACKWARD_STEPS = 40
# Wearer seconds per wall-clock second while the scripted walk plays.
WALK_SPEED = 10.0
# The engine's measured error at the foot (README, "Direction at the foot": every run's stride
# count within 3 %, forward and backward never confused), applied to each direction's count; no
# more than that share of the walk may come out sideways either.
TOLERANCE = 0.03
SEDENTARY_MINUTES = 1
ONLINE_ONLY = {"met", "radio_browser", "google_translate"}
AUTOMATION_ID = "retrowalk_e2e_go_walk_backwards"
COUNTERS = (
    "forward_steps_today",
    "backward_steps_today",
    "sideways_steps_today",
    "forward_steps_lifetime",
    "backward_steps_lifetime",
)


LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \S+ (ERROR|CRITICAL) ")


class CheckFailedError(Exception):
    """A check failed."""


def say(msg: str) -> None:
    print(f"[e2e {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def noon_time_zone(now: datetime) -> str:
    """A fixed-offset zone in which it is about noon now: far from midnight's reset, and inside
    any sensible active hours, whenever the suite runs."""
    offset = 12 - now.astimezone(UTC).hour  # hours east of UTC, -11..12
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-2 is UTC+2


class Suite:
    def __init__(self, artifacts: Path, config_dir: Path, port: int) -> None:
        self.artifacts = artifacts
        self.hass_proc = HassProcess(config_dir, port)
        self.url = self.hass_proc.url
        self.session: aiohttp.ClientSession | None = None
        self.hass: Hass | None = None
        self.phone = FakePhone()
        self.entities: dict[str, str] = {}
        self.device_id = ""
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str, *, fatal: bool = True) -> bool:
        """Record a check; a failed fatal one stops the suite (later steps depend on it)."""
        self.results.append((name, ok, detail))
        say(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
        if not ok and fatal:
            raise CheckFailedError(f"{name}: {detail}")
        return ok

    # --- Home Assistant -------------------------------------------------------------------

    async def start_hass(self) -> None:
        self.hass_proc.start()
        assert self.session is not None
        await wait_http(self.session, self.url, 120)

    async def connect(self, token: str) -> Hass:
        assert self.session is not None
        hass = Hass(self.session, self.url, token)
        await hass.connect()

        async def running() -> bool | None:
            return True if (await hass.ws("get_config"))["state"] == "RUNNING" else None

        await poll("Home Assistant to finish starting", running, 120)
        return hass

    async def step_start(self) -> str:
        say(f"starting Home Assistant in {self.hass_proc.config_dir} on {self.url}")
        started = time.monotonic()
        await self.start_hass()
        assert self.session is not None
        tokens = await onboard(self.session, self.url)
        self.hass = await self.connect(tokens["access_token"])
        zone = noon_time_zone(datetime.now(UTC))
        await self.hass.ws(
            "config/core/update",
            location_name="Retrowalk E2E",
            time_zone=zone,
            unit_system="metric",
            country="DE",
            language="en",
        )
        say(f"onboarded user {USER['username']!r}, time zone {zone}")
        hass = self.hass
        # Onboarding adds integrations that need the internet (weather, radio, speech); there is
        # none here, so they would only fail and retry. Delete them as a user would.
        for entry in await hass.rest("GET", "/api/config/config_entries/entry"):
            if entry["domain"] in ONLINE_ONLY:
                await hass.rest("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")

        async def discovered() -> dict[str, Any] | None:
            flows = await hass.ws("config_entries/flow/progress")
            return next((f for f in flows if f["handler"] == "retrowalk"), None)

        flow = await poll("the virtual wearable's discovery flow", discovered, 60)
        self.check(
            "discovery",
            True,
            f"{flow['context'].get('title_placeholders', {}).get('name')} discovered "
            f"({time.monotonic() - started:.0f} s after start)",
        )
        return tokens["access_token"]

    # --- browser --------------------------------------------------------------------------

    async def ui(self, phase: str) -> dict[str, Any]:
        env = {
            **os.environ,
            "RETROWALK_E2E_USER": USER["username"],
            "RETROWALK_E2E_PASSWORD": USER["password"],
        }
        proc = await asyncio.create_subprocess_exec(
            "node",
            str(ROOT / "e2e" / "ui.mjs"),
            phase,
            "--url",
            self.url,
            "--out",
            str(self.artifacts),
            stdout=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), 300)
        except TimeoutError:
            raise CheckFailedError(f"browser phase {phase} timed out") from None
        finally:  # the browser goes with its driver, also when the suite is interrupted
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        lines = out.decode().strip().splitlines()
        result = json.loads(lines[-1]) if lines else {"ok": False, "error": "no output"}
        self.check(f"browser {phase}", bool(result.get("ok")), result.get("error") or "ok")
        return result

    # --- the day, compressed --------------------------------------------------------------

    async def find_entities(self) -> None:
        assert self.hass is not None
        devices = await self.hass.ws("config/device_registry/list")
        self.device_id = next(d["id"] for d in devices if d["name"] == DEVICE_NAME)
        registry = await self.hass.ws("config/entity_registry/list")
        self.entities = {
            e["translation_key"]: e["entity_id"]
            for e in registry
            if e["device_id"] == self.device_id and e.get("translation_key")
        }
        # The connectivity sensor uses its device class name, no translation key.
        for e in registry:
            if e["device_id"] == self.device_id and e["entity_id"].startswith("binary_sensor."):
                self.entities.setdefault(e.get("translation_key") or "connected", e["entity_id"])
        say(f"{len(self.entities)} entities: {', '.join(sorted(self.entities))}")

    async def counts(self) -> dict[str, int | None]:
        assert self.hass is not None
        states = await self.hass.states()
        out: dict[str, int | None] = {}
        for key in COUNTERS:
            value = states.get(self.entities[key], {}).get("state")
            out[key] = int(float(value)) if value not in (None, "unknown", "unavailable") else None
        return out

    async def state(self, key: str) -> dict[str, Any]:
        assert self.hass is not None
        return (await self.hass.states()).get(self.entities[key], {})

    async def truth(self) -> dict[str, Any]:
        assert self.hass is not None
        return dict(await self.hass.call("retrowalk_virtual", "truth", response=True))

    async def settle(self, what: str) -> dict[str, int | None]:
        """Counts once the wearer stands still and entities stopped changing."""
        last: dict[str, int | None] = {}

        async def steady() -> dict[str, int | None] | None:
            nonlocal last
            now = await self.counts()
            gait = (await self.state("current_gait")).get("state")
            done = now == last and gait == "still" and None not in now.values()
            last = now
            return now if done else None

        return await poll(what, steady, 90, every=2.5)

    async def step_setup_phone_and_automation(self) -> None:
        assert self.hass is not None
        await self.phone.start()
        await self.phone.register(self.hass)
        devices = await self.hass.ws("config/device_registry/list")
        phone = next(d for d in devices if d["name"] == "E2E Phone")
        say(f"fake phone registered (device {phone['id']}, push to {self.phone.push_url})")
        await self.hass.rest(
            "POST",
            f"/api/config/automation/config/{AUTOMATION_ID}",
            {
                "id": AUTOMATION_ID,
                "alias": "Retrowalk — go walk backwards (e2e)",
                "description": "",
                "use_blueprint": {
                    "path": "retrowalk/go_walk_backwards.yaml",
                    "input": {
                        "nudge_entity": self.entities["nudge"],
                        "notify_device": phone["id"],
                        "snooze_minutes": 30,
                    },
                },
            },
        )
        hass = self.hass

        async def automation_on() -> str | None:
            states = await hass.states()
            return next(
                (
                    s["entity_id"]
                    for s in states.values()
                    if s["entity_id"].startswith("automation.")
                    and s["attributes"].get("id") == AUTOMATION_ID
                    and s["state"] == "on"
                ),
                None,
            )

        entity = await poll("the blueprint automation to load", automation_on, 30)
        self.check("automation from blueprint", True, f"{entity} is on")

    async def set_options(self, local_now: datetime) -> None:
        assert self.hass is not None
        entries = await self.hass.rest("GET", "/api/config/config_entries/entry?domain=retrowalk")
        entry_id = entries[0]["entry_id"]
        form = await self.hass.rest(
            "POST", "/api/config/config_entries/options/flow", {"handler": entry_id}
        )
        start = f"{max(0, local_now.hour - 3):02d}:00:00"
        end = f"{min(23, local_now.hour + 3):02d}:59:00"
        result = await self.hass.rest(
            "POST",
            f"/api/config/config_entries/options/flow/{form['flow_id']}",
            {
                "placement": "foot",
                "backward_goal": 500,
                "backward_minutes_goal": 10,
                "forward_goal": 8000,
                "sedentary_minutes": SEDENTARY_MINUTES,
                "active_start": start,
                "active_end": end,
                "max_nudges_per_day": 6,
                "backward_equivalence": 10,
            },
        )
        self.check(
            "options flow",
            result.get("type") == "create_entry",
            f"sedentary after {SEDENTARY_MINUTES} min, active {start} to {end}",
        )

    async def step_day(self) -> dict[str, int | None]:
        assert self.hass is not None
        hass = self.hass
        await self.find_entities()

        async def connected() -> bool | None:
            return True if (await self.state("connected")).get("state") == "on" else None

        await poll("the wearable to connect", connected, 60)
        await self.step_setup_phone_and_automation()
        before = await self.settle("the wearer to sit still after calibrating")
        truth_before = await self.truth()
        say(f"before the walk: counts {before}, truth delivered {truth_before['delivered']}")

        config = await hass.ws("get_config")
        local_now = datetime.now(UTC).astimezone(ZoneInfo(config["time_zone"]))
        # The wearer sits briefly, walks forward, turns, walks backward and sits down again.
        scenario = f"sit:5s,forward:{FORWARD_STEPS},stand:3s,backward:{BACKWARD_STEPS},sit:10s"
        await hass.call(
            "retrowalk_virtual", "play", {"scenario": scenario, "speed": WALK_SPEED, "loop": False}
        )
        await self.set_options(local_now)
        say(f"playing {scenario!r} at {WALK_SPEED:g}x")

        async def walked() -> dict[str, Any] | None:
            truth = await self.truth()
            return truth if truth["scenario_finished"] else None

        truth_after = await poll("the scripted walk to finish", walked, 120)
        # From here on the wearer sits (wall-clock speed) until sedentary.
        await hass.call(
            "retrowalk_virtual", "play", {"scenario": "sit:2h", "speed": 1, "loop": True}
        )
        walk_end = datetime.now(UTC)
        after = await self.settle("counts to settle after the walk")

        for direction, key in (
            ("forward", "forward_steps_today"),
            ("backward", "backward_steps_today"),
        ):
            truth_steps = truth_after["delivered"].get(direction, 0) - truth_before[
                "delivered"
            ].get(direction, 0)
            counted = (after[key] or 0) - (before[key] or 0)
            error = abs(counted - truth_steps) / max(1, truth_steps)
            self.check(
                f"{direction} steps",
                truth_steps > 0 and error <= TOLERANCE,
                f"counted {counted}, truth {truth_steps} (error {error:.1%}, "
                f"tolerance {TOLERANCE:.0%})",
                fatal=False,
            )
        walked = sum(
            truth_after["delivered"].get(d, 0) - truth_before["delivered"].get(d, 0)
            for d in ("forward", "backward")
        )
        sideways = (after["sideways_steps_today"] or 0) - (before["sideways_steps_today"] or 0)
        self.check(
            "no sideways steps",
            sideways <= TOLERANCE * walked,
            f"{sideways} of {walked} steps counted sideways",
            fatal=False,
        )
        for key in ("forward_steps_lifetime", "backward_steps_lifetime"):
            self.check(
                key.replace("_", " "),
                (after[key] or 0) >= (after[key.replace("lifetime", "today")] or 0),
                f"{after[key]} (today {after[key.replace('lifetime', 'today')]})",
                fatal=False,
            )

        try:
            await self.step_sedentary(walk_end)
        except ApiError as err:  # later steps (restart, screenshots) still say something
            self.check("sedentary and nudge", False, str(err), fatal=False)
        return after

    async def step_sedentary(self, walk_end: datetime) -> None:
        assert self.hass is not None
        say("waiting for the wearer to become sedentary (1 min threshold, 30 s checks)")

        async def sedentary() -> dict[str, Any] | None:
            s = await self.state("sedentary")
            changed = datetime.fromisoformat(s["last_changed"])
            return s if s.get("state") == "on" and changed > walk_end else None

        s = await poll("the sedentary binary sensor to turn on", sedentary, 180, every=2)
        self.check("sedentary", True, f"{s['entity_id']} on since {s['last_changed']}")
        # Nudges are checked every 30 s; the event entity's state is the last event's time.

        async def nudged() -> dict[str, Any] | None:
            s = await self.state("nudge")
            ok = s.get("attributes", {}).get("event_type") == "sedentary"
            return s if ok and datetime.fromisoformat(s["state"]) > walk_end else None

        nudge = await poll("a sedentary nudge event", nudged, 60, every=2)
        attrs = nudge["attributes"]
        self.check(
            "nudge event",
            True,
            f"{nudge['entity_id']} fired sedentary at {nudge['state']} "
            f"(sedentary_minutes={attrs.get('sedentary_minutes')}, "
            f"backward_steps_today={attrs.get('backward_steps_today')})",
        )

        hass = self.hass

        async def traced() -> dict[str, Any] | None:
            traces = await hass.ws("trace/list", domain="automation")
            mine = [
                t
                for t in traces
                if t["item_id"] == AUTOMATION_ID
                and datetime.fromisoformat(t["timestamp"]["start"]) > walk_end
            ]
            return mine[-1] if mine else None

        trace = await poll("a trace of the blueprint automation", traced, 30)
        self.check(
            "automation trace",
            True,
            f"run {trace['run_id']} triggered at {trace['timestamp']['start']}: "
            f"{trace.get('state')}/{trace.get('script_execution')}"
            + (f", error {trace['error']!r}" if trace.get("error") else ""),
        )
        await self.answer_notification()

    async def answer_notification(self) -> None:
        """The blueprint's notification reaches the phone, whose Snooze button ends the run."""
        assert self.hass is not None
        try:
            await asyncio.wait_for(self.phone.received.wait(), 30)
        except TimeoutError:
            self.check("phone notification", False, "no push reached the fake phone", fatal=False)
            return
        note = self.phone.notifications[-1]
        actions = {a["title"]: a["action"] for a in note.get("data", {}).get("actions", [])}
        snooze = next((a for t, a in actions.items() if t.startswith("Snooze")), None)
        ok = self.check(
            "phone notification",
            "Going now" in actions and snooze is not None,
            f"{note.get('title')!r}: {note.get('message')!r} buttons {list(actions)}",
            fatal=False,
        )
        if not ok or snooze is None:
            return
        await self.phone.press(self.hass, snooze)
        say("pressed Snooze on the fake phone")
        hass = self.hass

        async def finished() -> dict[str, Any] | None:
            traces = await hass.ws("trace/list", domain="automation")
            done = [
                t for t in traces if t["item_id"] == AUTOMATION_ID and t.get("state") == "stopped"
            ]
            return done[-1] if done else None

        trace = await poll("the blueprint automation's run to finish", finished, 30)
        self.check(
            "blueprint snooze",
            trace.get("script_execution") == "finished" and not trace.get("error"),
            f"run {trace['run_id']} {trace.get('script_execution')}, last step "
            f"{trace.get('last_step')}",
            fatal=False,
        )

    async def step_restart(self, before: dict[str, int | None], token: str) -> None:
        say("restarting Home Assistant (clean stop, same config folder)")
        assert self.hass is not None
        await self.hass.close()
        code = self.hass_proc.stop()
        self.hass_proc.wait_port_closed()
        self.check("clean stop", code == 0, f"hass exited with {code}")
        await self.start_hass()
        self.hass = await self.connect(token)

        async def loaded() -> dict[str, int | None] | None:
            now = await self.counts()
            return now if None not in now.values() else None

        after = await poll("Retrowalk's counters after the restart", loaded, 90)
        await asyncio.sleep(5)  # anything stale would show up now
        after = await self.counts()
        self.check(
            "counts survive restart",
            after == before,
            f"before {before}, after {after}",
            fatal=False,
        )

    async def run(self) -> None:
        async with aiohttp.ClientSession() as session:
            self.session = session
            try:
                token = await self.step_start()
                await self.ui("add")
                counts = await self.step_day()
                await self.step_restart(counts, token)
                await self.ui("shots")
            finally:
                if self.hass is not None:
                    await self.hass.close()
                await self.phone.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", type=Path, default=ROOT / "artifacts" / "e2e")
    parser.add_argument("--keep", action="store_true", help="keep the temporary config folder")
    args = parser.parse_args()
    shutil.rmtree(args.artifacts, ignore_errors=True)
    args.artifacts.mkdir(parents=True)
    port = free_port()
    config_dir = make_config_dir(Path(tempfile.mkdtemp(prefix="retrowalk-e2e-")), port)
    suite = Suite(args.artifacts, config_dir, port)

    def _terminate(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    crashed = False
    try:
        asyncio.run(suite.run())
    except (Exception, KeyboardInterrupt) as err:
        crashed = True
        say(f"FAILED: {type(err).__name__}: {err}")
    finally:
        suite.hass_proc.stop()
        logs = save_logs(config_dir, args.artifacts)
        if args.keep:
            say(f"kept {config_dir}")
        else:
            shutil.rmtree(config_dir, ignore_errors=True)
    passed = sum(ok for _n, ok, _d in suite.results)
    failed = len(suite.results) - passed + crashed
    if failed:
        print_log_excerpts(logs)
    say(f"done in {time.monotonic() - started:.0f} s; screenshots and logs in {args.artifacts}")
    print(f"e2e: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def save_logs(config_dir: Path, artifacts: Path) -> list[Path]:
    """Copy Home Assistant's logs: the first run's (rotated at the restart) and the last one."""
    saved = []
    for name, copy in (
        ("home-assistant.log.1", "home-assistant-before-restart.log"),
        ("home-assistant.log", "home-assistant.log"),
    ):
        if (config_dir / name).exists():
            shutil.copy(config_dir / name, artifacts / copy)
            saved.append(artifacts / copy)
    return saved


def print_log_excerpts(logs: list[Path], tail: int = 60) -> None:
    """Every distinct error Home Assistant logged, then the tail of its last log."""
    errors: dict[str, str] = {}
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if LOG_ERROR.match(line):
                errors.setdefault(line.split("] ", 1)[-1], line)
    print("----- errors in home-assistant.log -----", flush=True)
    print("\n".join(errors.values()) or "(none)", flush=True)
    print(f"----- tail of {logs[-1] if logs else 'home-assistant.log'} -----", flush=True)
    print("\n".join(logs[-1].read_text(errors="replace").splitlines()[-tail:]) if logs else "")
    print("-" * 40, flush=True)


if __name__ == "__main__":
    sys.exit(main())
