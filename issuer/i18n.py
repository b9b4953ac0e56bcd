"""English and French on the public pages: which locale a request gets, and its catalogues."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale

log = logging.getLogger(__name__)

LOCALES = ("en", "fr")  # the first is the default
NAMES = {"en": "English", "fr": "Français"}  # each in its own language, for the switch
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

babel = Babel()


def init_app(app: Flask) -> None:
    """Translate templates and messages for `app`, compiling any catalogue not yet compiled."""
    compile_catalogues(TRANSLATIONS)
    babel.init_app(
        app,
        default_locale=LOCALES[0],
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=select_locale,
    )
    app.context_processor(_template_context)


def select_locale() -> str:
    """`?lang=` when it names a locale we have, else the best of Accept-Language, else English."""
    if not has_request_context():  # a task or the CLI: no reader to ask
        return LOCALES[0]
    asked = request.args.get("lang", "")
    if asked in LOCALES:
        return asked
    # Werkzeug falls back to the primary subtag, so fr-CA and fr-FR both match fr.
    return request.accept_languages.best_match(LOCALES, default=LOCALES[0])


def current() -> str:
    """The locale of the current request, as a language code."""
    locale = get_locale()
    return locale.language if locale is not None else LOCALES[0]


def _template_context() -> dict[str, Any]:
    lang = current()
    other = next(code for code in LOCALES if code != lang)
    return {"page_lang": lang, "other_lang": other, "other_lang_name": NAMES[other]}


def compile_catalogues(directory: Path) -> None:
    """Compile each `.po` under `directory` whose `.mo` is missing or older than it.

    `make install` compiles them too; doing it here as well means a checkout, a test run or an
    edited catalogue never serves stale or missing translations.
    """
    for po in directory.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            # Write aside, then rename: concurrent workers never read half a file.
            handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
            with os.fdopen(handle, "wb") as target:
                write_mo(target, catalog)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from another service user
            os.replace(temporary, mo)
        except OSError:
            log.warning("Could not compile %s; its locale falls back to English.", po)
