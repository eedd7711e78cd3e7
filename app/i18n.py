"""Translations through Babel catalogs: Indonesian by default, English on request.

Message ids are English; the Indonesian catalog lives in ``app/locale/id``.
Mark a translatable literal with ``N_`` where it is defined and translate it
with ``gettext`` where the reader's language is known.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
DEFAULT_LANGUAGE: Language = "id"
LOCALE_DIR = Path(__file__).parent / "locale"


class Msg(str):
    """A message id given as a parameter of another message; translated with it."""

    __slots__ = ()


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message


@lru_cache
def _catalog(language: str) -> Catalog | None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def gettext(message: str, language: str, **params: object) -> str:
    """Translate ``message`` into ``language`` and fill in its ``{named}`` parameters."""
    text = message
    catalog = _catalog(language)
    if catalog is not None:
        entry = catalog.get(message)
        if entry is not None and entry.string and not entry.fuzzy:
            text = str(entry.string)
    if not params:
        return text
    filled = {
        k: gettext(v, language, **{n: p for n, p in params.items() if not isinstance(p, Msg)})
        if isinstance(v, Msg)
        else v
        for k, v in params.items()
    }
    return text.format(**filled)


def negotiate(accept_language: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """Pick ``id`` or ``en`` from an ``Accept-Language`` header, honouring q-values."""
    if not accept_language:
        return default
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag:
            ranked.append((weight, tag.strip().replace("-", "_")))
    preferred = [tag for _, tag in sorted(ranked, key=lambda item: -item[0])]
    try:
        chosen = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    except (UnknownLocaleError, ValueError):
        chosen = None
    if chosen is None:
        # "en-GB" and "id-ID" reach here when no exact tag matched.
        for tag in preferred:
            try:
                lang = Locale.parse(tag).language
            except (UnknownLocaleError, ValueError):
                continue
            if lang in LANGUAGES:
                return "en" if lang == "en" else "id"
        return default
    return chosen  # type: ignore[return-value]
