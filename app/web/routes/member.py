"""The patrol member's pages: my nights, tonight at the post, reports, swaps, my ledger.

Built for a cheap phone at night: one tap for what is done every night, and the
forms that matter most (check-in, the log, a report) carry an idempotency key, so
the phone may resend them when the signal returns without making a second record.
"""

from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from app.areas import service as areas
from app.areas.routes import AREA
from app.auth.permissions import Permission
from app.auth.service import Principal
from app.db import DbSession
from app.deps import Now, PathId
from app.errors import DomainError, Forbidden
from app.households import service as households
from app.households.models import Household
from app.i18n import N_, gettext
from app.incidents import service as incidents
from app.incidents.models import Privacy, Severity
from app.incidents.schemas import IncidentCreate
from app.patrols import service as patrols
from app.patrols.routes import NIGHT
from app.patrols.schemas import CheckInCreate, EntryCreate
from app.rostering import exports, swaps
from app.rostering.routes import ASSIGNMENT, OFFER
from app.web.forms import CSRF, Form, FormInvalid, attempt, fields, once, parse, upload
from app.web.render import (
    ONCE_COOKIE,
    failed,
    redirect,
    redirect_once,
    refused,
    render,
    shown_once,
    words,
)
from app.web.session import PageLang, SignedInPage, page_require, settings_of

router = APIRouter(include_in_schema=False)

NightReader = Annotated[Principal, Depends(page_require(Permission.read_roster, NIGHT))]
TurnReader = Annotated[Principal, Depends(page_require(Permission.read_roster, ASSIGNMENT))]
OfferReader = Annotated[Principal, Depends(page_require(Permission.read_roster, OFFER))]
Filer = Annotated[Principal, Depends(page_require(Permission.file_report, AREA, touch=False))]

MY_NIGHTS_DAYS = 45
SEVERITY_LABELS = {
    Severity.rendah: N_("low"),
    Severity.sedang: N_("medium"),
    Severity.tinggi: N_("high"),
    Severity.darurat: N_("emergency"),
}
PRIVACY_LABELS = {
    Privacy.named: N_("Named: the RT head and the police liaison see that it was me"),
    Privacy.confidential: N_("Confidential: only the police liaison sees that it was me"),
    Privacy.anonymous: N_("Anonymous: nobody can learn that it was me"),
}


def _household(session: DbSession, principal: Principal) -> Household:
    own = households.own_household_id(session, principal)
    if own is None:
        raise Forbidden(N_("Your account is not linked to a household yet. Ask your RT head."))
    return households.get_household(session, own)


def category_options(lang: str) -> list[tuple[str, str]]:
    return [
        (c.value, english if lang == "en" else indonesian)
        for c, (indonesian, english) in incidents.CATEGORY_LABELS.items()
    ]


@router.get("/saya", response_class=HTMLResponse)
def my_nights(
    request: Request, session: DbSession, principal: SignedInPage, now: Now, lang: PageLang
) -> Response:
    """My household's coming turns, tonight's team, and turns others offer."""
    household = _household(session, principal)
    rt = areas.get_area(session, household.rt_id)
    today = now.astimezone(ZoneInfo(rt.timezone)).date()
    turns = patrols.household_turns(
        session, household.id, today - timedelta(days=1), today + timedelta(days=MY_NIGHTS_DAYS)
    )
    open_now = swaps.open_offers_in(session, rt, now)
    offers = [o for o in open_now if o.household_id != household.id]
    offered = {o.assignment_id for o in open_now if o.household_id == household.id}
    facts = swaps.offer_facts(session, offers)
    return render(
        request,
        "my_nights.html",
        lang=lang,
        principal=principal,
        household=household,
        rt=rt,
        turns=turns,
        tonight=patrols.tonight(session, rt, now),
        offers=offers,
        offered=offered,
        dates=facts.nights,
        houses=facts.houses,
        now=now,
        zone=rt.timezone,
    )


