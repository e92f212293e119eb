"""The language machinery: choosing a language, catalogues read with Babel, placeholders."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from graph import i18n
from graph.i18n import _, _n, accept_language, cli_language, language, speaking

ROOT = Path(__file__).resolve().parents[2]


def _catalogue_tool():
    spec = importlib.util.spec_from_file_location(
        "rsn_catalogues", ROOT / "tools" / "catalogues.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_english_is_the_default_and_japanese_is_read_from_the_catalogues() -> None:
    assert language() == "en"
    assert _("Support centre") == "Support centre"
    with speaking("ja"):
        assert language() == "ja"
        assert _("Support centre") == "支援機関"
    assert language() == "en"


def test_a_message_missing_from_a_catalogue_is_said_in_english() -> None:
    with speaking("ja"):
        assert _("no such message {x}", x=3) == "no such message 3"


def test_placeholders_are_filled_after_translation() -> None:
    with speaking("ja"):
        assert _n("{count} row", "{count} rows", 2) == "2 rows"  # not in a catalogue
    assert _n("{count} row", "{count} rows", 1) == "1 row"
    assert _n("{count} row", "{count} rows", 5) == "5 rows"
    assert _("keep {braces} as they are") == "keep {braces} as they are"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        with speaking("fr"):
            pass


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,ja;q=0.5", "ja"),
        ("en;q=0.2, ja;q=0.8", "ja"),
        ("ja;q=0, en;q=0.1", "en"),
        ("fr, de", None),
        ("*", None),
        ("", None),
        (None, None),
        ("ja;q=bad, en", "en"),
    ],
)
def test_accept_language_picks_the_preferred_language_rsn_speaks(header, expected) -> None:
    assert accept_language(header) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_GB.UTF-8"}, "ja"),
        ({"RSN_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"RSN_LANG": "ja", "LC_ALL": "C"}, "ja"),
        ({"RSN_LANG": "fr", "LANG": "ja_JP.UTF-8"}, "ja"),
    ],
)
def test_the_cli_speaks_rsn_lang_then_the_locale(environ, expected) -> None:
    assert cli_language(environ) == expected


def test_the_catalogue_check_finds_missing_translations_and_wrong_placeholders(tmp_path) -> None:
    tool = _catalogue_tool()
    for package in tool.PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "graph" / "said.py").write_text(
        "from graph.i18n import _, N_\n"
        "A = N_('Loaded {count} rows')\n"
        "def f(name):\n"
        "    return _('Hello {name}', name=name) + _('Untranslated')\n",
        encoding="utf-8",
    )
    folder = tmp_path / "graph" / "locale" / "ja" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "said.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Loaded {count} rows"\nmsgstr "{rows} 行を読み込みました"\n\n'
        'msgid "Hello {name}"\nmsgstr "{name} さん、こんにちは"\n\n'
        'msgid "Gone"\nmsgstr "消えた"\n',
        encoding="utf-8",
    )
    found = list(tool.problems(tmp_path))
    assert len(found) == 2
    assert any("no Japanese for 'Untranslated'" in line for line in found)
    assert any("'Loaded {count} rows' has placeholders ['rows']" in line for line in found)
    assert tool.unused(tmp_path) == ["Gone"]


def test_every_marked_message_has_a_japanese_translation_with_the_same_placeholders() -> None:
    tool = _catalogue_tool()
    found = list(tool.problems())
    assert not found, "\n".join(found[:50]) + f"\n({len(found)} in all; see tools/catalogues.py)"


def test_every_marked_message_is_a_literal_text() -> None:
    tool = _catalogue_tool()
    assert tool.unmarkable() == []


def test_messages_inside_f_strings_are_found_and_f_strings_inside_marks_are_refused(
    tmp_path,
) -> None:
    tool = _catalogue_tool()
    for package in tool.PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "viz" / "said.py").write_text(
        "from graph.i18n import _, N_\n"
        "def page(n):\n"
        "    return f\"<h1>{_('Counts')}</h1>\" + _(f'{n} rows') + _(N_('Kept'))\n",
        encoding="utf-8",
    )
    assert set(tool.marked_messages(tmp_path)) == {"Counts", "Kept"}
    assert tool.unmarkable(tmp_path) == ["viz/said.py:3: _() of a text that is not a literal"]


def test_no_module_that_translates_rebinds_the_underscore() -> None:
    tool = _catalogue_tool()
    assert tool.shadowed() == []


def test_the_shadow_check_finds_a_rebound_underscore(tmp_path) -> None:
    tool = _catalogue_tool()
    for package in tool.PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "cli" / "said.py").write_text(
        "from graph.i18n import _\nfor _ in range(3):\n    pass\n", encoding="utf-8"
    )
    assert tool.shadowed(tmp_path) == ["cli/said.py:2: binds _"]


def test_the_catalogues_hold_no_translation_nothing_asks_for() -> None:
    tool = _catalogue_tool()
    assert tool.unused() == []


def test_catalogues_compile_once_per_language() -> None:
    with speaking("ja"):
        _("Support centre")
    first = i18n._translations["ja"]
    with speaking("ja"):
        _("Support centre")
    assert i18n._translations["ja"] is first
