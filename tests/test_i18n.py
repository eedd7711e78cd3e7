"""Every message the app can show has an Indonesian translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

from app import i18n

APP_DIR = Path(i18n.__file__).parent


def _msgids() -> set[str]:
    found = extract_from_dir(
        str(APP_DIR),
        method_map=[
            ("**.py", "python"),
            # The pages say everything through _() in their templates.
            ("templates/web/**.html", "jinja2.ext:babel_extract"),
        ],
        options_map={"templates/web/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
        keywords={"N_": None, "_": None},
    )
    return {message for _file, _line, message, _comments, _ctx in found}


def test_every_message_is_translated_into_indonesian() -> None:
    msgids = _msgids()
    assert len(msgids) > 20
    catalog = i18n._catalog("id")
    assert catalog is not None
    # Present with a translation; some words are the same in both ("Status", "Menu").
    untranslated = sorted(m for m in msgids if catalog.get(m) is None or not catalog.get(m).string)
    assert untranslated == []


def test_placeholders_survive_translation() -> None:
    for msgid in _msgids():
        translated = i18n.gettext(msgid, "id")
        for name in ("{field}", "{area_id}", "{kind}", "{name}", "{parent_kind}"):
            assert (name in msgid) == (name in translated), msgid


def test_negotiation() -> None:
    assert i18n.negotiate(None) == "id"
    assert i18n.negotiate("en") == "en"
    assert i18n.negotiate("en-US,en;q=0.9") == "en"
    assert i18n.negotiate("fr, en;q=0.5") == "en"
    assert i18n.negotiate("id-ID,en;q=0.1") == "id"
    assert i18n.negotiate("en;q=0.2, id;q=0.8") == "id"
    assert i18n.negotiate("de") == "id"
    assert i18n.negotiate("xx-;q=abc") == "id"
