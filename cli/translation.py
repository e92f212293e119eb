"""The command line in its language: the help of rsn's commands and options, Typer's
headings and notes, and the usage errors, from rsn's catalogues like every other text.

Typer builds the command line's Click objects from :mod:`cli.main` with English help (the
commands' docstrings, the ``help=`` of options and arguments) and says its own texts (the
help's headings, "Usage:", usage errors such as a missing argument) in English, most of them
written into its code rather than asked of ``gettext``. So a command line that speaks
another language:

- puts every help text of its Click objects through the catalogues
  (:func:`translate_help`, before it parses anything; :func:`help_texts` finds them, and
  ``tools/catalogues.py`` finds them the same way, so a missing translation fails the
  catalogue test);
- sets Typer's headings and notes, worked out when Typer is imported, and the usage line's
  prefix to their translations (:func:`speak_typer`);
- says each usage error again from what the error holds (:func:`usage_error`): which option
  or argument, which value, and what was wrong with it.

In English all of this leaves Typer's own texts as they are.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

from rich.text import Text
from typer import _click as click
from typer import rich_utils
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter

from graph.i18n import DEFAULT_LANGUAGE, N_, _, language

__all__ = [
    "help_texts",
    "speak_typer",
    "translate_help",
    "usage_error",
]

#: Typer's headings and notes, by their names in :mod:`typer.rich_utils` (English, as Typer
#: has them).
_TYPER_TEXTS: dict[str, str] = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}

#: The prefix of the usage line, as Typer writes it.
_USAGE = N_("Usage: ")


def help_texts(command: Any, path: str = "rsn") -> Iterator[tuple[str, str]]:
    """Every help text a person can read of ``command`` (a Click command Typer built) and
    of the commands under it, with where it is (``rsn keys add --role``): the commands'
    help and short help, their options' and arguments' help, and the help option's."""
    for text in (command.help, command.short_help):
        if text:
            yield path, text
    for param in [*command.params, _help_option(command)]:
        text = getattr(param, "help", None)
        if text:
            yield f"{path} {param.opts[0] if param.opts else param.name}", text
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from help_texts(sub, f"{path} {name}")


def _help_option(command: Any) -> Any:
    """The ``--help`` option of ``command`` (Click makes it when first asked, then keeps
    it), or None when it has none."""
    return command.get_help_option(click.Context(command, info_name=command.name))


def translate_help(command: Any) -> None:
    """Put every help text of ``command`` and the commands under it (see
    :func:`help_texts`) into the current language, in place. ``command`` must be one that
    was built for this run (Typer builds new Click objects each time it is asked)."""
    if language() == DEFAULT_LANGUAGE:
        return
    command.help = _(command.help) if command.help else command.help
    command.short_help = _(command.short_help) if command.short_help else command.short_help
    for param in [*command.params, _help_option(command)]:
        if param is not None and getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub)


class _SpeakingFormatter(HelpFormatter):
    """Typer's help formatter, with the usage line's prefix in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(_USAGE) if prefix is None else prefix)


#: Typer's own way of making a help text into rich text (kept to call it).
_typer_rich_text = rich_utils._make_rich_text


def _folding_rich_text(**given: Any) -> Any:
    """A help text as Typer makes it, folded where a line is too long for its column
    rather than cut with an ellipsis: Japanese has no spaces to wrap at, so a cut would
    leave most of an option's help unread."""
    made = _typer_rich_text(**given)
    if isinstance(made, Text):
        made.overflow = "fold"
    return made


#: Typer's own way of making a command's line in a list of commands (kept to call it).
_typer_command_help = rich_utils._make_command_help


def _command_line_help(*, help_text: str, markup_mode: Any) -> Any:
    """A command's line in its group's list of commands, its first paragraph as one
    sentence, as the command's own help shows it: Typer keeps the line breaks of the
    docstring there, which cut a sentence in the middle of the list."""
    first, *rest = inspect.cleandoc(help_text).split("\n\n")
    if not first.startswith("\b"):
        first = first.replace("\n", " ")
    return _typer_command_help(help_text="\n\n".join([first, *rest]), markup_mode=markup_mode)


def speak_typer() -> None:
    """Set Typer's headings and notes, and the usage line's prefix, to the current
    language (English: Typer's own), have help texts fold rather than be cut, and each
    command's line in a list of commands be one sentence."""
    for name, english in _TYPER_TEXTS.items():
        setattr(rich_utils, name, _(english))
    click.Context.formatter_class = _SpeakingFormatter
    rich_utils._make_rich_text = _folding_rich_text
    rich_utils._make_command_help = _command_line_help


