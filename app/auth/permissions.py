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
    read_households = "read_households"
    read_household_details = "read_household_details"
    manage_households = "manage_households"
    read_roster = "read_roster"
    manage_roster = "manage_roster"
    comment_roster = "comment_roster"
    read_reports = "read_reports"
    file_report = "file_report"
    act_on_reports = "act_on_reports"
    moderate_reports = "moderate_reports"
    read_summary = "read_summary"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    # The RW head reads across the RW's RTs; the RT heads change them.
    Role.rw_head: frozenset(
        {
            Permission.read_area,
            Permission.read_users,
            Permission.manage_users,
            Permission.read_households,
            Permission.read_household_details,
            Permission.read_roster,
            Permission.read_reports,
            Permission.file_report,
            Permission.read_summary,
        }
    ),
    Role.rt_head: frozenset(
        {
            Permission.read_area,
            Permission.manage_area,
            Permission.read_users,
            Permission.manage_users,
            Permission.hand_over,
            Permission.read_households,
            Permission.read_household_details,
            Permission.manage_households,
            Permission.read_roster,
            Permission.manage_roster,
            Permission.comment_roster,
            Permission.read_reports,
            Permission.file_report,
            Permission.moderate_reports,
            Permission.read_summary,
        }
    ),
    # A member sees the names on the roster and their own household in full.
    Role.member: frozenset(
        {
            Permission.read_area,
            Permission.read_households,
            Permission.read_roster,
            Permission.comment_roster,
            Permission.read_reports,
            Permission.file_report,
        }
    ),
    # The liaison reads rosters (names, never phones) and acts on incidents.
    Role.liaison: frozenset(
        {
            Permission.read_area,
            Permission.read_roster,
            Permission.read_reports,
            Permission.act_on_reports,
            Permission.read_summary,
        }
    ),
}

# Which roles a holder of each role may hand out, within their own area.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.admin: frozenset(Role),
    # The liaison is the police's: only an admin hands that role out.
    Role.rw_head: frozenset({Role.rt_head, Role.member}),
    Role.rt_head: frozenset({Role.member}),
    Role.member: frozenset(),
    Role.liaison: frozenset(),
}
