"""Help screens in the user's language, from the message catalog (Vietnamese first).

Every help text has a code derived from the command tree, so a command or an option cannot lack one unnoticed
(``tests/unit/test_cli_help.py`` walks the tree):

* ``cli.<command path>.help`` — a command's help; its first sentence is its line in the group's list;
  the group itself is ``cli.main.help``, a subcommand ``cli.plan.check.help``;
* ``cli.<command path>.opt.<option>`` — an option's help, ``<option>`` its first long name without dashes
  (``--unit-from-folder`` → ``unit_from_folder``); ``cli.<command path>.arg.<argument>`` an argument's;
* ``cli.words.*`` — click's own words (``Usage:``, ``Options``, ``[default: …]``, the ``-h`` option).

The language is the command's (``--lang`` / ``MINHCHUNG_LANG``, see :class:`~pipelines.services.config.Config`):
a subcommand's ``--help`` is parsed after the group's callback made the configuration; the group's own
``--help`` is an eager option processed before that callback, so the group's ``--lang`` is eager too and
leaves its value in the context's ``meta`` (``minhchung --lang en --help``); otherwise the environment decides.
The classes only override click's documented formatting hooks (``format_help``, ``format_usage``).
"""

from __future__ import annotations

import click

from pipelines.i18n import template, translate
from pipelines.services.config import Config

LANG_META = "minhchung.lang"  # ctx.meta key: the group's --lang, known before its callback runs
MAIN = "main"  # the group's own codes: cli.main.help, cli.main.opt.home …
WORDS = tuple(f"cli.words.{w}" for w in ("usage", "options", "arguments", "commands", "default", "env_var", "required",
                                        "help_option"))


def remember_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Callback of the group's eager ``--lang``: the language of help screens rendered before the callback."""
    if value:
        ctx.meta[LANG_META] = value
    return value


def help_lang(ctx: click.Context) -> str:
    cfg = ctx.find_object(Config)
    if cfg is not None:
        return cfg.lang
    return ctx.meta.get(LANG_META) or Config.from_env().lang


def command_path(ctx: click.Context) -> list[str]:
    """The names of the commands from the group down to ``ctx``'s, the group itself left out."""
    names: list[str] = []
    while ctx.parent is not None:
        names.insert(0, ctx.command.name or "")
        ctx = ctx.parent
    return names


def command_code(path: list[str]) -> str:
    return "cli." + ".".join(path or [MAIN]) + ".help"


def param_code(path: list[str], param: click.Parameter) -> str:
    if isinstance(param, click.Argument):
        kind, name = "arg", param.name or ""
    else:
        long = [o for o in param.opts if o.startswith("--")] or param.opts
        kind, name = "opt", long[0].lstrip("-").replace("-", "_")
    return "cli." + ".".join(path or [MAIN]) + f".{kind}.{name}"


def help_codes(command: click.Command, path: tuple[str, ...] = ()) -> list[str]:
    """Every code the help screens of ``command`` and its subcommands use (for the catalog's checks)."""
    codes = [command_code(list(path)), *(param_code(list(path), p) for p in command.params)]
    if not path:
        codes += WORDS
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            codes += help_codes(sub, (*path, name))
    return codes


def first_sentence(text: str) -> str:
    """A command's line in its group's list: the first sentence of its help, whole (click would cut it at the
    line's width, and a Vietnamese sentence is longer than its English one)."""
    paragraph = " ".join(text.partition("\n\n")[0].split())
    head, dot, _ = paragraph.partition(". ")
    return head + "." if dot else paragraph


def extras(param: click.Option, ctx: click.Context, lang: str) -> str:
    """click's ``[env var: …; default: …; range; required]`` after an option's help, in ``lang``."""
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(translate("cli.words.env_var", lang, var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(translate("cli.words.default", lang, default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(translate("cli.words.required", lang))
    return f"[{'; '.join(items)}]" if items else ""


def param_rows(command: click.Command, ctx: click.Context, lang: str, arguments: bool) -> list[tuple[str, str]]:
    path, rows = command_path(ctx), []
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument) != arguments:
            continue
        if isinstance(param, click.Argument):
            rows.append((param.make_metavar(ctx), template(param_code(path, param), lang) or ""))
            continue
        assert isinstance(param, click.Option)
        record = param.get_help_record(ctx)
        if record is None:  # hidden
            continue
        code = "cli.words.help_option" if param is help_option else param_code(path, param)
        text = "  ".join(t for t in (template(code, lang) or param.help or "", extras(param, ctx, lang)) if t)
        rows.append((record[0], text))
    return rows


def write_usage(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    prefix = translate("cli.words.usage", help_lang(ctx)) + " "
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix)


def write_help(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """The help screen of ``command``: usage, help text, arguments, options, subcommands, in the user's language."""
    lang, path = help_lang(ctx), command_path(ctx)
    write_usage(command, ctx, formatter)
    text = template(command_code(path), lang) or command.help
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)
    for arguments, heading in ((True, "cli.words.arguments"), (False, "cli.words.options")):
        rows = param_rows(command, ctx, lang, arguments)
        if rows:
            with formatter.section(translate(heading, lang)):
                formatter.write_dl(rows)
    if isinstance(command, click.Group):
        write_commands(command, ctx, formatter, lang, path)


def write_commands(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter, lang: str,
                   path: list[str]) -> None:
    subcommands = [(name, cmd) for name in group.list_commands(ctx)
                   if (cmd := group.get_command(ctx, name)) is not None and not cmd.hidden]
    if not subcommands:
        return
    rows = [(name, first_sentence(template(command_code([*path, name]), lang) or cmd.help or ""))
            for name, cmd in subcommands]
    with formatter.section(translate("cli.words.commands", lang)):
        formatter.write_dl(rows)


class CatalogCommand(click.Command):
    """A command whose help screen and usage line come from the message catalog (module docstring)."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_usage(self, ctx, formatter)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_help(self, ctx, formatter)


class CatalogGroup(click.Group):
    """A group like :class:`CatalogCommand`, whose subcommands (made with ``.command``/``.group``) are too."""

    command_class = CatalogCommand
    group_class = type  # subgroups: this class

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_usage(self, ctx, formatter)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_help(self, ctx, formatter)
