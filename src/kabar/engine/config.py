"""``kabar run``'s configuration: a TOML file, or the default shipped beside this module.

Reading is here (size, encoding, TOML syntax); what the file may hold is :mod:`kabar.engine.config_model`,
and how a bad file is explained is :mod:`kabar.engine.config_errors`.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from kabar.engine.config_errors import problems
from kabar.engine.config_model import ConfigFile, EngineConfig, SourceConfig, SourceKind

MAX_CONFIG_BYTES = 1_000_000
# tomllib's time grows with the square of a dotted key's length ([a.a.a…] of 200 KB: half a minute);
# a real configuration's longest line is a URL, so a longer line is refused before parsing.
MAX_LINE_CHARS = 10_000
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class ConfigError(ValueError):
    """A configuration that cannot be used: one line per problem in ``problems``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _syntax_error(exc: tomllib.TOMLDecodeError, origin: str) -> ConfigError:
    # tomllib (3.11) puts the position only in its message; lift it to the front as file:line:column.
    message = str(exc)
    position = _TOML_POSITION.search(message)
    if position is None:
        return ConfigError([f"{origin}: not valid TOML: {message}"])
    line, column = position.groups()
    return ConfigError([f"{origin}:{line}:{column}: not valid TOML: {message[: position.start()]}"])


def _long_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE_CHARS:
            return number
    return None


def parse_config(text: str, *, origin: str = "config") -> EngineConfig:
    long_line = _long_line(text)
    if long_line is not None:
        raise ConfigError(
            [f"{origin}:{long_line}: a line over {MAX_LINE_CHARS:,} characters; not a configuration"]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, origin) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError([f"{origin}: not a configuration: arrays or tables nested too deep"]) from None
    except ValueError as exc:  # tomllib lets int() refuse a number of thousands of digits
        raise ConfigError([f"{origin}: not valid TOML: {str(exc).split(';')[0]}"]) from None
    try:
        return ConfigFile.model_validate(data).engine_config()
    except ValidationError as exc:
        raise ConfigError(problems(exc, origin=origin, text=text)) from None


def default_config_text() -> str:
    return resources.files("kabar.engine").joinpath("default.toml").read_text(encoding="utf-8")


def load_config(path: Path | None = None) -> EngineConfig:
    """The file's configuration, or the shipped default when ``path`` is None."""
    if path is None:
        return parse_config(default_config_text(), origin="default.toml")
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError([f"{path}: over {MAX_CONFIG_BYTES} bytes; not a configuration"])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{path}: is a folder, not a TOML file"]) from None
    except PermissionError:
        raise ConfigError([f"{path}: not readable (permission denied)"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start}); a TOML file is UTF-8"]) from None
    return parse_config(text, origin=str(path))


__all__ = [
    "ConfigError",
    "EngineConfig",
    "SourceConfig",
    "SourceKind",
    "default_config_text",
    "load_config",
    "parse_config",
]
