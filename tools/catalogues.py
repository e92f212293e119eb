"""Keep the Japanese catalogues whole: every message the code marks has a translation, with
the same placeholders.

    python tools/catalogues.py check     # exit 1 and list what is wrong
    python tools/catalogues.py missing   # the untranslated messages, as .po entries to paste

Messages are found in the syntax trees of the product's packages (``graph``, ``api``,
``viz``, ``cli``: calls inside f-strings too), by the marking functions of
:mod:`graph.i18n`: ``_`` and ``N_`` (one message), ``_n`` and ``Nn_`` (singular and plural).
The command line's help (its commands' docstrings, its options' ``help=``) is a message too,
though nothing marks it: it is read from the command line Typer builds, as
:mod:`cli.translation` finds it to say it in the command's language.
The catalogues are ``graph/locale/ja/LC_MESSAGES/*.po``.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "api", "viz", "cli")
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2), "Nn_": (1, 2)}
LANG = "ja"


@dataclass(frozen=True)
class Marked:
    """A message the code marks: its English (and plural), and where it stands."""

    id: str
    plural: str | None
    where: str


def _calls(root: Path) -> Iterator[tuple[str, int, str, list[object]]]:
    """Every call of a marking function in the product's packages: the file (from the
    root), the line, the function and its positional arguments (a literal text as the text,
    anything else as None). Read from the syntax tree, so calls inside f-strings count."""
    import ast

    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = str(path.relative_to(root))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS
                ):
                    texts: list[object] = [
                        arg.value
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                        else None
                        for arg in node.args
                    ]
                    yield where, node.lineno, node.func.id, texts


def _help_texts() -> Iterator[tuple[str, str]]:
    """The command line's help texts, as :func:`cli.translation.help_texts` finds them in
    the Click command Typer builds (so exactly the texts that are translated), with the
    command or option each is the help of."""
    import typer

    from cli.main import app
    from cli.translation import help_texts

    yield from help_texts(typer.main.get_command(app))


def marked_messages(root: Path = ROOT) -> dict[str, Marked]:
    """Every marked message of the product, by its English text (first place found)."""
    found: dict[str, Marked] = {}
    for where, line, function, texts in _calls(root):
        singular = texts[0] if texts else None
        if not isinstance(singular, str) or not singular:
            continue
        plural = texts[1] if KEYWORDS[function] and len(texts) > 1 else None
        found.setdefault(
            singular,
            Marked(singular, plural if isinstance(plural, str) else None, f"{where}:{line}"),
        )
    if root.resolve() == ROOT:  # the product's own command line (a test's root has none)
        for where, text in _help_texts():
            found.setdefault(text, Marked(text, None, f"cli (help of {where})"))
    return found


def unmarkable(root: Path = ROOT) -> list[str]:
    """Calls of a marking function whose message is not a literal text (an f-string, a
    variable): those cannot be in a catalogue. ``_(entry)`` of a table's ``N_`` entry is
    the one allowed form, so only ``N_`` and ``_n`` calls, and ``_`` calls of an f-string or
    a concatenation, are reported."""
    import ast

    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in KEYWORDS
                    and node.args
                ):
                    continue
                first = node.args[0]
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                if literal:
                    continue
                if node.func.id != "_" or isinstance(first, (ast.JoinedStr, ast.BinOp)):
                    found.append(
                        f"{path.relative_to(root)}:{node.lineno}: {node.func.id}() of a text "
                        "that is not a literal"
                    )
    return found


def translations(root: Path = ROOT) -> dict[str, tuple[str, ...]]:
    """The Japanese catalogues' entries: English text to its translations (one per plural
    form; empty strings where untranslated, none for fuzzy entries). Raises ValueError when
    two catalogue files translate the same message."""
    from babel.messages.pofile import read_po

    entries: dict[str, tuple[str, ...]] = {}
    where: dict[str, str] = {}
    for path in sorted((root / "graph" / "locale" / LANG / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=LANG)
        for message in catalogue:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key in where:
                raise ValueError(f"{path.name} and {where[key]} both translate {key!r}")
            where[key] = path.name
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            entries[key] = () if message.fuzzy else tuple(strings)
    return entries


def placeholders(text: str) -> set[str]:
    """The names of the ``{name}`` placeholders of ``text``."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def problems(root: Path = ROOT) -> Iterator[str]:
    """One line for each marked message without a Japanese translation and each translation
    whose placeholders are not the English ones."""
    marked = marked_messages(root)
    entries = translations(root)
    for key, message in sorted(marked.items(), key=lambda item: item[1].where):
        strings = entries.get(key)
        if not strings or not all(strings):
            yield f"{message.where}: no Japanese for {key!r}"
            continue
        wanted = placeholders(key) | (placeholders(message.plural) if message.plural else set())
        for text in strings:
            if placeholders(text) != wanted:
                yield (
                    f"{message.where}: the Japanese of {key!r} has placeholders "
                    f"{sorted(placeholders(text))}, the English {sorted(wanted)}"
                )


def shadowed(root: Path = ROOT) -> list[str]:
    """Places where a module that imports ``_`` from :mod:`graph.i18n` also binds the name
    ``_`` (``for _ in``, ``a, _ = ...``), which would silence its translations there."""
    import ast

    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imports = any(
                isinstance(node, ast.ImportFrom)
                and node.module == "graph.i18n"
                and any(alias.name == "_" and alias.asname is None for alias in node.names)
                for node in ast.walk(tree)
            )
            if not imports:
                continue
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Name)
                    and node.id == "_"
                    and isinstance(node.ctx, ast.Store)
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: binds _")
                elif isinstance(node, ast.arg) and node.arg == "_":
                    found.append(f"{path.relative_to(root)}:{node.lineno}: an argument named _")
    return found


def unused(root: Path = ROOT) -> list[str]:
    """Catalogue entries no code marks any more."""
    marked = marked_messages(root)
    return sorted(key for key in translations(root) if key not in marked)


def _po_entry(message: Marked) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [f"#: {message.where}", f"msgid {quoted(message.id)}"]
    if message.plural is not None:
        lines += [f"msgid_plural {quoted(message.plural)}", 'msgstr[0] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "missing":
        entries = translations()
        for key, message in sorted(marked_messages().items(), key=lambda i: i[1].where):
            if not entries.get(key) or not all(entries[key]):
                print(_po_entry(message), end="\n\n")
        return 0
    if command == "check":
        found = list(problems()) + shadowed() + unmarkable()
        for line in found:
            print(line)
        for key in unused():
            print(f"unused translation: {key!r}")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv))
