"""The language a person reads: English or Japanese, from gettext catalogues.

Every text a person reads (pages, suggestions and explanations, reasons, CLI output, error
messages) is written in English in the code and marked for translation: ``_("...")`` where it
is said, ``N_("...")`` where a table holds it to be said later (then ``_(entry)`` at use).
Placeholders are named, in braces: ``_("{count} rows checked", count=n)``; ``_n`` chooses
between a singular and a plural by ``count``. Machine fields (ids, enum values, JSON keys) are
never translated.

The Japanese catalogues are the gettext ``.po`` files under ``graph/locale/ja/LC_MESSAGES``
(one per area of the product; all are read and merged), read and compiled in memory with
Babel the first time Japanese is spoken, so there is no build step and no generated file.
English is the source language: its "catalogue" is the code itself.

The language is a context variable, so each request (or command) speaks its own:

- over HTTP (:mod:`api.language`): ``?lang=ja|en``, else ``Accept-Language``, else
  ``RSN_LANG``, else English;
- in the CLI: ``RSN_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
  English (:func:`cli_language`).

A message missing from a catalogue is said in English (and ``tests/unit/test_catalogues.py``
fails for it, as it fails when a translation's placeholders differ from the English ones).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from gettext import NullTranslations
from pathlib import Path

__all__ = [
    "CATALOGUE_DIR",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Nn_",
    "_",
    "_n",
    "accept_language",
    "catalogue_files",
    "cli_language",
    "language",
    "language_or_none",
    "plural_text",
    "set_language",
    "speaking",
]

#: The languages rsn speaks, English first (the source language and the default).
LANGUAGES: tuple[str, ...] = ("en", "ja")
DEFAULT_LANGUAGE = "en"

#: Where the catalogues are: ``<lang>/LC_MESSAGES/*.po``.
CATALOGUE_DIR = Path(__file__).with_name("locale")

_language: ContextVar[str] = ContextVar("rsn_language", default=DEFAULT_LANGUAGE)
_translations: dict[str, NullTranslations] = {}
_loading = threading.Lock()


def language() -> str:
    """The language of the current request or command (``en`` or ``ja``)."""
    return _language.get()


def set_language(lang: str) -> Token[str]:
    """Speak ``lang`` from now on in this context; returns the token to reset it with.

    Raises ValueError for a language rsn does not speak."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return _language.set(lang)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the ``with`` block (raises ValueError for an unknown one)."""
    token = set_language(lang)
    try:
        yield
    finally:
        _language.reset(token)


def catalogue_files(lang: str) -> list[Path]:
    """The ``.po`` files of ``lang``, in name order."""
    return sorted((CATALOGUE_DIR / lang / "LC_MESSAGES").glob("*.po"))


def _translations_of(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (read once, then kept)."""
    found = _translations.get(lang)
    if found is not None:
        return found
    with _loading:
        found = _translations.get(lang)
        if found is None:
            found = _compile(lang)
            _translations[lang] = found
    return found


def _compile(lang: str) -> NullTranslations:
    """Read every ``.po`` file of ``lang`` with Babel, merge them into one catalogue and
    compile it in memory (fuzzy entries are left out, as gettext does)."""
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    merged = Catalog(locale=lang, domain="rsn")
    for path in catalogue_files(lang):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(fp=buffer, domain="rsn")


def _(message: str, /, **params: object) -> str:
    """``message`` in the current language, its ``{name}`` placeholders filled from
    ``params`` (without params the text is returned as translated, braces and all)."""
    text = _translations_of(_language.get()).gettext(message)
    return text.format(**params) if params else text


def _n(singular: str, plural: str, count: int, /, **params: object) -> str:
    """The singular or the plural of a message by ``count`` (Japanese has one form), with
    ``{count}`` and ``params`` filled in."""
    text = _translations_of(_language.get()).ngettext(singular, plural, count)
    return text.format(count=count, **params)


def plural_text(singular: str, plural: str, count: int, /) -> str:
    """The form of a message for ``count`` in the current language, as translated, its
    placeholders left as they are (what ``ngettext`` answers, for code that fills them in
    itself)."""
    return _translations_of(_language.get()).ngettext(singular, plural, count)


def N_(message: str, /) -> str:  # noqa: N802 - the gettext name for "mark, translate later"
    """Mark ``message`` for the catalogues without translating it now (tables of texts
    said later with ``_(entry)``)."""
    return message


def Nn_(singular: str, plural: str, /) -> tuple[str, str]:  # noqa: N802 - as N_
    """Mark a singular and its plural for the catalogues without translating them now (a
    table of messages said later by code that chooses the form itself)."""
    return singular, plural


def language_or_none(text: str | None) -> str | None:
    """The language ``text`` names (``ja``, ``ja-JP``, ``ja_JP.UTF-8``, ``EN``...), or None
    when it names none rsn speaks."""
    if not text:
        return None
    primary = text.strip().replace("_", "-").split("-", 1)[0].split(".", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def accept_language(header: str | None) -> str | None:
    """The language rsn speaks that an ``Accept-Language`` header prefers most (by its
    q-values, then its order), or None when it names none of them."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header.split(",")):
        tag, _sep, rest = item.strip().partition(";")
        lang = language_or_none(tag)
        if lang is None:
            continue
        weight = 1.0
        for parameter in rest.split(";"):
            name, _eq, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight <= 0:
            continue
        candidate = (-weight, position, lang)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best is not None else None


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language: ``RSN_LANG``, else the locale (``LC_ALL``, then ``LC_MESSAGES``,
    then ``LANG``: the first one set decides), else English."""
    env = os.environ if environ is None else environ
    chosen = language_or_none(env.get("RSN_LANG"))
    if chosen is not None:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return language_or_none(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
