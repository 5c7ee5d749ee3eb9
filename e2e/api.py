"""Home Assistant's onboarding, REST and websocket APIs, as the end-to-end suite uses them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import itertools
import time
from typing import Any

import aiohttp

USER = {"name": "E2E Tester", "username": "e2e", "password": "retrowalk-e2e-pass", "language": "en"}


class ApiError(RuntimeError):
    """An API call answered with an error."""


async def wait_http(session: aiohttp.ClientSession, url: str, within: float) -> None:
    """Until Home Assistant's HTTP server answers (the front end's manifest needs no token, and
    asking /api/ without one would count as a failed login)."""
    deadline = time.monotonic() + within
    while True:
        try:
            async with session.get(f"{url}/manifest.json") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise ApiError(f"Home Assistant did not answer on {url} within {within:.0f} s")
        await asyncio.sleep(0.5)


async def onboard(session: aiohttp.ClientSession, url: str) -> dict[str, str]:
    """Create the owner, finish onboarding's steps and return the owner's tokens."""
    client_id = f"{url}/"
    async with session.post(
        f"{url}/api/onboarding/users", json={"client_id": client_id, **USER}
    ) as resp:
        if resp.status != 200:
            raise ApiError(f"onboarding user: {resp.status} {await resp.text()}")
        code = (await resp.json())["auth_code"]
    tokens = await _token(
        session, url, {"grant_type": "authorization_code", "code": code, "client_id": client_id}
    )
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    for step, body in (
        ("core_config", {}),
        ("analytics", {}),
        ("integration", {"client_id": client_id, "redirect_uri": f"{url}/?auth_callback=1"}),
    ):
        async with session.post(f"{url}/api/onboarding/{step}", json=body, headers=headers) as resp:
            if resp.status != 200:
                raise ApiError(f"onboarding {step}: {resp.status} {await resp.text()}")
    return tokens


async def login(session: aiohttp.ClientSession, url: str) -> dict[str, str]:
    """Log the owner in through the login flow (after a restart, as the browser would)."""
    client_id = f"{url}/"
    async with session.post(
        f"{url}/auth/login_flow",
        json={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{url}/?auth_callback=1",
        },
    ) as resp:
        flow = await resp.json()
    async with session.post(
        f"{url}/auth/login_flow/{flow['flow_id']}",
        json={"client_id": client_id, "username": USER["username"], "password": USER["password"]},
    ) as resp:
        result = await resp.json()
    if result.get("type") != "create_entry":
        raise ApiError(f"login failed: {result}")
    return await _token(
        session,
        url,
        {"grant_type": "authorization_code", "code": result["result"], "client_id": client_id},
    )


async def _token(session: aiohttp.ClientSession, url: str, form: dict[str, str]) -> dict[str, str]:
    async with session.post(f"{url}/auth/token", data=form) as resp:
        if resp.status != 200:
            raise ApiError(f"token: {resp.status} {await resp.text()}")
        return dict(await resp.json())


class Hass:
    """An authenticated websocket connection plus REST helpers."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self.session = session
        self.url = url
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._events: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._ws = await self.session.ws_connect(f"{self.url}/api/websocket", max_msg_size=0)
        hello = await self._ws.receive_json()
        assert hello["type"] == "auth_required", hello
        await self._ws.send_json({"type": "auth", "access_token": self.token})
        auth = await self._ws.receive_json()
        if auth["type"] != "auth_ok":
            raise ApiError(f"websocket auth: {auth}")
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = msg.json()
            for item in data if isinstance(data, list) else [data]:
                if item.get("type") == "event" and item["id"] in self._events:
                    self._events[item["id"]].put_nowait(item["event"])
                elif (fut := self._pending.pop(item.get("id"), None)) and not fut.done():
                    fut.set_result(item)
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ApiError("websocket closed"))

    async def ws(self, type_: str, **payload: Any) -> Any:
        """Send a websocket command, return its result or raise ApiError."""
        return await self._command(type_, payload, wait_s=60)

    async def subscribe(self, type_: str, **payload: Any) -> asyncio.Queue[dict[str, Any]]:
        """Subscribe (e.g. to events); the queue receives each event."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await self._command(type_, payload, wait_s=30, events=queue)
        return queue

    async def _command(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        wait_s: float,
        events: asyncio.Queue[dict[str, Any]] | None = None,
    ) -> Any:
        """Send one command and wait for its reply; `events` receives the events that follow it
        (registered before sending, so none is missed)."""
        assert self._ws is not None
        msg_id = next(self._ids)
        if events is not None:
            self._events[msg_id] = events
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = fut
        await self._ws.send_json({"id": msg_id, "type": type_, **payload})
        reply = await asyncio.wait_for(fut, wait_s)
        if not reply.get("success", False):
            raise ApiError(f"{type_}: {reply.get('error')}")
        return reply.get("result")

    async def call(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        response: bool = False,
    ) -> Any:
        """Call an action through the websocket's call_service, as the front end does."""
        result = await self.ws(
            "call_service",
            domain=domain,
            service=service,
            service_data=data or {},
            return_response=response,
        )
        return result.get("response") if response else result

    async def states(self) -> dict[str, dict[str, Any]]:
        return {s["entity_id"]: s for s in await self.ws("get_states")}

    async def rest(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Any:
        async with self.session.request(
            method, f"{self.url}{path}", json=body, headers=self.headers if auth else None
        ) as resp:
            text = await resp.text()
            if resp.status >= 400:
                raise ApiError(f"{method} {path}: {resp.status} {text}")
            return await resp.json() if text else None


async def poll[T](
    what: str,
    probe: Callable[[], Awaitable[T | None]],
    within: float,
    every: float = 1.0,
) -> T:
    """Call probe until it returns something other than None (or fail saying what we waited for)."""
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        last = await probe()
        if last is not None:
            return last
        await asyncio.sleep(every)
    raise ApiError(f"timed out after {within:.0f} s waiting for {what}")
