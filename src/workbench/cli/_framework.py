"""The command-line framework (Typer) speaking Korean.

Typer renders help pages and command-line errors itself, in English. The root group
of ``workbench`` is a :class:`KoreanGroup` (Typer's documented ``cls=`` hook): when Typer
builds the command tree it walks every command below it once and sets the Korean
context (usage line), metavars and help panels; its ``main`` prints any command-line
error in Korean from the exception's fields (the option, the parameter, the value
given, the range or choices it takes). The titles of Typer's help panels are the
module-level strings of ``typer.rich_utils``, set here.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import typer
from rich.markup import escape
from typer import rich_utils
from typer._click.core import Context
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.exceptions import Abort

from workbench.cli._messages import ARGUMENT_WORDS, PANEL_OF, PANELS, TYPE_WORDS, WORDS, message

__all__ = ["KoreanGroup", "describe_usage_error"]

rich_utils.OPTIONS_PANEL_TITLE = WORDS["options"]
rich_utils.ARGUMENTS_PANEL_TITLE = WORDS["arguments"]
rich_utils.COMMANDS_PANEL_TITLE = WORDS["commands"]
rich_utils.ERRORS_PANEL_TITLE = WORDS["error"]
rich_utils.DEFAULT_STRING = WORDS["default"]
rich_utils.ENVVAR_STRING = WORDS["envvar"]
rich_utils.REQUIRED_LONG_STRING = WORDS["required"]
rich_utils.DEPRECATED_STRING = WORDS["deprecated"]
rich_utils.ABORTED_TEXT = message("aborted")
rich_utils.RICH_HELP = WORDS["help_try"]


class KoreanFormatter(HelpFormatter):
    """Help formatter whose usage line starts with ``사용법:``."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, WORDS["usage_prefix"] if prefix is None else prefix)


