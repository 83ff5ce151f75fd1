"""kabar run's configuration: the shipped default and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.cli.main import app
from kabar.engine.config import ConfigError, load_config, parse_config

PORTALS = ["Antara", "Tempo", "Kompas", "Detik", "CNN Indonesia", "Liputan6", "Republika", "Okezone", "Suara",
           "VOA Indonesia", "BBC Indonesia"]  # fmt: skip


def test_default_lists_the_major_portals_feeds() -> None:
    cfg = load_config(None)
    assert [s.name for s in cfg.sources] == PORTALS
    assert all(s.kind == "feed" and s.url.startswith("https://") for s in cfg.sources)
    assert cfg.db == "kabar.db" and not cfg.allow_private and cfg.obey_robots
    assert "kabar" in cfg.user_agent
    opts = cfg.fetch_options()
    assert opts.rate_per_host == cfg.rate_per_host and not opts.safety.allow_private


def test_user_file_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[engine]\ndb = "x.db"\nport = 9001\nrate_per_host = 2\n'
        '[[source]]\nname = "A"\nkind = "sitemap"\nurl = "https://a.id/sitemap.xml"\ninterval_minutes = 5\n'
    )
    cfg = load_config(path)
    assert cfg.db == "x.db" and cfg.port == 9001 and cfg.rate_per_host == 2.0
    assert cfg.sources[0].kind == "sitemap" and cfg.sources[0].interval_minutes == 5.0


@pytest.mark.parametrize(
    "text,message",
    [
        ("[engine\n", "not valid TOML"),
        ('[[source]]\nname = "A"\nkind = "podcast"\nurl = "https://a.id/"\n', "kind: expected one of"),
        ('[[source]]\nname = "A"\nurl = "file:///etc/passwd"\n', "http"),
        ('[[source]]\nurl = "https://a.id/"\n', "name: missing"),
        (
            '[[source]]\nname = "A"\nurl = "https://a.id/"\n[[source]]\nname = "A"\nurl = "https://b.id/"\n',
            "share",
        ),
        ("[engine]\nrate_per_host = -1\n", "rate_per_host"),
        ('[engine]\nport = "delapan"\n', "port"),
        ("source = 3\n", "[[source]]"),
    ],
)
def test_bad_configs(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text)


def test_bad_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 100)
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(binary)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * 2_000_000)
    with pytest.raises(ConfigError, match="over"):
        load_config(huge)
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="folder"):
        load_config(tmp_path)


def test_cli_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[engine\n")
    result = CliRunner().invoke(app, ["run", "--config", str(bad), "--once"])
    assert result.exit_code == 1
    assert "not valid TOML" in result.output and "Traceback" not in result.output
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    result = CliRunner().invoke(app, ["run", "--config", str(empty), "--once"])
    assert result.exit_code == 1 and "no [[source]]" in result.output


def test_fetch_refuses_private_addresses_without_the_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["fetch", "http://169.254.169.254/latest/meta-data/", "--db", str(tmp_path / "k.db")]
    )
    assert result.exit_code == 1 and "refused" in result.output
    result = CliRunner().invoke(app, ["fetch", "file:///etc/passwd", "--db", str(tmp_path / "k.db")])
    assert result.exit_code == 1 and "scheme" in result.output
