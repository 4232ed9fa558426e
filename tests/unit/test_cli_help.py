"""The help screens of the command line come from the message catalog: Vietnamese by default, English with the
group's ``--lang en`` or ``MINHCHUNG_LANG=en`` (real click, through its CliRunner)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from pipelines.cli.helptext import command_code, help_codes, param_code
from pipelines.cli.main import main
from pipelines.i18n import texts
from pipelines.i18n.errors import HELP_TEXT


def commands(command: click.Command = main, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found += commands(sub, (*path, name))
    return found


COMMANDS = commands()
VI, EN = texts("vi"), texts("en")


def squeeze(text: str) -> str:
    """Text without any whitespace: a help screen wraps lines (and breaks words at hyphens)."""
    return "".join(text.split())


def help_screen(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env={"MINHCHUNG_LANG": None, **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output


def own_codes(path: tuple[str, ...], command: click.Command) -> list[str]:
    return [command_code(list(path)), *(param_code(list(path), p) for p in command.params)]


def test_the_tree_is_walked():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "ingest", "search", "plan check", "units import", "scores override", "users add"} <= names
    assert len(COMMANDS) >= 20
    assert len(help_codes(main)) > 120


def test_every_command_option_and_argument_has_a_vietnamese_and_an_english_text():
    for code in help_codes(main):
        assert VI.get(code) and EN.get(code), code
        assert VI[code] != EN[code], code


def test_help_texts_are_not_tried_as_stored_reasons():
    """pipelines.i18n.errors leaves the help texts out of the templates it reads stored reasons back with."""
    assert {code for code in EN if HELP_TEXT.fullmatch(code)} == set(help_codes(main))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "minhchung" for p, _ in COMMANDS])
def test_help_is_vietnamese_by_default_and_english_on_request(path, command):
    vi = squeeze(help_screen(*path, "--help"))
    assert vi.startswith("Cáchdùng:") and "Tùychọn:" in vi and squeeze("Xem hướng dẫn này rồi thoát.") in vi
    for code in own_codes(path, command):
        assert squeeze(VI[code]) in vi, code
        assert squeeze(EN[code]) not in vi, code
    for screen in (help_screen("--lang", "en", *path, "--help"),
                   help_screen(*path, "-h", env={"MINHCHUNG_LANG": "en"})):
        en = squeeze(screen)
        assert en.startswith("Usage:") and "Options:" in en and "Showthismessageandexit." in en
        for code in own_codes(path, command):
            assert squeeze(EN[code]) in en, code
            assert squeeze(VI[code]) not in en, code


def test_the_group_list_shows_each_commands_first_sentence_whole():
    screen = help_screen("--help")
    assert "Lệnh:" in screen
    assert squeeze("serve Chạy giao diện web (tìm kiếm, văn bản, thiếu minh chứng, rà soát, tiếp nhận hồ sơ) và API "
                   "JSON của giao diện.") in squeeze(screen)
    assert squeeze("serve Serve the web interface (search, documents, gaps, review, intake) and its JSON API.") in \
        squeeze(help_screen("--lang", "en", "--help"))


def test_the_flag_wins_over_the_environment_and_clicks_own_words_follow():
    screen = help_screen("--lang", "vi", "ingest", "--help", env={"MINHCHUNG_LANG": "en"})
    assert screen.startswith("Cách dùng:") and "Đối số:" in screen
    assert "[mặc định: auto]" in screen and "Đơn vị đã gửi các tệp này." in screen
    assert "[default: auto]" in help_screen("--lang", "en", "ingest", "--help")
    assert squeeze("[biến môi trường: MINHCHUNG_BROKER_URL]") in squeeze(help_screen("worker", "--help"))
    assert "[bắt buộc]" in help_screen("scores", "override", "--help")
    assert help_screen("--lang", "en", "--help", env={"MINHCHUNG_LANG": "vi"}).startswith("Usage:")


def test_a_usage_error_shows_the_usage_line_in_the_users_language():
    result = CliRunner().invoke(main, ["ingest"], env={"MINHCHUNG_LANG": None})
    assert result.exit_code == 2
    assert "Cách dùng:" in result.output and "ingest [OPTIONS] PATHS..." in result.output
