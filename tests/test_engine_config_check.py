"""A bad configuration is refused with what is wrong and where; `kabar run --check-config` says so and exits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kabar.cli.main import app
from kabar.engine.config import ConfigError, load_config, parse_config
from kabar.engine.config_errors import MAX_PROBLEMS

GOOD_SOURCE = '[[source]]\nname = "A"\nurl = "https://a.id/rss"\n'


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, origin="my.toml")
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_a_misspelt_key_names_the_file_line_path_and_the_closest_key() -> None:
    text = GOOD_SOURCE + '\n[[source]]\nname = "B"\nurl = "https://b.id/rss"\nintervall = 5\n'
    assert _problems(text) == [
        "my.toml:8: source[1].intervall: unknown key; did you mean `interval_minutes`?"
    ]


@pytest.mark.parametrize(
    "text,problem",
    [
        # wrong types: TOML's own types are kept, nothing is coerced
        (
            '[engine]\nport = "8000"\n',
            'my.toml:2: engine.port: expected a whole number from 0 to 65535, got "8000"',
        ),
        ("[engine]\nobey_robots = 1\n", "my.toml:2: engine.obey_robots: expected true or false, got 1"),
        ('[engine]\nallow_private = "false"\n', 'engine.allow_private: expected true or false, got "false"'),
        ("[engine]\nretries = 2.5\n", "engine.retries: expected a whole number from 0 to 10, got 2.5"),
        ("[engine]\nhost = 1979-05-27\n", "engine.host: expected non-empty text, got 1979-05-27"),
        ('[engine]\nuser_agent = "  "\n', 'engine.user_agent: expected non-empty text, got "  "'),
        ("[engine]\ndb = 3\n", "engine.db: expected a path or a database URL, got 3"),
        ("engine = 3\n", "my.toml:1: engine: expected a table, got 3"),
        ("source = [1]\n", "my.toml: source[0]: expected a table, got 1"),
        # out of range, negative intervals
        (
            "[engine]\ninterval_minutes = -5\n",
            "engine.interval_minutes: expected a number from 0.001 to 10080, got -5",
        ),
        ("[engine]\nport = 70000\n", "engine.port: expected a whole number from 0 to 65535, got 70000"),
        (
            GOOD_SOURCE + "interval_minutes = 0\n",
            "my.toml:4: source[0].interval_minutes: expected a number from 0.001",
        ),
        (
            GOOD_SOURCE + 'kind = "rss"\n',
            'source[0].kind: expected one of "feed", "sitemap", "frontpage", got "rss"',
        ),
        # unknown keys and sections
        ("[engin]\nport = 1\n", "my.toml:1: engin: unknown section; did you mean [engine]?"),
        ('[[sources]]\nname = "A"\n', "my.toml:1: sources: unknown section; did you mean [[source]]?"),
        ("[cache]\nsize = 1\n", "my.toml:1: cache: unknown section; a file holds [engine] and [[source]]"),
        ("port = 9000\n", "my.toml:1: port: unknown top-level key; `port` belongs under [engine]"),
        (
            '[engine]\nurl = "https://a.id/"\n',
            "my.toml:2: engine.url: unknown key here; `url` belongs in [[source]]",
        ),
        ("[engine]\nzzz = 1\n", "engine.zzz: unknown key; valid keys: db, host, port,"),
        (
            '[engine]\nuser_agent = """kabar\nport = 1\n"""\nporte = 1\n',
            "my.toml:5: engine.porte: unknown key; did you mean `port`?",
        ),
        # missing and repeated
        ('[[source]]\nurl = "https://a.id/"\n', "my.toml:1: source[0].name: missing: a required key"),
        (GOOD_SOURCE + GOOD_SOURCE, "source: two sources share the name 'A'"),
        # syntax: the position moves to the front as file:line:column
        ("[engine]\nport = \n", "my.toml:2:8: not valid TOML: Invalid value"),
        ("\x00", "my.toml:1:1: not valid TOML"),
        # hostile shapes that would cost tomllib a recursion error, a ValueError or minutes
        ("x = " + "[" * 5000, "my.toml: not a configuration: arrays or tables nested too deep"),
        ("x = " + "{a=" * 3000, "my.toml: not a configuration: arrays or tables nested too deep"),
        ("[engine]\nport = " + "9" * 5000, "my.toml: not valid TOML: Exceeds the limit (4300 digits)"),
        ("[engine]\n[" + "a." * 6000 + "a]", "my.toml:2: a line over 10,000 characters; not a configuration"),
        ("a" * 5000 + " = 1", "my.toml:1: " + "a" * 57 + "…: unknown top-level key"),  # a long key is cut
    ],
)
def test_each_bad_value_gets_one_line_saying_where_and_what_is_expected(text: str, problem: str) -> None:
    problems = _problems(text)
    assert len(problems) == 1 and problem in problems[0], problems


def test_every_problem_is_reported_in_the_files_order() -> None:
    text = '[engine]\nport = "x"\nintervall = 5\n' + GOOD_SOURCE + "interval_minutes = -1\nfoo = 2\n"
    problems = _problems(text)
    assert [p.split(":")[1] for p in problems] == ["2", "3", "7", "8"]


def test_a_file_of_many_problems_is_cut_short() -> None:
    text = "[engine]\n" + "".join(f"key{i} = {i}\n" for i in range(500))
    problems = _problems(text)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == f"my.toml: … and {500 - MAX_PROBLEMS} more problems"


def test_valid_files_read_as_before() -> None:
    cfg = parse_config(
        "[engine]\nmax_bytes = 5e6\nport = 8080.0\ninterval_minutes = 1\n"
        '[[source]]\nname = "  A  "\nurl = "https://a.id/rss"\noutlet = " "\n'
    )
    assert cfg.max_bytes == 5_000_000 and isinstance(cfg.max_bytes, int) and cfg.port == 8080
    assert cfg.interval_minutes == 1.0 and isinstance(cfg.interval_minutes, float)
    assert cfg.sources[0].name == "A" and cfg.sources[0].outlet is None and cfg.sources[0].kind == "feed"
    empty = parse_config("")
    assert empty.sources == [] and empty.port == 8000 and empty.db == "kabar.db"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_config_or_a_config_error(text: str) -> None:
    try:
        parse_config(text, origin="x.toml")
    except ConfigError as exc:
        assert exc.problems and all(p.startswith("x.toml") and "\n" not in p for p in exc.problems)


_VALUES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["port", "retries", "host", "obey_robots", "db", "timeout_seconds", "x"]), _VALUES
    )
)
def test_any_engine_table_is_valid_or_each_problem_is_named(engine: dict[str, object]) -> None:
    import tomllib

    lines = "".join(f"{k} = {_toml(v)}\n" for k, v in engine.items())
    text = "[engine]\n" + lines
    assert tomllib.loads(text)["engine"] == engine
    try:
        parse_config(text, origin="x.toml")
    except ConfigError as exc:
        assert all(p.startswith("x.toml:") and ": engine." in p for p in exc.problems), exc.problems


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, str):  # TOML escapes: \uXXXX for controls and quotes, the rest as it is
        return (
            '"' + "".join(c if c >= " " and c not in '"\\\x7f' else f"\\u{ord(c):04x}" for c in value) + '"'
        )
    return repr(value)


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", "--check-config", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_check_config_passes_a_good_file_and_the_default(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[engine]\nport = 9001\n" + GOOD_SOURCE)
    code, out = _check("--config", str(good))
    assert code == 0 and "valid; 1 sources" in out and "9001" in out
    code, out = _check()
    assert code == 0 and f"valid; {len(load_config(None).sources)} sources" in out


def test_check_config_refuses_bad_files_with_a_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "my.toml"
    bad.write_text('[engine]\nport = "x"\n' + GOOD_SOURCE + "intervall = 5\n")
    code, out = _check("--config", str(bad))
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 2
    assert f"{bad}:2: engine.port: expected" in lines[0] and lines[0].startswith("kabar:")
    assert f"{bad}:6: source[0].intervall: unknown key; did you mean `interval_minutes`?" in lines[1]
    cases = {
        "empty.toml": (b"", "no [[source]]"),
        "binary.toml": (b"\x89PNG\r\n\x1a\n\xff\xfe" * 50, "not UTF-8"),
        "syntax.toml": (b"[engine]\nport = 80\nport = 81\n", ":3:"),
        "huge.toml": (b"#" * 1_500_000, "over 1000000 bytes"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        code, out = _check("--config", str(path))
        assert code == 1 and message in out, (name, out)
    code, out = _check("--config", str(tmp_path / "absent.toml"))
    assert code == 1 and "no such file" in out
