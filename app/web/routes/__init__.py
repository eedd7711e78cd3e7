"""The web pages, one module per user journey; HTTP only, the services do the work."""

from fastapi import APIRouter

from app.web.routes import account, data, households, liaison, member, rosters, rt

MODULES = (account, households, rosters, rt, member, liaison, data)
router = APIRouter(include_in_schema=False)
for module in MODULES:
    router.include_router(module.router)
