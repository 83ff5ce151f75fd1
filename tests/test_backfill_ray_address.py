"""``--engine ray --address``: an address where no Ray cluster answers fails in one line, never hangs.

Most tests put a fake Ray behind the engine's seam (``ray_engine._ray``), so they run without
Ray and can make ``ray.init`` hang on purpose; one test uses the real Ray when it is installed
(and skips, saying so, when it is not). Only loopback sockets are used.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backfill_support import article_spec, sample_articles, write_warc
from kabar.backfill import ray_engine
from kabar.backfill.engines import Engine, EngineOptions, run_tasks
from kabar.backfill.ray_address import (
    CLIENT_PORT,
    GCS_PORT,
    RayEndpoint,
    RayUnreachable,
    check_reachable,
    ray_endpoint,
)
from kabar.backfill.ray_engine import RayUnavailable
from kabar.cli.main import app


class FakeRay:
    """What the engine uses of Ray; ``init`` does what the test says (hang, raise, succeed)."""

    def __init__(self, init: Callable[[], object] = lambda: None) -> None:
        self._init = init
        self.inits: list[dict[str, Any]] = []
        self.shutdowns = 0
        self._on = False

    def is_initialized(self) -> bool:
        return self._on

    def init(self, **kwargs: Any) -> None:
        self.inits.append(kwargs)
        self._init()
        self._on = True

    def shutdown(self) -> None:
        self.shutdowns += 1
        self._on = False

    def remote(self, **_options: Any) -> Callable[[Any], Any]:
        return lambda function: function


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def listening() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (not a Ray cluster)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def use_fake(monkeypatch: pytest.MonkeyPatch, fake: FakeRay) -> FakeRay:
    monkeypatch.setattr(ray_engine, "_ray", lambda: fake)
    return fake


def ray_options(address: str, timeout: float = 5.0) -> EngineOptions:
    return EngineOptions(engine=Engine.ray, address=address, connect_timeout=timeout)


@pytest.mark.parametrize(
    ("address", "endpoint"),
    [
        ("ray://head.example:10002", RayEndpoint("head.example", 10002)),
        ("ray://head.example", RayEndpoint("head.example", CLIENT_PORT)),
        ("10.0.0.5:6380", RayEndpoint("10.0.0.5", 6380)),
        ("head.example", RayEndpoint("head.example", GCS_PORT)),
        ("[::1]:6379", RayEndpoint("::1", 6379)),
        ("auto", None),
        (" LOCAL ", None),
    ],
)
def test_the_address_names_a_host_and_port(address: str, endpoint: RayEndpoint | None) -> None:
    assert ray_endpoint(address) == endpoint


@pytest.mark.parametrize(("address", "why"), [("head:99999", "port"), ("ray://:10001", "names no host")])
def test_an_address_that_names_nothing_is_refused(address: str, why: str) -> None:
    with pytest.raises(RayUnreachable, match=why):
        ray_endpoint(address)


def test_a_port_where_nothing_listens_fails_without_calling_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = use_fake(monkeypatch, FakeRay())
    address = f"127.0.0.1:{closed_port()}"
    with pytest.raises(RayUnavailable) as caught:
        list(run_tasks([], ray_options(address)))
    message = str(caught.value)
    assert address in message and "cannot reach the Ray cluster" in message
    assert "\n" not in message
    assert fake.inits == []  # Ray never got the chance to reconnect for minutes


def test_a_port_that_answers_but_is_no_ray_cluster_fails_at_the_timeout(
    monkeypatch: pytest.MonkeyPatch, listening: int
) -> None:
    release = threading.Event()
    fake = use_fake(monkeypatch, FakeRay(init=lambda: release.wait(60)))
    address = f"ray://127.0.0.1:{listening}"
    try:
        with pytest.raises(RayUnavailable, match=r"did not answer as a Ray cluster within 0\.5 s") as caught:
            list(run_tasks([], ray_options(address, timeout=0.5)))
    finally:
        release.set()  # the helper thread ends
    assert address in str(caught.value)
    assert len(fake.inits) == 1 and fake.inits[0]["address"] == address


def test_an_error_of_ray_itself_is_one_line_naming_the_address(
    monkeypatch: pytest.MonkeyPatch, listening: int
) -> None:
    def refuse() -> None:
        raise ConnectionError(
            "Could not find any running Ray instance.\nPlease specify the one to connect to."
        )

    use_fake(monkeypatch, FakeRay(init=refuse))
    address = f"127.0.0.1:{listening}"
    with pytest.raises(RayUnavailable, match=f"cannot join the Ray cluster at {address}: ConnectionError"):
        list(run_tasks([], ray_options(address)))


def test_a_cluster_that_answers_is_joined_and_left_running(
    monkeypatch: pytest.MonkeyPatch, listening: int
) -> None:
    fake = use_fake(monkeypatch, FakeRay())
    address = f"127.0.0.1:{listening}"
    assert list(run_tasks([], ray_options(address))) == []
    assert [i["address"] for i in fake.inits] == [address]
    assert fake.shutdowns == 1  # this process's connection only; the cluster itself is not ours to stop


def test_check_reachable_accepts_a_listening_port(listening: int) -> None:
    check_reachable(f"127.0.0.1:{listening}", timeout=5)


def test_the_command_fails_in_one_line_naming_the_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_fake(monkeypatch, FakeRay())
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(1)])
    address = f"127.0.0.1:{closed_port()}"
    args = ["backfill", str(warc), "--out", str(tmp_path / "out"), "--engine", "ray", "--address", address]
    result = CliRunner().invoke(app, [*args, "--connect-timeout", "5"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and address in lines[0] and "cannot reach the Ray cluster" in lines[0], lines
    assert not list((tmp_path / "out").glob("*.parquet"))


def test_the_real_ray_fails_at_once_where_nothing_listens() -> None:
    ray = pytest.importorskip(
        "ray", reason="Ray is not installed (pip install 'kabar[ray]'; make test installs it)"
    )
    if ray.is_initialized():
        pytest.skip("a Ray cluster is already running in this process (joined, not started here)")
    address = f"127.0.0.1:{closed_port()}"
    with pytest.raises(RayUnavailable, match="cannot reach the Ray cluster"):
        list(run_tasks([], ray_options(address)))
    assert not ray.is_initialized()
