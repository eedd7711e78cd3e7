"""A deterministic, realistic population for the demo kelurahan."""

import random
from datetime import date, timedelta

from app.households.models import AwayReason

MALE = (
    "Agus Ahmad Andi Bambang Budi Dedi Eko Fajar Hadi Hendra Imam Joko Kurniawan Lukman "
    "Muhammad Nur Prasetyo Rahmat Rizki Slamet Sugeng Sutrisno Teguh Wahyu Yusuf Bayu Dimas "
    "Gilang Arif Heru Sigit Wawan Yanto Supri Darto Rudi Anton Ilham Taufik Ridwan"
).split()
FEMALE = (
    "Sri Siti Dewi Ani Endang Lestari Rina Wulan Yuliana Fitri Indah Nurhayati Ratna Suryani "
    "Wahyuni Kartini Puji Tri Dwi Rahayu Ayu Dian Eka Lina Maya Novi Putri Sari Tuti Yanti"
).split()
FAMILY = (
    "Santoso Wibowo Setiawan Susanto Hidayat Saputra Nugroho Purnomo Hartono Gunawan "
    "Kusuma Pratama Siregar Nasution Simanjuntak Harahap Lubis Wijaya Halim Tanjung "
    "Suharto Sudarsono Prabowo Rahman Hakim Syahputra Firmansyah Kurniadi"
).split()
STREETS = (
    "Mawar Melati Kenanga Anggrek Flamboyan Cempaka Dahlia Teratai Kamboja Nusa Indah "
    "Sawo Mangga Rambutan Durian Jambu Kelapa Beringin Cendana"
).split()
EXEMPT_REASONS = ["lansia", "sakit menahun", "janda lansia", "disabilitas", "tugas malam"]


def _full_name(rng: random.Random, female: bool) -> str:
    first = rng.choice(FEMALE if female else MALE)
    if rng.random() < 0.6:
        return f"{first} {rng.choice(FAMILY)}"
    return first


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["0812", "0813", "0821", "0852", "0856", "0857", "0878", "0895"])
    return f"{prefix}{rng.randrange(10**7, 10**8)}"


def households_for(rt_index: int, today: date) -> list[dict[str, object]]:
    """The households of the demo RT number ``rt_index`` (0-based), with their people."""
    rng = random.Random(2026 + rt_index)
    count = rng.randint(30, 80)
    blocks = "ABCDEFG"[: rng.randint(2, 5)]
    street = rng.choice(STREETS)
    houses = []
    for n in range(count):
        block = blocks[n % len(blocks)]
        number = n // len(blocks) + 1
        female_head = rng.random() < 0.2
        head = _full_name(rng, female_head)
        title = "Ibu" if female_head else "Bapak"
        members = [{"name": head, "phone": _phone(rng), "may_patrol": not female_head}]
        if rng.random() < 0.7:
            members.append(
                {"name": _full_name(rng, True), "phone": _phone(rng), "may_patrol": False}
            )
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            members.append(
                {
                    "name": _full_name(rng, rng.random() < 0.5),
                    "phone": _phone(rng) if rng.random() < 0.6 else None,
                    "may_patrol": rng.random() < 0.6,
                }
            )
        unique: dict[str, dict[str, object]] = {}
        for member in members:
            unique.setdefault(str(member["name"]), member)
        house: dict[str, object] = {
            "house_code": f"{block}-{number:02d}",
            "head_name": f"{title} {head}",
            "phone": members[0]["phone"],
            "address": f"Jl. {street} Blok {block} No. {number}",
            "joined_date": today - timedelta(days=rng.randint(60, 20 * 365)),
            "members": list(unique.values()),
            "away": [],
        }
        roll = rng.random()
        if roll < 0.08:
            house["status"] = "exempt"
            house["exempt_reason"] = rng.choice(EXEMPT_REASONS)
        elif roll < 0.16:
            start = today + timedelta(days=rng.randint(-5, 40))
            house["away"] = [
                {
                    "start_date": start,
                    "end_date": start + timedelta(days=rng.randint(2, 14)),
                    "reason": rng.choice(list(AwayReason)),
                }
            ]
        houses.append(house)
    return houses
