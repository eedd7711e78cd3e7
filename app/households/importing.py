"""CSV import and export of an RT's households and members: all or nothing.

One row per member; a household without members is one row with the member
columns empty. Headers may be English or Indonesian. Every cell is checked before
anything is written, and a file with any problem changes nothing: the answer
lists every problem with its line and column. Households are matched by their
house identifier and members by name, so importing the same file again changes
nothing. Members missing from the file are left alone, never deleted.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.errors import DomainError, Invalid
from app.households import service as households
from app.households.models import Household, HouseholdStatus, Member
from app.households.phones import normalise_phone
from app.households.schemas import HouseholdCreate, ImportResult, MemberCreate
from app.i18n import N_

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000

# Canonical column -> accepted headers (normalised: lower case, "_" for spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "house_code": ("house", "house_code", "rumah", "no_rumah", "nomor_rumah"),
    "head_name": ("head_name", "head", "nama_kepala_keluarga", "kepala_keluarga", "nama_kk"),
    "phone": ("phone", "telepon", "no_hp", "hp"),
    "address": ("address", "alamat"),
    "status": ("status",),
    "exempt_reason": ("exempt_reason", "alasan_bebas"),
    "exempt_from": ("exempt_from", "bebas_mulai"),
    "exempt_until": ("exempt_until", "bebas_sampai"),
    "moved_out_date": ("moved_out_date", "tanggal_pindah"),
    "joined_date": ("joined_date", "tanggal_bergabung"),
    "member_name": ("member_name", "nama_anggota"),
    "member_phone": ("member_phone", "telepon_anggota"),
    "may_patrol": ("may_patrol", "ikut_ronda"),
}
HEADERS = {
    "en": {c: names[0] for c, names in COLUMNS.items()},
    "id": {
        "house_code": "rumah",
        "head_name": "nama_kepala_keluarga",
        "phone": "telepon",
        "address": "alamat",
        "status": "status",
        "exempt_reason": "alasan_bebas",
        "exempt_from": "bebas_mulai",
        "exempt_until": "bebas_sampai",
        "moved_out_date": "tanggal_pindah",
        "joined_date": "tanggal_bergabung",
        "member_name": "nama_anggota",
        "member_phone": "telepon_anggota",
        "may_patrol": "ikut_ronda",
    },
}
_ALIAS = {alias: canonical for canonical, names in COLUMNS.items() for alias in names}
HOUSEHOLD_COLUMNS = [c for c in COLUMNS if c not in {"member_name", "member_phone", "may_patrol"}]
STATUS_WORDS = {
    "active": HouseholdStatus.active,
    "aktif": HouseholdStatus.active,
    "exempt": HouseholdStatus.exempt,
    "dibebaskan": HouseholdStatus.exempt,
    "bebas": HouseholdStatus.exempt,
    "moved_out": HouseholdStatus.moved_out,
    "pindah": HouseholdStatus.moved_out,
}
STATUS_EXPORT = {
    "en": {s: s.value for s in HouseholdStatus},
    "id": {
        HouseholdStatus.active: "aktif",
        HouseholdStatus.exempt: "dibebaskan",
        HouseholdStatus.moved_out: "pindah",
    },
}
YES = {"ya", "y", "yes", "true", "1"}
NO = {"tidak", "t", "no", "n", "false", "0"}
MAX_LENGTH = {"house_code": 40, "head_name": 120, "address": 200, "exempt_reason": 200}


class CsvTooLarge(DomainError):
    status_code = 413
    code = "csv_too_large"
    message = N_("The file is larger than {limit_kb} KB; split it or remove unused columns.")


class CsvInvalid(Invalid):
    code = "csv_invalid"
    message = N_("The file has {count} problem(s); nothing was imported.")


@dataclass
class HouseRow:
    line: int
    household: dict[str, Any]
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _date(text: str) -> date:
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, line: int, column: str | None, reason: str, **params: object) -> None:
        self.items.append({"line": line, "column": column, "reason": reason, "params": params})


def parse(data: bytes) -> list[HouseRow]:
    """Check every cell of a households CSV; raise ``CsvInvalid`` listing every problem."""
    if len(data) > MAX_BYTES:
        raise CsvTooLarge(limit_kb=MAX_BYTES // 1000, field="file")
    problems = _Problems()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(1, None, N_("The file is not UTF-8 text."))
        raise CsvInvalid(count=1, field="file", details=problems.items) from None
    if not text.strip():
        problems.add(1, None, N_("The file is empty."))
        raise CsvInvalid(count=1, field="file", details=problems.items)
    first_line = text.splitlines()[0]
    # Spreadsheets set to Indonesian save with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    raw_header = next(reader)
    columns: list[str | None] = []
    for raw in raw_header:
        name = _header(raw)
        if not name:
            columns.append(None)
            continue
        if name not in _ALIAS:
            problems.add(1, raw.strip(), N_("Unknown column {header}."), header=raw.strip())
            columns.append(None)
            continue
        columns.append(_ALIAS[name])
    for required in ("house_code", "head_name"):
        if required not in columns:
            problems.add(1, required, N_("Missing column {header}."), header=required)
    if problems.items:
        raise CsvInvalid(count=len(problems.items), field="file", details=problems.items)

    houses: dict[str, HouseRow] = {}
    rows = 0
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.add(line, None, N_("More than {limit} rows."), limit=MAX_ROWS)
            break
        cells = {
            c: (record[i].strip() if i < len(record) else "") for i, c in enumerate(columns) if c
        }
        household = _household_cells(cells, line, problems)
        member = _member_cells(cells, line, problems)
        code = cells.get("house_code", "")
        if not code:
            continue
        house = houses.get(code.casefold())
        if house is None:
            house = houses[code.casefold()] = HouseRow(line=line, household=household)
        elif household != house.household:
            problems.add(
                line,
                "house_code",
                N_("House {house} appears again with other details (first on line {first})."),
                house=code,
                first=house.line,
            )
        if member is not None:
            if any(m["name"].casefold() == member["name"].casefold() for _l, m in house.members):
                problems.add(
                    line,
                    "member_name",
                    N_("Member {name} appears twice for house {house}."),
                    name=member["name"],
                    house=code,
                )
            house.members.append((line, member))
    if problems.items:
        raise CsvInvalid(count=len(problems.items), field="file", details=problems.items)
    return list(houses.values())


def _household_cells(cells: dict[str, str], line: int, problems: _Problems) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in ("house_code", "head_name"):
        if not cells.get(column):
            problems.add(line, column, N_("Required."))
    for column in HOUSEHOLD_COLUMNS:
        if column not in cells:
            continue
        value = cells[column]
        if column in MAX_LENGTH and len(value) > MAX_LENGTH[column]:
            problems.add(
                line, column, N_("Too long (at most {max} characters)."), max=MAX_LENGTH[column]
            )
            continue
        if column == "phone":
            out[column] = _phone(value, line, column, problems)
        elif column == "status":
            status = STATUS_WORDS.get(value.lower() or "active")
            if status is None:
                problems.add(
                    line,
                    column,
                    N_("Unknown status {value}; use active, exempt or moved_out."),
                    value=value,
                )
            out[column] = status
        elif column.endswith("_date") or column in {"exempt_from", "exempt_until"}:
            if not value:
                out[column] = None
                continue
            try:
                out[column] = _date(value)
            except ValueError:
                problems.add(
                    line,
                    column,
                    N_("{value} is not a date (YYYY-MM-DD or DD/MM/YYYY)."),
                    value=value,
                )
        else:
            out[column] = value or None
    status = out.get("status")
    if status == HouseholdStatus.exempt and not out.get("exempt_reason"):
        problems.add(line, "exempt_reason", N_("An exempt household needs a reason."))
    if status == HouseholdStatus.moved_out and not out.get("moved_out_date"):
        problems.add(
            line, "moved_out_date", N_("A household that moved out needs the date it left.")
        )
    return out


def _member_cells(cells: dict[str, str], line: int, problems: _Problems) -> dict[str, Any] | None:
    name = cells.get("member_name", "")
    if not name:
        if cells.get("member_phone"):
            problems.add(line, "member_name", N_("Required."))
        return None
    if len(name) > 120:
        problems.add(line, "member_name", N_("Too long (at most {max} characters)."), max=120)
    member: dict[str, Any] = {"name": name}
    if "member_phone" in cells:
        member["phone"] = _phone(cells["member_phone"], line, "member_phone", problems)
    if "may_patrol" in cells:
        word = cells["may_patrol"].lower()
        if word and word not in YES | NO:
            problems.add(line, "may_patrol", N_("Yes or no expected (ya/tidak)."))
        member["may_patrol"] = word not in NO
    return member


def _phone(value: str, line: int, column: str, problems: _Problems) -> str | None:
    if not value:
        return None
    try:
        return normalise_phone(value)
    except ValueError:
        problems.add(
            line, column, N_("{value} is not a valid Indonesian phone number."), value=value
        )
        return None


def import_households(
    session: Session, rt: Area, data: bytes, *, actor_id: int | None, now: datetime
) -> ImportResult:
    """Import a households CSV into an RT, all or nothing; a repeat changes nothing."""
    households.require_rt(rt)
    houses = parse(data)
    existing = {
        h.house_code.casefold(): h
        for h in session.scalars(select(Household).where(Household.rt_id == rt.id))
    }
    members = households.members_by_household(session, [h.id for h in existing.values()])
    result = ImportResult(
        households_created=0,
        households_updated=0,
        households_unchanged=0,
        members_created=0,
        members_updated=0,
    )
    for house in houses:
        found = existing.get(house.household["house_code"].casefold())
        if found is None:
            found = households.create_household(
                session,
                rt,
                HouseholdCreate.model_validate(
                    {k: v for k, v in house.household.items() if v is not None}
                ),
                actor_id=actor_id,
                now=now,
            )
            known: list[Member] = []
            result.households_created += 1
        else:
            changed = households.update_household(
                session, found, dict(house.household), actor_id=actor_id, now=now
            )
            known = members[found.id]
            if changed:
                result.households_updated += 1
            else:
                result.households_unchanged += 1
        by_name = {m.name.casefold(): m for m in known}
        for _line, member in house.members:
            match = by_name.get(member["name"].casefold())
            if match is None:
                households.add_member(
                    session, found, MemberCreate.model_validate(member), actor_id=actor_id, now=now
                )
                result.members_created += 1
            elif households.update_member(session, match, member, actor_id=actor_id, now=now):
                result.members_updated += 1
    return result


def export_households(session: Session, rt: Area, language: str) -> str:
    """The RT's households and members as CSV, with headers in ``language``."""
    headers = HEADERS["en" if language == "en" else "id"]
    statuses = STATUS_EXPORT["en" if language == "en" else "id"]
    rows = list(
        session.scalars(
            select(Household).where(Household.rt_id == rt.id).order_by(Household.house_code)
        )
    )
    members = households.members_by_household(session, [h.id for h in rows])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([headers[c] for c in COLUMNS])
    yes, no = ("yes", "no") if language == "en" else ("ya", "tidak")
    for household in rows:
        base = [
            statuses[household.status] if c == "status" else _cell(getattr(household, c))
            for c in HOUSEHOLD_COLUMNS
        ]
        choices: list[Member | None] = list(members[household.id]) or [None]
        for member in choices:
            if member is None:
                writer.writerow([*base, "", "", ""])
            else:
                writer.writerow(
                    [*base, member.name, member.phone or "", yes if member.may_patrol else no]
                )
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