@router.post("/giliran/{assignment_id}/tawarkan", response_class=HTMLResponse)
def offer_turn(
    request: Request,
    assignment_id: PathId,
    form: Form,
    session: DbSession,
    principal: TurnReader,
    now: Now,
) -> Response:
    """Put my turn on offer; a neighbour may take it, or swap one of theirs."""
    note = fields(form, "note").get("note") or None

    def create() -> str:
        swaps.offer(session, principal, swaps.get_assignment(session, assignment_id), note, now)
        return "/saya"

    location = once(session, form, scope=f"offer:{assignment_id}", now=now, produce=create)
    return redirect(request, location, flash="offered")


@router.post("/tawaran/{offer_id}/ambil", response_class=HTMLResponse)
def take_offer(
    request: Request,
    offer_id: PathId,
    form: Form,
    session: DbSession,
    principal: OfferReader,
    now: Now,
) -> Response:
    """Take a neighbour's night, or swap it for one of mine."""
    mine = str(form.get("swap_assignment_id") or "")

    def take() -> str:
        swaps.take(
            session,
            principal,
            swaps.get_offer(session, offer_id),
            household_id=None,
            swap_assignment_id=int(mine) if mine.isdigit() else None,
            now=now,
        )
        return "/saya"

    location = once(
        session, form, scope=f"take:{offer_id}:{principal.user.id}", now=now, produce=take
    )
    return redirect(request, location, flash="taken")


@router.post("/saya/kalender", dependencies=[CSRF])
def my_calendar(
    request: Request, session: DbSession, principal: SignedInPage, now: Now
) -> Response:
    """A new secret calendar address for my household's turns (the old one stops)."""
    household = _household(session, principal)
    rt = areas.get_area(session, household.rt_id)
    _feed, secret = exports.create_feed(session, rt, household, actor_id=principal.user.id, now=now)
    return redirect_once(request, "/saya/kalender", secret)


@router.get("/saya/kalender", response_class=HTMLResponse)
def my_calendar_shown(request: Request, principal: SignedInPage, lang: PageLang) -> Response:
    secret = request.cookies.get(ONCE_COOKIE)
    url = f"{str(request.base_url).rstrip('/')}/ical/{secret}.ics" if secret else None
    page = render(
        request,
        "calendar_feed.html",
        lang=lang,
        principal=principal,
        url=url,
        webcal="webcal://" + url.split("://", 1)[1] if url else None,
    )
    return shown_once(request, page)


@router.get("/saya/buku", response_class=HTMLResponse)
def my_ledger(
    request: Request, session: DbSession, principal: SignedInPage, lang: PageLang
) -> Response:
    household = _household(session, principal)
    return render(
        request,
        "my_ledger.html",
        lang=lang,
        principal=principal,
        household=household,
        ledger=patrols.ledger(session, household),
    )


# --- tonight at the post ---------------------------------------------------------------------


def _night_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    night_id: int,
    **extra: Any,
) -> HTMLResponse:
    night = patrols.get_night(session, night_id)
    rt = patrols.rt_of_night(session, night)
    team, walk_ins = patrols.team(session, principal, night)
    log, entries = patrols.log_of(session, night)
    return render(
        request,
        "night.html",
        lang=lang,  # type: ignore[arg-type]
        principal=principal,
        night=night,
        rt=rt,
        zone=rt.timezone,
        team=team,
        walk_ins=walk_ins,
        log=log,
        entries=entries,
        watch=patrols.watch_list(session, night),
        on_team=patrols.on_team(session, principal, night),
        checked_in=patrols.own_check_in(session, principal, night) is not None,
        **extra,
    )


@router.get("/malam/{night_id}", response_class=HTMLResponse)
def night_page(
    request: Request, night_id: PathId, session: DbSession, principal: NightReader, lang: PageLang
) -> Response:
    return _night_page(request, session, principal, lang, night_id)