def usage_error(error: click_errors.ClickException) -> click_errors.ClickException:
    """``error`` said in the current language: a usage error of the same kind, for the same
    command (so that the usage line and the hint come with it), whose message is the
    translation. An error it does not know, and every error in English, is returned as it
    is."""
    if language() == DEFAULT_LANGUAGE or isinstance(error, click_errors.NoArgsIsHelpError):
        return error
    message = _message(error)
    if message is None:
        return error
    if isinstance(error, click_errors.UsageError):
        said = click_errors.UsageError(message, error.ctx)
    else:
        said = click_errors.ClickException(message)
    said.exit_code = error.exit_code
    return said


def _message(error: click_errors.ClickException) -> str | None:
    """The message of ``error`` in the current language, or None for one not known."""
    if isinstance(error, click_errors.MissingParameter):
        if error.param is None and error.param_hint is None:
            return _("Missing a value.")
        if getattr(error.param, "param_type_name", error.param_type) == "argument":
            return _("Missing argument {name}.", name=_hint(error))
        return _("Missing option {name}.", name=_hint(error))
    if isinstance(error, click_errors.NoSuchOption):
        if error.possibilities:
            return _(
                "No such option: {option} (Possible options: {options})",
                option=f"'{error.option_name}'",
                options=", ".join(f"'{one}'" for one in sorted(error.possibilities)),
            )
        return _("No such option: {option}", option=f"'{error.option_name}'")
    if isinstance(error, click_errors.BadOptionUsage):
        return _option_usage(error)
    if isinstance(error, click_errors.BadParameter):
        reason = _reason(error.message)
        if error.param is None and error.param_hint is None:
            return _("Invalid value: {reason}", reason=reason)
        return _("Invalid value for {name}: {reason}", name=_hint(error), reason=reason)
    if isinstance(error, click_errors.FileError):
        return _(
            "Could not open file {file!r}: {reason}", file=error.ui_filename, reason=error.message
        )
    if isinstance(error, click_errors.UsageError):
        return _generic_usage(error.message)
    return None


def _hint(error: click_errors.BadParameter) -> str:
    """How ``error`` names its option or argument: quoted, as Typer names it."""
    hint = error.param_hint if error.param_hint is not None else error.param.get_error_hint()
    if isinstance(hint, str):
        return hint
    return " / ".join(f"'{one}'" for one in hint)


_REQUIRES = re.compile(r"Option (?P<option>'[^']+') requires (an argument|\d+ arguments)\.")
_NO_VALUE = re.compile(r"Option (?P<option>'[^']+') does not take a value\.")
_NO_COMMAND = re.compile(r"No such command '(?P<name>.*)'\.")
_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((?P<arguments>.*)\)")


def _option_usage(error: click_errors.BadOptionUsage) -> str | None:
    """An option's usage error in the current language, from Typer's English."""
    found = _REQUIRES.fullmatch(error.message)
    if found:
        return _("Option {option} requires a value.", option=found["option"])
    found = _NO_VALUE.fullmatch(error.message)
    if found:
        return _("Option {option} does not take a value.", option=found["option"])
    return None


def _generic_usage(message: str) -> str | None:
    """A usage error Typer says only in words, in the current language."""
    found = _NO_COMMAND.fullmatch(message)
    if found:
        return _("No such command {name!r}.", name=found["name"])
    if message == "Missing command.":
        return _("Missing command.")
    found = _EXTRA.fullmatch(message)
    if found:
        return _("Unexpected extra argument(s): {arguments}", arguments=found["arguments"])
    return None


#: What a value's check says (pydantic's words, as Typer passes them on), and how it is
#: said again: the English pattern and the message it becomes.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Input should be a valid integer.*"), N_("a whole number is needed")),
    (re.compile(r"Input should be a valid number.*"), N_("a number is needed")),
    (re.compile(r"Input should be a valid boolean.*"), N_("yes or no (true or false) is needed")),
    (
        re.compile(r"Input should be greater than or equal to (?P<bound>\S+)"),
        N_("must be {bound} or more"),
    ),
    (re.compile(r"Input should be greater than (?P<bound>\S+)"), N_("must be more than {bound}")),
    (
        re.compile(r"Input should be less than or equal to (?P<bound>\S+)"),
        N_("must be {bound} or less"),
    ),
    (re.compile(r"Input should be less than (?P<bound>\S+)"), N_("must be less than {bound}")),
    (re.compile(r"Input should be (?P<choices>'.*')"), N_("use one of {choices}")),
)


def _reason(message: str) -> str:
    """Why a value was refused, in the current language when it is one of the checks of
    :data:`_REASONS`; otherwise rsn's own words (already translated) or the library's."""
    for pattern, said in _REASONS:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "choices" in values:  # pydantic's "'a', 'b' or 'c'"
                values["choices"] = values["choices"].replace("' or '", "', '")
            return _(said, **values)
    return message
