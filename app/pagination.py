"""One page of a list, the same shape for every list endpoint."""

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
