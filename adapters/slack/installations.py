"""Many workspaces: where OAuth installs are kept, and which token serves a workspace.

slack_sdk's SQLAlchemy installation and state stores run on the project's own database
(`bot.database.make_engine`, the same DATABASE_URL), in a worker thread since the
engine is synchronous. Their tables come from the project's migrations
(`0002_slack_installations`); nothing here creates tables.

Bolt looks a workspace's token up before any listener runs. While the database does not
answer, the token this process last read for the workspace serves, so that what Slack
sends is kept or answered as when the token was at hand; a workspace whose token it
never read gets an error (HTTP 500), so that Slack sends the event again later, rather
than Bolt's "reinstall the app".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from logging import Logger

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, column, delete, select, table

from adapters.slack.translate import team_of, workspace_id

log = logging.getLogger(__name__)

# How long an install link stays good.
STATE_EXPIRY_S = 600


class InstallationsUnreachable(Exception):
    """The database does not answer and this process never read the workspace's token."""


# A bot's install as Bolt asks for it: (enterprise_id, team_id, is_enterprise_install).
_BotKey = tuple[str | None, str | None, bool]


class ThreadedInstallationStore(AsyncInstallationStore):
    """The synchronous SQLAlchemy installation store, off the event loop. The bot found
    last for each install serves while the database does not answer (`unreachable`
    tells such an error apart, and notes it); a token this process never read raises
    `InstallationsUnreachable` meanwhile."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        unreachable: Callable[[BaseException], bool] = lambda error: False,
    ) -> None:
        self.store = store
        self.unreachable = unreachable
        self._found: dict[_BotKey, Bot] = {}

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
        bot, _ = await self.find_bot_or_remembered(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=bool(is_enterprise_install),
        )  # fmt: skip
        return bot

    async def find_bot_or_remembered(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
    ) -> tuple[Bot | None, bool]:
        """The install's bot, and whether it is the one remembered (the database did not
        answer)."""
        key = (enterprise_id, team_id, is_enterprise_install)
        try:
            bot = await asyncio.to_thread(
                self.store.find_bot,
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        except Exception as error:
            if not self.unreachable(error):
                raise
            if key not in self._found:
                raise InstallationsUnreachable(team_id or enterprise_id) from error
            return self._found[key], True
        if bot is None:
            self._found.pop(key, None)
        else:
            self._found[key] = bot
        return bot, False

    def forget(self, enterprise_id: str | None, team_id: str | None) -> None:
        """An install's token is gone (deleted, or refused): none is remembered for it."""
        self._found = {
            key: bot for key, bot in self._found.items() if key[:2] != (enterprise_id, team_id)
        }

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
        self.forget(enterprise_id, team_id)
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

    async def async_delete_removed(
        self, at: datetime, *, enterprise_id: str | None, team_id: str | None
    ) -> bool:
        """`async_delete_all` for an uninstall that happened at `at`, unless the app was
        installed again since: Slack may retry it late, and it may be stored late (kept
        through a database outage). Whether it was deleted (the uninstall stands)."""
        if await self._installed_since(at, enterprise_id, team_id):
            log.info("an uninstall from before the latest install of %s: it stays installed",
                     team_id or enterprise_id)  # fmt: skip
            return False
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        return True

    async def async_delete_revoked(
        self, at: datetime, *, enterprise_id: str | None, team_id: str | None,
        users: Sequence[str], bot: bool,
    ) -> None:  # fmt: skip
        """What Bolt's own `tokens_revoked` listener deletes (the users' installs, and the
        bot's if its token was revoked at `at`), but not a bot installed again since.
        An org-wide install is `team_id` None."""
        for user in users:
            await self.async_delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user
            )
        if not bot:
            return
        if await self._installed_since(at, enterprise_id, team_id):
            log.info("a revoked token from before the latest install of %s: the new one stays",
                     team_id or enterprise_id)  # fmt: skip
            return
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def _installed_since(
        self, at: datetime, enterprise_id: str | None, team_id: str | None
    ) -> bool:
        bot = await asyncio.to_thread(
            self.store.find_bot, enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=team_id is None,
        )  # fmt: skip
        return bot is not None and bot.installed_at > at.timestamp()

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


