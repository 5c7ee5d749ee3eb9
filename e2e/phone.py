"""A fake companion-app phone: registers through mobile_app's API and receives push notifications.

Home Assistant sends a registered app's notifications to the `push_url` it registered with; here
that is a small HTTP server on the loopback interface, so the suite can see the notification the
blueprint sends and answer it the way the app does (a `mobile_app_notification_action` event
through the app's webhook).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from api import Hass


class FakePhone:
    """Receives pushes on 127.0.0.1; `notifications` lists their JSON bodies."""

    def __init__(self) -> None:
        self.notifications: list[dict[str, Any]] = []
        self.received = asyncio.Event()
        self.webhook_id: str | None = None
        self._runner: web.AppRunner | None = None
        self.push_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push", self._push)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.push_url = f"http://127.0.0.1:{port}/push"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _push(self, request: web.Request) -> web.Response:
        self.notifications.append(await request.json())
        self.received.set()
        return web.json_response({"message": "queued"}, status=201)

    async def register(self, hass: Hass) -> str:
        """Register as a companion app (creates a mobile_app device); returns the webhook id."""
        reply = await hass.rest(
            "POST",
            "/api/mobile_app/registrations",
            {
                "device_id": "retrowalk-e2e-phone",
                "app_id": "io.homeassistant.companion.android",
                "app_name": "Home Assistant",
                "app_version": "2026.10.0",
                "device_name": "E2E Phone",
                "manufacturer": "Retrowalk",
                "model": "Test phone",
                "os_name": "Android",
                "os_version": "16",
                "supports_encryption": False,
                "app_data": {"push_token": "e2e-token", "push_url": self.push_url},
            },
        )
        self.webhook_id = reply["webhook_id"]
        return self.webhook_id

    async def press(self, hass: Hass, action: str) -> None:
        """Press a notification button: the app fires mobile_app_notification_action."""
        await hass.rest(
            "POST",
            f"/api/webhook/{self.webhook_id}",
            {
                "type": "fire_event",
                "data": {
                    "event_type": "mobile_app_notification_action",
                    "event_data": {"action": action},
                },
            },
            auth=False,
        )
