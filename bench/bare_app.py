"""The yardstick for the check-in benchmark: FastAPI inserting one row with the ORM, nothing else.

Served by uvicorn on the same database, in the same run, so the check-in's figures can be
read against what the stack itself costs.
"""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI
from sqlalchemy import DateTime, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


class BenchRow(Base):
    __tablename__ = "bench_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_pre_ping=True)
factory = sessionmaker(engine)
app = FastAPI()


def session() -> Iterator[Session]:
    with factory.begin() as s:
        yield s


@app.post("/bare", status_code=201)
def bare(db: Annotated[Session, Depends(session, scope="function")]) -> dict[str, int]:
    row = BenchRow(note="check-in", created_at=datetime.now(UTC))
    db.add(row)
    db.flush()
    return {"id": row.id}