class KoreanContext(Context):
    """Context with the Korean formatter and a Korean ``--help`` description."""

    formatter_class = KoreanFormatter

    def __init__(self, command: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        option = command.get_help_option(self)
        if option is not None:
            option.help = WORDS["help_option"]
            option.metavar = ""


def _type_word(param: TyperOption | TyperArgument) -> str:
    descriptor = param.type_descriptor
    if descriptor.is_path:
        return TYPE_WORDS["Path"]
    annotation = descriptor.annotation
    name = getattr(annotation, "__name__", str(annotation))
    if descriptor.is_list:
        name = "str"
    return TYPE_WORDS.get(name, TYPE_WORDS["str"])


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def _localise(command: Any) -> None:
    command.context_class = KoreanContext
    if command.options_metavar:
        command.options_metavar = WORDS["options_metavar"]
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = WORDS["subcommand_metavar"]
    for param in command.params:
        if isinstance(param, TyperArgument):
            # The help page's type column: 텍스트, 경로... instead of <str>, <path>.
            word = _type_word(param)
            setattr(param, "display_type_rich", lambda ctx, word=word: word)  # noqa: B010
        if param.metavar is not None:
            continue
        if isinstance(param, TyperOption) and param.is_flag:
            param.metavar = ""
        elif isinstance(param, TyperArgument) and param.name in ARGUMENT_WORDS:
            param.metavar = ARGUMENT_WORDS[param.name]
        else:
            param.metavar = _type_word(param)


class KoreanGroup(TyperGroup):
    """The root group: Korean help pages and command-line errors for the whole tree."""

    context_class = KoreanContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = list(PANELS)
        for name, command in self.commands.items():
            if name in PANEL_OF:
                setattr(command, "rich_help_panel", PANEL_OF[name])  # noqa: B010

        # Panels in their order (분석 실행, 자료, ...); commands keep theirs within a panel.
        def rank(item: tuple[int, tuple[str, Any]]) -> tuple[int, int]:
            index, (name, _) = item
            panel = PANEL_OF.get(name)
            if panel is None:  # a command no panel names yet: last, as registered
                return len(order), index
            return order.index(panel), PANELS[panel].index(name)

        self.commands = dict(item for _, item in sorted(enumerate(self.commands.items()), key=rank))
        for command in _walk(self):
            _localise(command)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command; in standalone mode, say a command-line error in Korean."""
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except ClickException as exc:
            if not standalone_mode:
                raise
            _print_error(exc)
            sys.exit(exc.exit_code)
        except Abort:
            if not standalone_mode:
                raise
            from workbench.cli._common import err

            err.print(message("aborted"))
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def _print_error(exc: ClickException) -> None:
    from workbench.cli._common import err

    if type(exc).__name__ == "NoArgsIsHelpError":
        return  # the help page is already printed
    ctx: Context | None = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(escape(ctx.get_usage()), highlight=False)
    err.print(f"[bold red]오류:[/] {escape(describe_usage_error(exc))}", highlight=False)
    if ctx is not None and ctx.help_option_names:
        hint = message("help_hint", path=ctx.command_path, option=ctx.help_option_names[0])
        err.print(escape(hint), highlight=False)


def _label(param: Any) -> str:
    help_text = (getattr(param, "help", None) or "").strip()
    return help_text.split("\n")[0] or param.name


def _expected(param: Any) -> str:
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return message("choice", choices=", ".join(map(str, descriptor.choices or ())))
    word = _type_word(param) or "값"
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return message("range_both", low=low, high=high, word=word)
    if low is not None:
        return message("range_low", low=low, word=word)
    if high is not None:
        return message("range_high", high=high, word=word)
    return word


def _option_name(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if isinstance(param, TyperArgument) or not opts:
        return param.metavar or param.name
    return str(opts[0])


def _bad_parameter(exc: BadParameter) -> str:
    param = exc.param
    if param is None:
        said = exc.message if _is_korean(exc.message) else message("unparsed", detail=exc.message)
        hint = exc.param_hint if isinstance(exc.param_hint, str) else None
        return f"{hint}: {said}" if hint else said
    if _is_korean(exc.message):  # our own callbacks say it in Korean already
        return f"{_option_name(param)}: {exc.message}"
    errors = getattr(exc.__cause__, "errors", None)
    given = errors()[0].get("input") if callable(errors) and errors() else None
    if given is None and "does not exist" in exc.message:
        return message("not_found", what=_label(param), value=repr(exc.message.split("'")[1]))
    if given is None:
        return message("bad_value_unknown", option=_option_name(param), expected=_expected(param))
    return message(
        "bad_value", option=_option_name(param), value=repr(given), expected=_expected(param)
    )


def _is_korean(text: str) -> bool:
    return any("\uac00" <= char <= "\ud7a3" for char in text)


def describe_usage_error(exc: ClickException) -> str:
    """Return the Korean message for a command-line error raised by Typer.

    The message is built from the exception's fields (option name, parameter, the value
    given and its validation error), never by translating its English text.
    """
    ctx: Context | None = getattr(exc, "ctx", None)
    if isinstance(exc, NoSuchOption):
        close = ", ".join(sorted(exc.possibilities or ()))
        hint = message("option_close", close=close) if close else ""
        return message("no_such_option", option=exc.option_name, hint=hint)
    if isinstance(exc, MissingParameter) and exc.param is not None:
        if isinstance(exc.param, TyperArgument):
            return message(
                "missing_argument", what=_option_name(exc.param), label=_label(exc.param)
            )
        return message("missing_option", option=_option_name(exc.param), label=_label(exc.param))
    if isinstance(exc, BadParameter):
        return _bad_parameter(exc)
    if isinstance(exc, BadOptionUsage):
        if "requires" in exc.message:
            return message("needs_value", option=exc.option_name, metavar="값")
        return message("takes_no_value", option=exc.option_name)
    if isinstance(exc, UsageError) and ctx is not None:
        return _usage_error(exc, ctx)
    return exc.message if _is_korean(exc.message) else message("unparsed", detail=exc.message)


def _usage_error(exc: UsageError, ctx: Context) -> str:
    """Name the command or argument behind the errors Typer raises with only a message."""
    text = exc.message
    if text.startswith("No such command") and isinstance(ctx.command, TyperGroup):
        name = text.split("'")[1] if "'" in text else text
        names = list(ctx.command.list_commands(ctx))
        close = difflib.get_close_matches(name, names, n=3)
        hint = message("command_close", close=", ".join(close)) if close else ""
        return message("no_such_command", name=name, hint=hint)
    if text.startswith("Missing command") and isinstance(ctx.command, TyperGroup):
        example = next(iter(ctx.command.list_commands(ctx)), "--help")
        return message("missing_command", path=ctx.command_path, example=example)
    if text.startswith("Got unexpected extra argument"):
        return message("extra_arguments", args=text[text.rfind(" (") + 2 : text.rfind(")")])
    if _is_korean(text):
        return text
    return message("unparsed", detail=text)


def typer_app(**kwargs: Any) -> typer.Typer:
    """Return a Typer app whose help and errors are Korean (the ``workbench`` root)."""
    return typer.Typer(cls=KoreanGroup, **kwargs)
