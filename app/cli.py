"""The ``ronda`` command line.

Each command imports what it needs when it runs.  ``ronda roster solve`` (the solver
alone) does not come here at all: ``app.console`` runs it without Typer.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.config import Settings

cli = typer.Typer(help="Ronda: fair night-patrol rosters for RT/RW.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
areas_cli = typer.Typer(help="The area tree.", no_args_is_help=True)
demo_cli = typer.Typer(help="Demo data.", no_args_is_help=True)
user_cli = typer.Typer(help="Users.", no_args_is_help=True)
import_cli = typer.Typer(help="Import data from files.", no_args_is_help=True)
job_cli = typer.Typer(help="Scheduled work.", no_args_is_help=True)
roster_app = typer.Typer(
    help="Solve roster problems (roster-problem.md) without a database.", no_args_is_help=True
)
cli.add_typer(db_cli, name="db")
cli.add_typer(areas_cli, name="areas")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(user_cli, name="user")
cli.add_typer(import_cli, name="import")
cli.add_typer(job_cli, name="job")
cli.add_typer(roster_app, name="roster")


def _settings() -> Settings:
    """The settings, read when a command first needs them, and the log level they set.

    ``ronda roster solve`` needs neither: without pydantic-settings to import (a tenth
    of a second) it starts in half the time.
    """
    from app.config import get_settings

    settings = get_settings()
    logging.getLogger().setLevel(settings.log_level)
    return settings


def _session_scope() -> AbstractContextManager[Session]:
    """One unit of work for a command: commits when the block ends without error."""
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(_settings().database_url)
    return make_sessionmaker(engine).begin()


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database to the newest schema (safe to run from several replicas at once)."""
    from app import migrate

    migrate.upgrade(_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (``base`` removes every table)."""
    from app import migrate

    migrate.downgrade(_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default RONDA_PORT or 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="uvicorn worker processes")] = None,
) -> None:
    """Serve the API and pages with uvicorn."""
    import uvicorn

    settings = _settings()
    workers = workers or settings.workers
    if settings.is_sqlite and workers > 1:
        typer.echo(
            "error: SQLite allows one worker only; use PostgreSQL (RONDA_DATABASE_URL) for more",
            err=True,
        )
        raise typer.Exit(2)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
    )


@areas_cli.command("import")
def areas_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Create the area tree from a YAML file of nested {kind, name, children} (idempotent)."""
    import yaml
    from pydantic import ValidationError

    from app.areas import service as areas
    from app.clock import SystemClock
    from app.errors import DomainError

    try:
        tree = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        typer.echo(f"error: {file}: not valid YAML: {exc}", err=True)
        raise typer.Exit(2) from None
    if not isinstance(tree, list):
        typer.echo(f"error: {file}: expected a list of areas at the top", err=True)
        raise typer.Exit(2)
    try:
        with _session_scope() as session:
            created, existing = areas.import_tree(session, tree, now=SystemClock().now())
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        typer.echo(f"error: {field}: {first['msg']}", err=True)
        raise typer.Exit(2) from None
    except DomainError as exc:
        typer.echo(f"error: {exc.field or ''}: {exc.localized('en')}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{created} areas created, {existing} already there")


@user_cli.command("create")
def user_create(
    username: str,
    name: Annotated[str, typer.Option("--name", help="Full name")],
    password: Annotated[
        str | None, typer.Option(help="Leave out for someone who signs in with a link")
    ] = None,
    link: Annotated[bool, typer.Option(help="Print a personal sign-in link")] = False,
    language: Annotated[str, typer.Option(help="id or en")] = "id",
) -> None:
    """Create a user (the operator's way; the API limits this to one's own area)."""
    from app.auth import service as auth
    from app.clock import SystemClock
    from app.errors import DomainError

    now = SystemClock().now()
    try:
        with _session_scope() as session:
            user = auth.create_user(
                session,
                _settings(),
                username=username,
                full_name=name,
                password=password,
                phone=None,
                language=language,
                now=now,
                actor_id=None,
            )
            secret = (
                auth.issue_sign_in_link(session, user, actor_id=None, now=now) if link else None
            )
    except DomainError as exc:
        typer.echo(f"error: {exc.field or ''}: {exc.localized('en')}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"user {user.username} created (id {user.id})")
    if secret:
        typer.echo(f"sign-in link: /masuk/{secret}")


@cli.command("grant")
def grant_role(
    username: str,
    role: Annotated[str, typer.Argument(help="admin, rw_head, rt_head, member or liaison")],
    area_id: Annotated[
        int | None, typer.Argument(help="The area; leave out for an installation-wide admin")
    ] = None,
) -> None:
    """Give a user a role on an area and everything beneath it."""
    from sqlalchemy import select

    from app.areas import service as areas
    from app.auth import service as auth
    from app.auth.models import Role, User
    from app.clock import SystemClock
    from app.errors import DomainError

    try:
        chosen = Role(role)
    except ValueError:
        typer.echo(f"error: role: must be one of {', '.join(r.value for r in Role)}", err=True)
        raise typer.Exit(2) from None
    try:
        with _session_scope() as session:
            user = session.scalar(
                select(User).where(User.username == auth.normalise_username(username))
            )
            if user is None:
                typer.echo(f"error: username: no user {username!r}", err=True)
                raise typer.Exit(2)
            area = areas.get_area(session, area_id) if area_id is not None else None
            auth.grant(
                session, user=user, role=chosen, area=area, granted_by=None, now=SystemClock().now()
            )
    except DomainError as exc:
        typer.echo(f"error: {exc.field or ''}: {exc.localized('en')}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{username} is {chosen.value} on {'everything' if area is None else area.name}")


@import_cli.command("households")
def import_households(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    rt: Annotated[int, typer.Option("--rt", help="The RT's area id")],
    dry_run: Annotated[bool, typer.Option(help="Check the file, change nothing")] = False,
    language: Annotated[str, typer.Option(help="Language of the messages: id or en")] = "en",
) -> None:
    """Import an RT's households and members from CSV, all or nothing."""
    from app.areas import service as areas
    from app.clock import SystemClock
    from app.errors import DomainError
    from app.households import importing
    from app.i18n import gettext

    if file.stat().st_size > importing.MAX_BYTES:
        typer.echo(f"error: {file}: larger than {importing.MAX_BYTES // 1000} KB", err=True)
        raise typer.Exit(2)
    try:
        with _session_scope() as session, session.begin_nested() as savepoint:
            result = importing.import_households(
                session,
                areas.get_area(session, rt),
                file.read_bytes(),
                actor_id=None,
                now=SystemClock().now(),
            )
            if dry_run:
                savepoint.rollback()
    except DomainError as exc:
        typer.echo(f"error: {exc.localized(language)}", err=True)
        for detail in exc.details or []:
            reason = gettext(detail["reason"], language, **detail.get("params", {}))
            typer.echo(f"  line {detail['line']}, {detail['column'] or '-'}: {reason}", err=True)
        raise typer.Exit(2) from None
    typer.echo(", ".join(f"{k}: {v}" for k, v in result.model_dump().items()))
    if dry_run:
        typer.echo("dry run: nothing was changed")


@roster_app.command(
    "solve",
    help="Print the optimal roster of PROBLEM_FILE as solution JSON, with bounds "
    "(ronda roster solve --help).",
    add_help_option=False,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def roster_solve(ctx: typer.Context) -> None:
    """The solver's own command (``app.rostering.solver_cli``), which ``ronda`` runs
    before Typer is loaded; here for ``ronda roster --help`` and for callers of ``cli``."""
    from app.rostering import solver_cli

    raise typer.Exit(solver_cli.main(ctx.args))


@roster_app.command("draft-all")
def draft_all(
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    workers: Annotated[int, typer.Option(help="Solver processes")] = 2,
) -> None:
    """Draft every RT that has no roster for MONTH, solving in parallel processes."""
    import time

    from app.clock import SystemClock
    from app.db import make_engine, make_sessionmaker
    from app.rostering import calendar, drafting

    try:
        calendar.parse_month(month)
    except ValueError:
        typer.echo("error: month: must be YYYY-MM", err=True)
        raise typer.Exit(2) from None
    factory = make_sessionmaker(make_engine(_settings().database_url))
    with factory() as session:
        total = len(drafting.rts_without_roster(session, month))
    started = time.perf_counter()
    with typer.progressbar(length=total, label=f"drafting {month}") as bar:
        result = drafting.draft_all(
            factory, month, now=SystemClock().now(), workers=workers, progress=bar.update
        )
    seconds = time.perf_counter() - started
    typer.echo(
        f"{result.rts} RTs drafted in {seconds:.1f} s "
        f"({result.rts / seconds if seconds else 0:.0f} RTs/s, "
        f"{result.assignments / seconds if seconds else 0:.0f} assignments/s); "
        f"{result.proved_optimal} proved optimal, {result.unfilled} places unfilled"
    )


@cli.command()
def scheduler() -> None:
    """Run the scheduled work as its own process (production, several web workers)."""
    from app.clock import configured
    from app.db import make_engine, make_sessionmaker
    from app.jobs.scheduler import blocking

    settings = _settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    clock = configured(settings.clock_start, settings.clock_speed, settings.clock_anchor)
    typer.echo(f"scheduler running; ticks every {settings.tick_seconds:g} s")
    blocking(
        factory,
        clock,
        tick_seconds=settings.tick_seconds,
        hold_seconds=settings.job_hold_seconds,
    ).start()


@job_cli.command("run")
def job_run(
    name: Annotated[
        str,
        typer.Argument(
            help="draft-next-month, reminders, close-night, weekly-summary, escalate, purge "
            "or deliver"
        ),
    ],
    at: Annotated[str | None, typer.Option(help="ISO time to run the tick as of")] = None,
) -> None:
    """Run one tick by hand: every due slot of the job, each once."""
    from datetime import UTC, datetime

    from app.db import make_engine, make_sessionmaker
    from app.jobs import service as jobs

    try:
        now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        typer.echo("error: at: not an ISO date and time", err=True)
        raise typer.Exit(2) from None
    if now.tzinfo is None:
        typer.echo("error: at: give a time zone offset, e.g. 2026-12-01T07:05+07:00", err=True)
        raise typer.Exit(2)
    factory = make_sessionmaker(make_engine(_settings().database_url))
    if name == "deliver":
        typer.echo(f"{jobs.deliver(factory, now)} message(s) sent")
        return
    if name not in jobs.JOBS:
        typer.echo(f"error: name: no job {name!r}", err=True)
        raise typer.Exit(2)
    typer.echo(f"{jobs.run_tick(factory, name, now)} slot(s) done")


@cli.command()
def purge(
    dry_run: Annotated[bool, typer.Option(help="Say what would go; change nothing")] = False,
    at: Annotated[str | None, typer.Option(help="ISO time to judge ages by")] = None,
) -> None:
    """Apply the retention rules (RONDA_RETENTION_*) to the whole installation now."""
    from datetime import UTC, datetime

    from app.privacy import retention

    try:
        now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        typer.echo("error: at: not an ISO date and time", err=True)
        raise typer.Exit(2) from None
    if now.tzinfo is None:
        typer.echo("error: at: give a time zone offset, e.g. 2026-12-01T02:00+07:00", err=True)
        raise typer.Exit(2)
    settings = _settings()
    with _session_scope() as session:
        report = retention.purge(session, None, now, settings, dry_run=dry_run)
        if dry_run:
            session.rollback()
    labels = {
        "checkin_locations": f"check-in locations older than "
        f"{settings.retention_checkin_location_days} days",
        "photos": f"photos of reports closed over {settings.retention_photo_days} days ago",
        "report_texts": f"texts of reports closed over {settings.retention_report_text_days} "
        "days ago",
        "households": f"households moved out over {settings.retention_moved_out_days} days ago",
        "messages": f"messages older than {settings.retention_outbox_days} days",
        "idempotency_records": f"stored answers older than "
        f"{settings.retention_idempotency_days} days",
    }
    verb = "would go" if dry_run else "gone"
    for key, count in report.as_dict().items():
        typer.echo(f"{count:>8}  {labels[key]}: {verb}")
    if dry_run:
        typer.echo("dry run: nothing was changed")


@cli.command()
def backup(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Archive file (.tar.gz)")
    ] = None,
) -> None:
    """Write one consistent archive of the database and the media folder."""
    from datetime import UTC, datetime

    from app.backup import service as backups

    now = datetime.now(UTC)
    target = output or Path(f"ronda-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz")
    try:
        result = backups.backup(_settings(), target, now)
    except backups.BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    rows = sum(result.tables.values())
    typer.echo(
        f"backup written to {result.path} ({result.size_bytes} bytes): {result.dialect} "
        f"at revision {result.revision}, {len(result.tables)} tables, {rows} rows, "
        f"{result.media_files} media files"
    )


@cli.command()
def restore(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Restore an archive into an empty deployment (empty database and media folder)."""
    from app.backup import service as backups

    try:
        result = backups.restore(_settings(), archive)
    except backups.BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    rows = sum(result.tables.values())
    typer.echo(
        f"restored {result.dialect} database at revision {result.revision}: "
        f"{len(result.tables)} tables, {rows} rows, {result.media_files} media files"
    )


@demo_cli.command("load")
def demo_load(
    if_empty: Annotated[bool, typer.Option(help="Only when the database has no area")] = False,
) -> None:
    """Load the demo kelurahan."""
    from app.clock import SystemClock
    from app.demo import service as demo

    with _session_scope() as session:
        if if_empty and not demo.is_empty(session):
            typer.echo("database already has data; demo not loaded")
            return
        result = demo.load(session, SystemClock().now(), _settings())
    typer.echo(", ".join(f"{k}: {v}" for k, v in result.items()))


def main() -> None:
    logging.basicConfig(format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    cli()
