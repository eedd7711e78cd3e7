"""What each role may do; the one table the permission check reads."""

import enum

from app.auth.models import Role


class Permission(enum.StrEnum):
    read_area = "read_area"
    manage_area = "manage_area"
    create_area = "create_area"
    read_users = "read_users"
    manage_users = "manage_users"
    hand_over = "hand_over"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.rw_head: frozenset({Permission.read_area, Permission.read_users, Permission.manage_users}),
    Role.rt_head: frozenset(
        {
            Permission.read_area,
            Permission.manage_area,
            Permission.read_users,
            Permission.manage_users,
            Permission.hand_over,
        }
    ),
    Role.member: frozenset({Permission.read_area}),
    Role.liaison: frozenset({Permission.read_area}),
}

# Which roles a holder of each role may hand out, within their own area.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.admin: frozenset(Role),
    Role.rw_head: frozenset({Role.rt_head, Role.member, Role.liaison}),
    Role.rt_head: frozenset({Role.member}),
    Role.member: frozenset(),
    Role.liaison: frozenset(),
}
