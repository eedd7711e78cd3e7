"""Running Alembic from the application, once even when replicas start together."""

import fcntl
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from app.db import make_engine

log = logging.getLogger(__name__)

# Any fixed 64-bit number; it names the lock that serialises migrations.
MIGRATION_LOCK_KEY = 7_302_114_225_001


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the project's migrations and the given database."""
    for root in (Path.cwd(), Path(__file__).resolve().parents[1]):
        if (root / "alembic.ini").exists() and (root / "migrations").is_dir():
            break
    else:
        raise RuntimeError("alembic.ini and migrations/ not found; run from the project folder")
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    config.attributes["url"] = url
    config.attributes["configure_logger"] = False
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` under a lock, so concurrent starters upgrade once."""
    config = alembic_config(url)
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1] or "ronda.db"
        lock_path = Path(f"{database}.migrate.lock") if database != ":memory:" else None
        if lock_path is None:
            command.upgrade(config, revision)
            return
        with lock_path.open("w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            command.upgrade(config, revision)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                connection.commit()
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Downgrade the database to ``revision`` (``base`` empties it)."""
    command.downgrade(alembic_config(url), revision)
