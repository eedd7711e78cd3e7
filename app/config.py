"""Settings from the environment (prefix ``RONDA_``) and a ``.env`` file."""

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RONDA_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./ronda.db"
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    default_language: Literal["id", "en"] = "id"
    media_dir: Path = Path("media")
    log_level: str = "INFO"
    run_scheduler: bool = True
    # The scheduler's ticks. Tests shorten the tick and run a clock that starts at a
    # chosen time and runs faster, to cross due times in seconds.
    tick_seconds: float = 60
    clock_start: datetime | None = None
    clock_speed: float = 1.0
    # The wall time at which that clock starts (it stands still until then), so several
    # processes share one clock however long each takes to start.
    clock_anchor: datetime | None = None
    # Hold each slot's transaction open this long (tests kill a scheduler mid-slot).
    job_hold_seconds: float = 0
    # Notification channels, configured per deployment.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str = ""
    smtp_from: str = "ronda@localhost"
    # Retention (UU 27/2022 PDP: purpose and storage limitation), in days; 0 keeps forever.
    # The purge tick and ``ronda purge`` apply them; the privacy notice states them.
    retention_checkin_location_days: int = Field(default=90, ge=0)
    retention_photo_days: int = Field(default=180, ge=0)  # after the report is closed
    retention_report_text_days: int = Field(default=365, ge=0)  # after the report is closed
    retention_moved_out_days: int = Field(default=365, ge=0)  # after the moving-out date
    retention_outbox_days: int = Field(default=90, ge=0)  # delivered or failed messages
    retention_idempotency_days: int = Field(default=7, ge=0)  # stored answers to retries
    # Who answers for the data (named in the privacy notice), and how to reach them.
    privacy_controller: str = "Pengurus RT/RW setempat"
    privacy_contact: str | None = None
    # Argon2 cost; tests lower it so the suite stays fast.
    argon2_time_cost: int = 3
    argon2_memory_cost_kib: int = 65536

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> "Settings":
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "RONDA_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (RONDA_ENVIRONMENT=production)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
