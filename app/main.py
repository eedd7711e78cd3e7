"""The application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from app.areas.routes import router as areas_router
from app.auth.routes import router as auth_router
from app.clock import Clock, configured
from app.config import Settings, get_settings
from app.db import DbSession, make_engine, make_sessionmaker
from app.errors import ErrorResponse, install_error_handlers
from app.households.routes import router as households_router
from app.incidents.routes import public as incidents_public
from app.incidents.routes import router as incidents_router
from app.patrols.routes import router as patrols_router
from app.privacy.routes import router as privacy_router
from app.rostering.routes import feeds_router
from app.rostering.routes import router as rostering_router
from app.summaries.routes import router as summaries_router
from app.web.site import install_pages, page_errors


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, clock: Clock | None = None
) -> FastAPI:
    """Build the app on the configured database (or the given engine and clock)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        # One process (the SQLite default) runs its own scheduler; with several workers
        # the scheduler runs apart, as ``ronda scheduler``.
        scheduler = None
        if settings.run_scheduler and settings.workers == 1:
            from app.jobs.scheduler import background

            scheduler = background(application.state.sessionmaker, application.state.clock)
            scheduler.start()
        yield
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    app = FastAPI(
        lifespan=lifespan,
        title="Ronda",
        version="0.1.0",
        description="Fair night-patrol rosters, patrol logs and incident reports for RT/RW.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.clock = clock or configured(
        settings.clock_start, settings.clock_speed, settings.clock_anchor
    )
    install_error_handlers(app, page_errors)
    app.include_router(auth_router)
    app.include_router(areas_router)
    app.include_router(households_router)
    app.include_router(rostering_router)
    app.include_router(feeds_router)
    app.include_router(patrols_router)
    app.include_router(incidents_router)
    app.include_router(incidents_public)
    app.include_router(summaries_router)
    app.include_router(privacy_router)
    install_pages(app)

    @app.get(
        "/healthz",
        tags=["ops"],
        responses={503: {"model": ErrorResponse, "description": "Database unavailable"}},
    )
    def healthz(session: DbSession) -> Any:
        """Answer 200 only when the database answers."""
        try:
            session.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse(
                status_code=503,
                content={
                    "error": {"code": "database_unavailable", "message": "database", "field": None}
                },
            )
        return {"status": "ok"}

    return app