class InstalledAuthorize(AsyncInstallationStoreAuthorize):
    """Bolt's authorize for bot tokens (token rotation is off: see the manifest), except
    that a database that does not answer is not taken for an app that was never
    installed: the remembered token serves, or `InstallationsUnreachable` is raised
    (Bolt answers HTTP 500, and Slack sends the event again)."""

    installation_store: ThreadedInstallationStore

    async def __call__(
        self, *, context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None,
        user_id: str | None, **actor: str | None,
    ) -> AuthorizeResult | None:  # fmt: skip
        bot, remembered = await self.installation_store.find_bot_or_remembered(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=bool(context.is_enterprise_install),
        )  # fmt: skip
        if bot is None:
            return None
        try:
            checked = await context.client.auth_test(token=bot.bot_token)
        except SlackApiError as error:
            if remembered:  # revoked meanwhile: the database has the newer one, if any
                self.installation_store.forget(enterprise_id, team_id)
                raise InstallationsUnreachable(team_id or enterprise_id) from error
            log.debug("the stored bot token of %s is no longer valid", team_id or enterprise_id)
            return None
        return AuthorizeResult.from_auth_test_response(
            auth_test_response=checked, bot_token=bot.bot_token, bot_scopes=bot.bot_scopes,
            user_token=None, user_scopes=None,
        )  # fmt: skip


class _QuietWhileUnreachable(logging.Filter):
    """Bolt logs a traceback for each request refused with `InstallationsUnreachable`:
    the outage is logged once already (bot.outage)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, InstallationsUnreachable)


QUIET_WHILE_UNREACHABLE = _QuietWhileUnreachable()


def oauth_stores(
    database: Engine, client_id: str, unreachable: Callable[[BaseException], bool]
) -> tuple[ThreadedInstallationStore, ThreadedStateStore]:
    """`unreachable`: whether an error means the database does not answer (noted)."""
    installations = SQLAlchemyInstallationStore(client_id=client_id, engine=database, logger=log)
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRY_S, engine=database, logger=log
    )
    return ThreadedInstallationStore(installations, unreachable), ThreadedStateStore(states)


_INSTALL_TABLES = ("slack_bots", "slack_installations")


def installed_workspaces(database: Engine) -> set[str]:
    """Every neutral workspace id with an install stored (a token, the team's name, who
    installed it), whatever app installed it: a workspace may have installed the bot and
    left nothing else yet."""
    found: set[str] = set()
    with database.connect() as connection:
        for name in _INSTALL_TABLES:
            rows = table(name, column("enterprise_id"), column("team_id"))
            query = select(rows.c.enterprise_id, rows.c.team_id).distinct()
            found |= {
                workspace_id(team_id=team, enterprise_id=enterprise)
                for enterprise, team in connection.execute(query).all()
                if team or enterprise
            }
    return found


def forget_installations(database: Engine, workspace: str) -> int:
    """Delete every token installed for a neutral workspace id, whatever app installed
    it (an operator forgetting the workspace). Returns the rows deleted."""
    enterprise_id, team_id = team_of(workspace)
    deleted = 0
    with database.begin() as connection:
        for name in _INSTALL_TABLES:
            rows = table(name, column("enterprise_id"), column("team_id"))
            where = [rows.c.team_id == team_id if team_id else rows.c.team_id.is_(None)]
            where.append(
                rows.c.enterprise_id == enterprise_id
                if enterprise_id
                else rows.c.enterprise_id.is_(None)
            )
            deleted += connection.execute(delete(rows).where(*where)).rowcount
    return deleted
