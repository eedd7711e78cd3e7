"""One archive of a deployment (database and media) and bringing it back into an empty one.

The database is copied first and consistently: SQLite through its online backup API
(one snapshot, while the server keeps writing), PostgreSQL through ``pg_dump`` (one
repeatable-read snapshot). The media folder is copied after, so every photo row in
the snapshot already had its file written (a photo's file is written before its row
commits); files newer than the snapshot come along unused and do no harm.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url

from app import migrate
from app.config import Settings
from app.db import make_engine

FORMAT = "ronda-backup/1"
ROOT = "ronda-backup"


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


@dataclass
class BackupResult:
    path: Path
    dialect: str
    revision: str | None
    tables: dict[str, int]
    media_files: int
    size_bytes: int


@dataclass
class RestoreResult:
    dialect: str
    revision: str | None
    tables: dict[str, int]
    media_files: int


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools "
            f"(e.g. apt-get install postgresql-client-15, matching the server's major "
            f"version) to back up or restore a PostgreSQL deployment"
        )
    return found


def _pg_args(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the password in the environment."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


Counts = tuple[str | None, dict[str, int]]


def _counts(connection: Connection) -> Counts:
    names = sorted(inspect(connection).get_table_names())
    counts = {
        name: int(connection.scalar(text(f'SELECT count(*) FROM "{name}"')) or 0)
        for name in names
        if name != "alembic_version"
    }
    revision = (
        connection.scalar(text("SELECT version_num FROM alembic_version"))
        if "alembic_version" in names
        else None
    )
    return revision, counts


def table_counts(url: str) -> Counts:
    """The schema revision and the row count of every table."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return _counts(connection)
    finally:
        engine.dispose()


def _dump_database(url: str, folder: Path) -> tuple[str, str, Counts]:
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"no SQLite database at {source_path}")
        target = folder / "database.sqlite3"
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): a consistent snapshot even while the server writes.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        # Counted from the copy, not the live database, so they describe the archive.
        return dialect, target.name, table_counts(f"sqlite:///{target}")
    if dialect == "postgresql":
        target = folder / "database.pgdump"
        return dialect, target.name, _pg_dump(url, target)
    raise BackupError(f"backing up a {dialect} database is not supported")


def _pg_dump(url: str, target: Path) -> Counts:
    """Dump under a snapshot this process holds, so the manifest's counts are the dump's."""
    dsn, env = _pg_args(url)
    tool = _pg_tool("pg_dump")
    engine = make_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection, connection.begin():
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            counts = _counts(connection)
            done = subprocess.run(
                [
                    tool,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={dsn}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    finally:
        engine.dispose()
    return counts


def backup(settings: Settings, output: Path, now: datetime) -> BackupResult:
    """Write one archive (.tar.gz) of the database and the media folder to ``output``."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".ronda-backup-") as scratch:
        folder = Path(scratch)
        dialect, database_file, (revision, tables) = _dump_database(settings.database_url, folder)
        media = settings.media_dir
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "dialect": dialect,
            "database": database_file,
            "revision": revision,
            "tables": tables,
            "media_files": len(files),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = folder / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(folder / "manifest.json", arcname=f"{ROOT}/manifest.json")
            archive.add(folder / database_file, arcname=f"{ROOT}/{database_file}")
            for path in files:
                archive.add(path, arcname=f"{ROOT}/media/{path.relative_to(media).as_posix()}")
        # Appears whole or not at all: a half-written archive never has the final name.
        os.replace(partial, output)
    return BackupResult(
        path=output,
        dialect=dialect,
        revision=revision,
        tables=tables,
        media_files=len(files),
        size_bytes=output.stat().st_size,
    )


def _is_empty(url: str) -> bool:
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite" and not _sqlite_path(url).exists():
        return True
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    member = archive.extractfile(f"{ROOT}/manifest.json")
    if member is None:
        raise BackupError("not a Ronda backup: no manifest")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(settings: Settings, source: Path) -> RestoreResult:
    """Bring an archive back into an empty deployment, then migrate it to this version."""
    url = settings.database_url
    dialect = make_url(url).get_backend_name()
    try:
        archive = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {source}: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="ronda-restore-") as scratch:
        manifest = _read_manifest(archive)
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"the backup is of a {manifest['dialect']} database; this deployment uses {dialect}"
            )
        if not _is_empty(url):
            raise BackupError("the database is not empty: restore only into a new deployment")
        media = settings.media_dir
        if media.exists() and any(media.iterdir()):
            raise BackupError(f"the media folder {media} is not empty")
        # The "data" filter refuses absolute paths, links out and other tar tricks.
        archive.extractall(scratch, filter="data")
        folder = Path(scratch) / ROOT
        database_file = folder / manifest["database"]
        if dialect == "sqlite":
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            source_db = sqlite3.connect(database_file)
            copy = sqlite3.connect(target)
            try:
                source_db.backup(copy)
            finally:
                copy.close()
                source_db.close()
        else:
            dsn, env = _pg_args(url)
            done = subprocess.run(
                [
                    _pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={dsn}",
                    str(database_file),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        count = 0
        stored = folder / "media"
        if stored.exists():
            media.mkdir(parents=True, exist_ok=True)
            for path in sorted(stored.rglob("*")):
                if path.is_file():
                    target_file = media / path.relative_to(stored)
                    target_file.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target_file)
                    count += 1
    # An archive from an older Ronda comes up to this version's schema.
    migrate.upgrade(url)
    revision, tables = table_counts(url)
    return RestoreResult(dialect=dialect, revision=revision, tables=tables, media_files=count)
