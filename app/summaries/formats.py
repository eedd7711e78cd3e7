"""A summary as CSV, a printable page with SVG charts, and WhatsApp text."""

import csv
import io
from typing import Any

from app.i18n import N_, gettext
from app.incidents.service import CATEGORY_LABELS
from app.rostering.exports import TEMPLATES
from app.summaries import charts

COLUMNS = [
    ("name", "RT", "RT"),
    ("nights_scheduled", "Malam dijadwalkan", "Nights scheduled"),
    ("nights_patrolled", "Malam dironda", "Nights patrolled"),
    ("attendance_rate", "Kehadiran", "Attendance"),
    ("no_shows", "Tidak hadir", "No-shows"),
    ("jimpitan_rupiah", "Jimpitan (Rp)", "Jimpitan (Rp)"),
    ("reports", "Laporan", "Reports"),
    ("ack_median_minutes", "Median tanggap (mnt)", "Median to acknowledge (min)"),
    ("ack_worst_minutes", "Terlama tanggap (mnt)", "Worst to acknowledge (min)"),
]
TITLE = N_("Weekly security summary {area}, {week}")
LABELS = {
    "id": {
        "attendance": "Kehadiran per RT",
        "reports": "Laporan per kategori",
        "trend": "Kehadiran 5 minggu terakhir",
        "missed": "Rumah yang tidak hadir",
    },
    "en": {
        "attendance": "Attendance per RT",
        "reports": "Reports per category",
        "trend": "Attendance, last 5 weeks",
        "missed": "Households that missed their turn",
    },
}


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "attendance_rate":
        return f"{value:.0%}"
    if key == "jimpitan_rupiah":
        return f"{value:,}".replace(",", ".")
    return str(value)


def as_csv(data: dict[str, Any], language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c[2] if language == "en" else c[1] for c in COLUMNS])
    for row in [*data["rts"], {"name": "TOTAL", **data["totals"]}]:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k, _i, _e in COLUMNS])
    return out.getvalue()


def _category(name: str, language: str) -> str:
    for category, (indonesian, english) in CATEGORY_LABELS.items():
        if category.value == name:
            return english if language == "en" else indonesian
    return name


def page_parts(data: dict[str, Any], language: str) -> dict[str, Any]:
    """What a summary page shows: title, table, charts (SVG drawn here) and who missed turns."""
    lang = "en" if language == "en" else "id"
    missed = [
        f"{r['name']}: {m['house_code']} {m['head_name']} ({m['missed']}x)"
        for r in data["rts"]
        for m in r.get("missed_households", [])
    ]
    return {
        "title": gettext(TITLE, language, area=data["area_name"], week=data["week"]),
        "period": f"{data['week_start']} \u2013 {data['week_end']}",
        "headers": [c[2] if lang == "en" else c[1] for c in COLUMNS],
        "rows": [[_cell(k, r.get(k)) for k, _i, _e in COLUMNS] for r in data["rts"]],
        "total_row": [
            "TOTAL" if k == "name" else _cell(k, data["totals"].get(k)) for k, _i, _e in COLUMNS
        ],
        "labels": LABELS[lang],
        "attendance_chart": charts.bars(
            [(r["name"], r["attendance_rate"] or 0.0) for r in data["rts"]], unit="%", maximum=1
        ),
        "reports_chart": charts.bars(
            [
                (_category(name, lang), count)
                for name, count in data["totals"]["reports_by_category"].items()
            ]
        ),
        "trend_chart": charts.bars(
            [(w["week_start"], w["attendance_rate"] or 0.0) for w in data["trend"]["weeks"]],
            unit="%",
            maximum=1,
        ),
        "missed": missed,
    }


def as_html(data: dict[str, Any], language: str) -> str:
    lang = "en" if language == "en" else "id"
    return TEMPLATES.get_template("summary_print.html").render(
        lang=lang, **page_parts(data, language)
    )


WA = {
    "id": (
        "*Ringkasan keamanan {area}, {week}*\n"
        "Malam dironda: {patrolled}/{scheduled}\n"
        "Kehadiran: {attendance}\n"
        "Tidak hadir: {no_shows}\n"
        "Jimpitan: Rp {jimpitan}\n"
        "Laporan: {reports}"
    ),
    "en": (
        "*Security summary {area}, {week}*\n"
        "Nights patrolled: {patrolled}/{scheduled}\n"
        "Attendance: {attendance}\n"
        "No-shows: {no_shows}\n"
        "Jimpitan: Rp {jimpitan}\n"
        "Reports: {reports}"
    ),
}


def as_whatsapp(data: dict[str, Any], language: str) -> str:
    totals = data["totals"]
    text = WA["en" if language == "en" else "id"].format(
        area=data["area_name"],
        week=data["week"],
        patrolled=totals["nights_patrolled"],
        scheduled=totals["nights_scheduled"],
        attendance=_cell("attendance_rate", totals["attendance_rate"]),
        no_shows=totals["no_shows"],
        jimpitan=_cell("jimpitan_rupiah", totals["jimpitan_rupiah"]),
        reports=totals["reports"],
    )
    lines = [text]
    for name, count in totals["reports_by_category"].items():
        lines.append(f"- {_category(name, language)}: {count}")
    return "\n".join(lines)
