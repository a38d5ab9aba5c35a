"""A local stand-in for Slack's Socket Mode websocket.

The real client (``slack_sdk.socket_mode.aiohttp.SocketModeClient``, which
``slack_bolt.adapter.socket_mode.async_handler.AsyncSocketModeHandler`` wraps)
first calls ``apps.connections.open`` with the app-level token, then opens the
returned ``wss://`` URL, gets a ``hello`` and from then on receives envelopes
and answers each with an ack carrying the same ``envelope_id``.

This module plays both parts: it registers ``apps.connections.open`` on a
running ``SlackStandIn`` (answering with ``ws://127.0.0.1:<port>/link``) and
serves that websocket itself. Tests push envelopes and await the acks::

    async with SlackStandIn() as slack, SlackSocketModeStandIn(slack) as socket:
        handler = AsyncSocketModeHandler(app, "xapp-1-test",
                                         web_client=AsyncWebClient(base_url=slack.url))
        await handler.connect_async()
        ack = await socket.request_event(event_callback(message_event("hi")))
        ...
        await handler.close_async()  # before the stand-ins stop

Close the handler before stopping the stand-ins: if the server closes the
socket first, the client reconnects (that is its job) against a server that
is going away, and logs errors.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from tests.standins.lifecycle import PATIENCE_S, Served

from .slack_api import SlackError, SlackStandIn

__all__ = ["SlackSocketModeStandIn"]

# Slack's defaults per envelope type; note that slack-bolt ignores the flag and
# puts whatever ack() was given into the ack's "payload".
_ACCEPTS_RESPONSE_PAYLOAD = {"events_api": False, "slash_commands": True, "interactive": True}


def _as_slack_writes(frame: Mapping[str, Any]) -> str:
    """JSON with its slashes escaped, as Slack sends it: a response URL arrives as
    https:\\/\\/hooks.slack.com\\/commands\\/…, and whatever logs the raw frame shows it so."""
    return json.dumps(frame).replace("/", "\\/")


class SlackSocketModeStandIn(Served):
    """Serves the Socket Mode websocket and ``apps.connections.open``.

    ``connections`` counts websocket connections ever accepted, ``acks``
    holds every ack received (oldest first). Envelopes go to the most recent
    open connection. With ``app_token``, the app-level token Slack issued, any
    other is refused as Slack refuses a token it does not know (``invalid_auth``).
    """

    def __init__(self, api: SlackStandIn, *, app_token: str | None = None) -> None:
        self.api = api
        self.app_token = app_token
        self.connections = 0
        self.acks: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []  # every JSON frame from the client
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._changed = asyncio.Condition()
        self._tickets = itertools.count(1)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on 127.0.0.1:0 and answer ``apps.connections.open`` on ``api``."""
        app = web.Application()
        app.router.add_get("/link", self._handle_socket)
        app.router.add_get("/link/", self._handle_socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self.api.respond_with("apps.connections.open", self._connections_open)

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"stand-in stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The websocket URL ``apps.connections.open`` hands out (minus its ticket)."""
        if self._port is None:
            raise RuntimeError("SlackSocketModeStandIn is not started")
        return f"ws://127.0.0.1:{self._port}/link"

    @property
    def is_connected(self) -> bool:
        return any(not ws.closed for ws in self._sockets)

    # ------------------------------------------------------------------ pushing

    async def wait_connected(self, count: int = 1, timeout: float = PATIENCE_S) -> None:
        """Wait until ``count`` connections were accepted (each got its ``hello``)."""
        await self._wait(
            lambda: self.connections >= count,
            timeout,
            lambda: f"expected {count} Socket Mode connection(s), got {self.connections}",
        )

    async def send(
        self,
        envelope_type: str,
        payload: Mapping[str, Any],
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Push one envelope to the client; return its ``envelope_id``.

        ``envelope_type`` is ``events_api``, ``slash_commands`` or
        ``interactive``. ``retry_attempt``/``retry_reason`` model Slack
        redelivering an event (Bolt exposes them as X-Slack-Retry-* headers).
        """
        ws = self._current_socket()
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": dict(payload),
            "accepts_response_payload": (
                _ACCEPTS_RESPONSE_PAYLOAD.get(envelope_type, False)
                if accepts_response_payload is None
                else accepts_response_payload
            ),
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        await ws.send_str(_as_slack_writes(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = PATIENCE_S) -> dict[str, Any]:
        """Wait for the client's ack of ``envelope_id``; return it (with any ``payload``).

        slack-bolt sends no ack at all when no listener matched (it got a
        404 internally), so a missing ack is the Socket Mode "unhandled".
        """

        def find() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        await self._wait(
            lambda: find() is not None,
            timeout,
            lambda: (
                f"no ack for envelope {envelope_id}; acks received: "
                f"{[a.get('envelope_id') for a in self.acks]}"
            ),
        )
        ack = find()
        assert ack is not None
        return ack

    async def request(
        self,
        envelope_type: str,
        payload: Mapping[str, Any],
        *,
        timeout: float = PATIENCE_S,
        **options: Any,
    ) -> dict[str, Any]:
        """``send`` then ``wait_for_ack``: the round trip most tests want."""
        envelope_id = await self.send(envelope_type, payload, **options)
        return await self.wait_for_ack(envelope_id, timeout)

    async def request_event(
        self, body: Mapping[str, Any], *, timeout: float = PATIENCE_S, **options: Any
    ) -> dict[str, Any]:
        """Deliver an ``event_callback`` body and return the ack."""
        return await self.request("events_api", body, timeout=timeout, **options)

    async def request_slash_command(
        self, fields: Mapping[str, str], *, timeout: float = PATIENCE_S
    ) -> dict[str, Any]:
        """Deliver slash command fields and return the ack (its ``payload`` is the reply)."""
        return await self.request("slash_commands", fields, timeout=timeout)

    async def request_interactive(
        self, payload: Mapping[str, Any], *, timeout: float = PATIENCE_S
    ) -> dict[str, Any]:
        """Deliver a block_actions / view_submission / shortcut payload; return the ack."""
        return await self.request("interactive", payload, timeout=timeout)

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        ws = self._current_socket()
        await ws.send_str(
            _as_slack_writes(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
            )
        )

    # ------------------------------------------------------------------ internals

    def _current_socket(self) -> web.WebSocketResponse:
        open_sockets = [ws for ws in self._sockets if not ws.closed]
        if not open_sockets:
            raise AssertionError(
                "no Socket Mode client is connected (did the test call handler.connect_async()?)"
            )
        return open_sockets[-1]

    def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        token = str(params.get("token") or "")
        if not token.startswith("xapp-"):
            # What Slack answers when a bot token is used instead of an app-level one.
            raise SlackError("not_allowed_token_type")
        if self.app_token is not None and token != self.app_token:
            raise SlackError("invalid_auth")
        ticket = f"standin-{next(self._tickets)}"
        return {"url": f"{self.url}/?ticket={ticket}&app_id={self.api.identity.app_id}"}

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # answers the SDK's pings itself
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(
            _as_slack_writes(
                {
                    "type": "hello",
                    "num_connections": len([s for s in self._sockets if not s.closed]),
                    "debug_info": {"host": "applink-standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.api.identity.app_id},
                }
            )
        )
        await self._notify(lambda: setattr(self, "connections", self.connections + 1))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    frame = json.loads(message.data)
                except json.JSONDecodeError:
                    continue
                if not isinstance(frame, dict):
                    continue
                self.received.append(frame)
                if "envelope_id" in frame:
                    await self._notify(lambda frame=frame: self.acks.append(frame))
        finally:
            self._sockets.remove(ws)
            await self._notify(lambda: None)
        return ws

    async def _notify(self, change: Callable[[], object]) -> None:
        async with self._changed:
            change()
            self._changed.notify_all()

    async def _wait(
        self, predicate: Callable[[], bool], timeout: float, describe: Callable[[], str]
    ) -> None:
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(f"{describe()} within {timeout}s") from None