def _night_failed(
    request: Request,
    session: DbSession,
    principal: Principal,
    lang: str,
    night_id: int,
    exc: DomainError,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    return refused(
        exc,
        lang,
        lambda **page: _night_page(request, session, principal, lang, night_id, **page),
        form=typed or {},
    )


@router.post("/malam/{night_id}/hadir", response_class=HTMLResponse)
def check_in(
    request: Request,
    night_id: PathId,
    form: Form,
    session: DbSession,
    principal: NightReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Check in at the post with one tap; the phone's time and place if it gave them."""
    typed = fields(form, "captured_at", "latitude", "longitude", "accuracy_m")
    night = patrols.get_night(session, night_id)

    def create() -> str:
        data = parse(CheckInCreate, typed)
        patrols.check_in(
            session,
            principal,
            night,
            captured_at=data.captured_at,
            latitude=data.latitude,
            longitude=data.longitude,
            accuracy_m=data.accuracy_m,
            now=now,
        )
        return f"/malam/{night_id}"

    try:
        location = once(
            session,
            form,
            scope=f"check-in:{night_id}:{principal.user.id}",
            now=now,
            produce=create,
        )
    except DomainError as exc:
        return _night_failed(request, session, principal, lang, night_id, exc)
    return redirect(request, location, flash="checked_in")


@router.post("/malam/{night_id}/catat", response_class=HTMLResponse)
def add_entry(
    request: Request,
    night_id: PathId,
    form: Form,
    session: DbSession,
    principal: NightReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Write in the night's log: "aman" in one tap, a round, a note, or jimpitan."""
    typed = fields(form, "kind", "text", "amount_rupiah")
    night = patrols.get_night(session, night_id)

    def create() -> str:
        data = parse(EntryCreate, typed)
        patrols.add_entry(
            session,
            principal,
            night,
            kind=data.kind,
            text=data.text,
            amount_rupiah=data.amount_rupiah,
            now=now,
        )
        return f"/malam/{night_id}#log"

    try:
        location = once(
            session, form, scope=f"log:{night_id}:{principal.user.id}", now=now, produce=create
        )
    except DomainError as exc:
        return _night_failed(request, session, principal, lang, night_id, exc, typed)
    return redirect(request, location, flash="logged")


@router.post("/malam/{night_id}/titip/{watch_id}", response_class=HTMLResponse, dependencies=[CSRF])
def tick_watch(
    request: Request,
    night_id: PathId,
    watch_id: PathId,
    session: DbSession,
    principal: NightReader,
    now: Now,
    lang: PageLang,
) -> Response:
    """Tick a titip rumah house off tonight's list."""
    night = patrols.get_night(session, night_id)
    try:
        with attempt(session):
            patrols.tick_watch(session, principal, night, patrols.get_watch(session, watch_id), now)
    except DomainError as exc:
        return _night_failed(request, session, principal, lang, night_id, exc)
    return redirect(request, f"/malam/{night_id}#titip", flash="saved")


# --- reports --------------------------------------------------------------------------------


def _report_form(
    request: Request, principal: Principal, lang: str, rt_id: int, **extra: Any
) -> HTMLResponse:
    context: dict[str, Any] = {
        "rt_id": rt_id,
        "categories": category_options(lang),
        "severities": list(words(SEVERITY_LABELS, lang).items()),
        "privacies": list(words(PRIVACY_LABELS, lang).items()),
        "form": {"severity": "sedang", "privacy": "named"},
    }
    context.update(extra)
    return render(request, "report_new.html", lang=lang, principal=principal, **context)  # type: ignore[arg-type]


@router.get("/saya/laporan/baru", response_class=HTMLResponse)
def report_new(
    request: Request, session: DbSession, principal: SignedInPage, lang: PageLang
) -> Response:
    household = _household(session, principal)
    return _report_form(request, principal, lang, household.rt_id)


@router.post("/rt/{area_id}/laporan", response_class=HTMLResponse)
def report_file(
    request: Request,
    area_id: PathId,
    form: Form,
    session: DbSession,
    principal: Filer,
    now: Now,
    lang: PageLang,
) -> Response:
    """File a report, with a photo if one was taken; anonymous ones get a receipt, once."""
    rt = households.get_rt(session, area_id)
    typed = fields(form, "category", "severity", "privacy", "place", "description")
    kept_receipt = fields(form, "receipt").get("receipt") or None
    photo = upload(form, "photo")
    photo_bytes = photo.file.read(incidents.MAX_PHOTO_BYTES + 1) if photo else None
    anonymous = typed.get("privacy") == Privacy.anonymous.value
    receipt: list[str] = []

    def create() -> str:
        data = parse(IncidentCreate, typed)
        incident, secret = incidents.file_report(
            session, principal, rt, data, now, receipt=kept_receipt if anonymous else None
        )
        if photo_bytes:
            incidents.add_photo(session, incident, photo_bytes, settings_of(request).media_dir)
        if secret is not None:
            receipt.append(secret)
            return "/saya/laporan"
        return f"/laporan/{incident.id}"

    try:
        location = once(
            session,
            form,
            # As the API: scoped by the RT, never the caller; anonymous times to the hour.
            scope=f"incident:{rt.id}",
            now=incidents.to_the_hour(now) if anonymous else now,
            produce=create,
        )
    except DomainError as exc:
        return failed(
            request,
            "report_new.html",
            exc,
            lang=lang,
            principal=principal,
            typed=typed,
            rt_id=rt.id,
            categories=category_options(lang),
            severities=list(words(SEVERITY_LABELS, lang).items()),
            privacies=list(words(PRIVACY_LABELS, lang).items()),
        )
    emergency = typed.get("severity") == Severity.darurat.value
    if receipt:
        # Shown once and never stored: the page keeps it on this phone and nowhere else.
        return render(
            request,
            "report_receipt.html",
            lang=lang,
            principal=principal,
            receipt=receipt[0],
            emergency=gettext(incidents.EMERGENCY_NOTICE, lang) if emergency else None,
        )
    # A resend of an anonymous report already filed lands here too: its receipt was shown
    # the first time, and the phone kept it before sending.
    return redirect(request, location, flash="filed")


@router.get("/saya/laporan", response_class=HTMLResponse)
def my_reports(
    request: Request, session: DbSession, principal: SignedInPage, lang: PageLang
) -> Response:
    """Reports I filed under my name; anonymous ones are followed by the receipts on this phone."""
    mine = incidents.filed_by(session, principal)
    return render(
        request,
        "my_reports.html",
        lang=lang,
        principal=principal,
        reports=mine,
        status_words=words(incidents.STATUS_WORDS, lang),
        categories=dict(category_options(lang)),
    )


@router.get("/laporan/tanda-terima", response_class=HTMLResponse)
def receipt_page(request: Request, lang: PageLang) -> Response:
    return render(request, "receipt_lookup.html", lang=lang)


@router.post("/laporan/tanda-terima", response_class=HTMLResponse)
def receipt_lookup(request: Request, form: Form, session: DbSession, lang: PageLang) -> Response:
    """What happened to an anonymous report, by its receipt: contents and trail, no names."""
    typed = fields(form, "receipt")
    try:
        if not typed.get("receipt"):
            raise FormInvalid({"receipt": (N_("{field} is required."), {"field": "receipt"})})
        incident = incidents.by_receipt(session, typed["receipt"])
    except DomainError as exc:
        return failed(request, "receipt_lookup.html", exc, lang=lang, principal=None, typed={})
    extra = incidents.extras(session, [incident]).get(incident.id)
    return render(
        request,
        "report_status.html",
        lang=lang,
        incident=incident,
        events=extra.trail if extra else [],
        status_words=words(incidents.STATUS_WORDS, lang),
        categories=dict(category_options(lang)),
        zone=areas.get_area(session, incident.rt_id).timezone,
        by_receipt=True,
    )
