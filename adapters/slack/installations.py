"""Many workspaces: where OAuth installs are kept, and which token serves a workspace.

slack_sdk's SQLAlchemy installation and state stores run on the project's own database
(`bot.database.make_engine`, the same DATABASE_URL), in a worker thread since the
engine is synchronous. Their tables come from the project's migrations
(`0002_slack_installations`); nothing here creates tables.
"""

from __future__ import annotations

import asyncio
import logging
from logging import Logger

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, column, delete, select, table

from adapters.slack.translate import team_of

log = logging.getLogger(__name__)

# How long an install link stays good.
STATE_EXPIRY_S = 600


class ThreadedInstallationStore(AsyncInstallationStore):
    """The synchronous SQLAlchemy installation store, off the event loop."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    @property
    def logger(self) -> Logger:
        return self.store.logger

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def bot_token(self, workspace: str) -> str | None:
        """The newest bot token installed for a neutral workspace id."""
        enterprise_id, team_id = team_of(workspace)
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id is not None:  # an org-wide install
            bot = await self.async_find_bot(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        return bot.bot_token if bot is not None else None

    async def bot_user_ids(self) -> frozenset[str]:
        """The app's bot user in every workspace it is installed in: each organisation
        that installed it has its own, and a channel they share has them all."""
        return await asyncio.to_thread(self._bot_user_ids)

    def _bot_user_ids(self) -> frozenset[str]:
        bots = self.store.bots
        query = select(bots.c.bot_user_id).where(
            bots.c.client_id == self.store.client_id, bots.c.bot_user_id.is_not(None)
        )
        with self.store.engine.connect() as connection:
            return frozenset(connection.execute(query.distinct()).scalars())


class ThreadedStateStore(AsyncOAuthStateStore):
    """The synchronous SQLAlchemy OAuth state store, off the event loop."""

    def __init__(self, store: SQLAlchemyOAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> Logger:
        return self.store.logger

    async def async_issue(self, *args, **kwargs) -> str:
        return await asyncio.to_thread(self.store.issue)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def oauth_stores(
    database: Engine, client_id: str
) -> tuple[ThreadedInstallationStore, ThreadedStateStore]:
    installations = SQLAlchemyInstallationStore(client_id=client_id, engine=database, logger=log)
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRY_S, engine=database, logger=log
    )
    return ThreadedInstallationStore(installations), ThreadedStateStore(states)


def forget_installations(database: Engine, workspace: str) -> int:
    """Delete every token installed for a neutral workspace id, whatever app installed
    it (an operator forgetting the workspace). Returns the rows deleted."""
    enterprise_id, team_id = team_of(workspace)
    deleted = 0
    with database.begin() as connection:
        for name in ("slack_bots", "slack_installations"):
            rows = table(name, column("enterprise_id"), column("team_id"))
            where = [rows.c.team_id == team_id if team_id else rows.c.team_id.is_(None)]
            where.append(
                rows.c.enterprise_id == enterprise_id
                if enterprise_id
                else rows.c.enterprise_id.is_(None)
            )
            deleted += connection.execute(delete(rows).where(*where)).rowcount
    return deleted
