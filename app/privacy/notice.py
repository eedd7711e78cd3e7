"""The privacy notice, written from this deployment's settings in Indonesian and English.

The retention periods come from ``Settings``, so the page says what the purge does;
the who-sees-what table is DESIGN.md's. The text lives here per language, like the
other printed pages, so one reviewer reads the whole notice in one place.
"""

from typing import Any

from app.config import Settings

ROLES = ("rt_head", "rw_head", "member", "liaison", "admin")

TEXT: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Pemberitahuan Privasi Ronda",
        "intro": (
            "Ronda menyimpan data warga untuk menyusun jadwal ronda malam yang adil, "
            "mencatat jalannya ronda, dan meneruskan laporan kejadian kepada "
            "Bhabinkamtibmas. Pemberitahuan ini mengikuti Undang-Undang Nomor 27 Tahun "
            "2022 tentang Pelindungan Data Pribadi: untuk apa data dipakai, data apa "
            "saja, berapa lama disimpan, siapa yang melihatnya, dan hak Anda."
        ),
        "controller": "Pengendali data",
        "contact": "Kontak",
        "purpose_title": "Untuk apa dan data apa",
        "purposes": [
            (
                "Daftar rumah tangga (KK)",
                "nomor rumah, nama kepala keluarga, telepon, alamat, anggota, masa "
                "bebas ronda beserta alasannya, masa bepergian",
                "menyusun jadwal yang adil dan menghubungi warga yang bertugas",
            ),
            (
                "Jadwal dan kehadiran",
                "giliran, tukar giliran, pengganti, hadir/tidak hadir, denda",
                "menjaga keadilan giliran dari bulan ke bulan",
            ),
            (
                "Malam ronda",
                "waktu absen, lokasi (bila dikirim ponsel), catatan malam, jimpitan",
                "membuktikan ronda berjalan dan menyusun ringkasan mingguan",
            ),
            (
                "Laporan kejadian",
                "kategori, waktu, tempat, uraian, foto, pelapor (kecuali laporan anonim)",
                "ditindaklanjuti polisi; pelapor melihat tindak lanjutnya",
            ),
            (
                "Akun",
                "nama pengguna, nama, telepon, surel, bahasa, sesi masuk",
                "masuk ke Ronda dan menerima pesan",
            ),
        ],
        "purpose_head": ("Data", "Isinya", "Tujuannya"),
        "retention_title": "Berapa lama disimpan",
        "retention": {
            "checkin": "Lokasi (koordinat) absen ronda dihapus setelah {days} hari; waktu "
            "dan gilirannya tetap.",
            "photo": "Foto laporan dihapus {days} hari setelah laporan selesai.",
            "text": "Uraian, tempat, koordinat dan pelapor laporan yang selesai dihapus "
            "{days} hari setelah selesai; yang tersisa hanya kategori, tingkat, tanggal "
            "dan status untuk ringkasan mingguan.",
            "moved": "Rumah tangga yang pindah dihapus identitasnya {days} hari setelah "
            "tanggal pindah; giliran yang sudah dijalani tetap dihitung tanpa nama.",
            "outbox": "Pesan yang sudah terkirim dihapus setelah {days} hari.",
            "idempotency": "Jawaban tersimpan untuk permintaan ulang dihapus setelah {days} hari.",
        },
        "forever": "disimpan tanpa batas waktu (diatur operator)",
        "labels": {
            "checkin": "Lokasi absen ronda",
            "photo": "Foto laporan",
            "text": "Uraian laporan yang selesai",
            "moved": "Identitas rumah tangga yang pindah",
            "outbox": "Pesan terkirim",
            "idempotency": "Jawaban tersimpan untuk permintaan ulang",
        },
        "retention_note": "Penghapusan berjalan otomatis setiap malam.",
        "anon_title": "Laporan anonim",
        "anon": (
            "Laporan anonim tidak menyimpan siapa pelapornya, dalam bentuk apa pun: "
            "tidak di laporan, tidak di log, tidak di cadangan data. Karena itu laporan "
            "anonim tidak muncul dalam unduhan data Anda dan tidak dapat dikaitkan "
            "dengan Anda; ikuti laporan itu dengan tanda terimanya. Operator yang "
            "mengamati server secara langsung berada di luar janji ini."
        ),
        "sees_title": "Siapa melihat apa",
        "roles": {
            "rt_head": "Ketua RT (RT-nya)",
            "rw_head": "Ketua RW",
            "member": "Warga (RT-nya)",
            "liaison": "Bhabinkamtibmas (wilayahnya)",
            "admin": "Admin",
        },
        "sees": [
            (
                "Rumah tangga, anggota, telepon",
                ["semua", "semua, baca", "nama di jadwal; rumahnya sendiri", "tidak", "semua"],
            ),
            (
                "Jadwal, papan keadilan",
                ["semua, ubah", "baca", "baca", "baca (tanpa telepon)", "semua"],
            ),
            (
                "Kehadiran, ketidakhadiran per rumah",
                ["semua, koreksi", "baca", "miliknya", "jumlah saja", "semua"],
            ),
            ("Catatan malam, jimpitan", ["semua", "baca", "malamnya; baca", "baca", "semua"]),
            (
                "Isi laporan",
                [
                    "semua",
                    "baca",
                    "miliknya lengkap; lainnya kategori, tanggal, status",
                    "semua di wilayahnya",
                    "semua",
                ],
            ),
            ("Pelapor laporan bernama", ["ya", "ya", "tidak", "ya", "ya"]),
            ("Pelapor laporan rahasia", ["tidak", "tidak", "tidak", "ya, dengan telepon", "tidak"]),
            ("Pelapor laporan anonim", ["tidak", "tidak", "tidak", "tidak", "tidak"]),
        ],
        "rights_title": "Hak Anda",
        "rights": [
            "Mengunduh semua data yang disimpan Ronda tentang rumah tangga Anda (JSON atau "
            "CSV): GET /api/v1/households/{id}/personal-data?format=json|csv.",
            "Membetulkan nama, telepon dan alamat: PATCH /api/v1/households/{id}/personal-data.",
            "Meminta penghapusan: POST /api/v1/households/{id}/erasure. Nama, kontak, "
            "anggota dan akun warga dihapus; giliran yang sudah dijalani tetap dihitung "
            "tanpa nama agar jadwal tetap adil bagi tetangga.",
            "Ketua RT dapat melakukan semua ini atas nama Anda bila Anda tidak memakai ponsel.",
        ],
        "backup": (
            "Cadangan data menyimpan salinan basis data dan foto; data yang sudah dihapus "
            "hilang dari cadangan baru, dan cadangan lama hanya disimpan selama "
            "operator menyimpannya."
        ),
        "lang_other": ("English", "en"),
    },
    "en": {
        "title": "Ronda Privacy Notice",
        "intro": (
            "Ronda keeps residents' data to draw a fair night-patrol roster, record the "
            "patrols, and pass incident reports to the police liaison (Bhabinkamtibmas). "
            "This notice follows Indonesia's Personal Data Protection Law (UU No. 27 of "
            "2022): why data is used, what data, how long it is kept, who sees it, and "
            "your rights."
        ),
        "controller": "Data controller",
        "contact": "Contact",
        "purpose_title": "What for, and what data",
        "purposes": [
            (
                "The register of households (KK)",
                "house code, head of household, phone, address, members, exemptions "
                "and their reasons, times away",
                "drawing a fair roster and reaching the people on duty",
            ),
            (
                "Roster and attendance",
                "turns, swaps, stand-ins, present/absent, fines",
                "keeping turns fair from month to month",
            ),
            (
                "Patrol nights",
                "check-in time, location (when the phone sends it), the night's log, jimpitan",
                "showing the patrol happened and building weekly summaries",
            ),
            (
                "Incident reports",
                "category, time, place, description, photos, reporter (not for anonymous reports)",
                "follow-up by the police; the reporter sees what was done",
            ),
            (
                "Accounts",
                "username, name, phone, e-mail, language, sessions",
                "signing in and receiving messages",
            ),
        ],
        "purpose_head": ("Data", "What it holds", "Why"),
        "retention_title": "How long it is kept",
        "retention": {
            "checkin": "A check-in's location (coordinates) is deleted after {days} days; "
            "its time and turn stay.",
            "photo": "Report photos are deleted {days} days after the report is closed.",
            "text": "A closed report's description, place, coordinates and reporter are "
            "deleted {days} days after closing; only category, severity, dates and status "
            "stay, for the weekly summaries.",
            "moved": "A household that moved out loses its identity {days} days after the "
            "moving date; the turns it served still count, without a name.",
            "outbox": "Delivered messages are deleted after {days} days.",
            "idempotency": "Stored answers to repeated requests are deleted after {days} days.",
        },
        "forever": "kept without a time limit (the operator's setting)",
        "labels": {
            "checkin": "Check-in locations",
            "photo": "Report photos",
            "text": "Closed reports' words",
            "moved": "Identity of households that moved out",
            "outbox": "Delivered messages",
            "idempotency": "Stored answers to repeated requests",
        },
        "retention_note": "The purge runs automatically every night.",
        "anon_title": "Anonymous reports",
        "anon": (
            "An anonymous report keeps no trace of who filed it, in any form: not in the "
            "report, not in logs, not in backups. So it is not in your data download and "
            "cannot be tied to you; follow it with its receipt. An operator watching the "
            "live server is outside this promise."
        ),
        "sees_title": "Who sees what",
        "roles": {
            "rt_head": "RT head (own RT)",
            "rw_head": "RW head",
            "member": "Resident (own RT)",
            "liaison": "Police liaison (assigned areas)",
            "admin": "Admin",
        },
        "sees": [
            (
                "Households, members, phones",
                ["all", "all, read", "names on the roster; own household", "none", "all"],
            ),
            ("Rosters, fairness board", ["all, edit", "read", "read", "read (no phones)", "all"]),
            (
                "Attendance, no-shows by household",
                ["all, correct", "read", "own", "counts only", "all"],
            ),
            ("Night logs, jimpitan", ["all", "read", "own nights; read", "read", "all"]),
            (
                "Report contents",
                [
                    "all",
                    "read",
                    "own in full; others as category, date, status",
                    "all in area, act on them",
                    "all",
                ],
            ),
            ("Reporter of a named report", ["yes", "yes", "no", "yes", "yes"]),
            ("Reporter of a confidential report", ["no", "no", "no", "yes, with phone", "no"]),
            ("Reporter of an anonymous report", ["no", "no", "no", "no", "no"]),
        ],
        "rights_title": "Your rights",
        "rights": [
            "Download everything Ronda holds about your household (JSON or CSV): "
            "GET /api/v1/households/{id}/personal-data?format=json|csv.",
            "Correct names, phones and address: PATCH /api/v1/households/{id}/personal-data.",
            "Ask for erasure: POST /api/v1/households/{id}/erasure. Names, contacts, members "
            "and residents' accounts are deleted; the turns already served still count, "
            "without a name, so the roster stays fair to the neighbours.",
            "The RT head can do all of this on your behalf if you do not use a phone.",
        ],
        "backup": (
            "Backups hold a copy of the database and photos; erased data is absent from "
            "new backups, and old backups last only as long as the operator keeps them."
        ),
        "lang_other": ("Bahasa Indonesia", "id"),
    },
}


def retention_lines(settings: Settings, language: str) -> list[str]:
    """Each retention rule in words, with this deployment's number of days."""
    text = TEXT[language]
    rules = [
        ("checkin", settings.retention_checkin_location_days),
        ("photo", settings.retention_photo_days),
        ("text", settings.retention_report_text_days),
        ("moved", settings.retention_moved_out_days),
        ("outbox", settings.retention_outbox_days),
        ("idempotency", settings.retention_idempotency_days),
    ]
    lines = []
    for key, days in rules:
        sentence = text["retention"][key]
        if days > 0:
            lines.append(sentence.format(days=days))
        else:
            lines.append(f"{text['labels'][key]}: {text['forever']}.")
    return lines


def context(settings: Settings, language: str) -> dict[str, Any]:
    """What the notice page says, from this deployment's settings, in ``language``."""
    language = "en" if language == "en" else "id"
    text = TEXT[language]
    return {
        "t": text,
        "roles": [text["roles"][r] for r in ROLES],
        "retention": retention_lines(settings, language),
        "controller": settings.privacy_controller,
        "contact": settings.privacy_contact,
    }
