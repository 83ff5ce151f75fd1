"""URL-fetch safety: schemes, literal addresses, DNS answers, and every redirect hop."""

from __future__ import annotations

import asyncio
import socket

import pytest

from kabar.sources.crawler import Fetcher, FetchOptions
from kabar.sources.safety import (
    HostResolutionError,
    SafetyOptions,
    UnsafeURLError,
    address_is_public,
    check_url,
    check_url_async,
)
from sources_site import LocalSite

REFUSED = [
    "http://127.0.0.1/",
    "http://127.1/",  # short form of loopback
    "http://2130706433/",  # loopback as one number
    "http://0x7f.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://10.0.0.8/",
    "http://172.16.3.4/",
    "http://192.168.1.1:8080/admin",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://[fd00:ec2::254]/",  # AWS IPv6 metadata (unique-local)
    "http://[fe80::1]/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://0.0.0.0/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://printer.local/",
    "http://metadata.google.internal/",
    "http://224.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://x/",
        "javascript:alert(1)",
        "data:text/html,x",
        "",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, SafetyOptions(allow_private=True))


@pytest.mark.parametrize(
    "url", ["http://user:pw@example.com/", "http://[::1/", "http://:80/", "http://x" + "a" * 9000]
)
def test_malformed_or_credentialed_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url)


def test_public_literals_pass_and_private_pass_only_when_allowed() -> None:
    check_url("http://93.184.216.34/")
    check_url("http://[2606:2800:220:1:248:1893:25c8:1946]/")
    check_url("http://127.0.0.1:8000/", SafetyOptions(allow_private=True))
    check_url("http://localhost/", SafetyOptions(allow_private=True))


def test_every_dns_answer_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # A name with one public and one private answer must be refused: the
    # connection could go to either.
    def fake(host: str, port: int, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(UnsafeURLError, match=r"10\.1\.2\.3"):
        check_url("http://news.example/")


def test_dns_rebinding_style_name_to_loopback_is_refused_async(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fake(self: object, host: str, port: int, **kwargs: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", fake)
    with pytest.raises(UnsafeURLError, match="::1"):
        asyncio.run(check_url_async("https://evil.example/"))


def test_unresolvable_name_is_a_network_condition_not_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_a: object, **_k: object) -> None:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(HostResolutionError):
        check_url("http://no-such-host.example/")


def test_address_classifier_unwraps_ipv4_inside_ipv6() -> None:
    import ipaddress

    assert not address_is_public(ipaddress.ip_address("::ffff:192.168.0.1"))
    assert not address_is_public(ipaddress.ip_address("2002:c0a8:0001::1"))  # 6to4 of 192.168.0.1
    assert not address_is_public(ipaddress.ip_address("64:ff9b::a00:1"))  # NAT64 of 10.0.0.1
    assert address_is_public(ipaddress.ip_address("8.8.8.8"))


def test_fetcher_refuses_loopback_unless_allowed() -> None:
    with LocalSite() as site:
        site.add("/a", body=b"<html>halo</html>")

        async def go(allow: bool) -> str:
            opts = FetchOptions(
                safety=SafetyOptions(allow_private=allow), obey_robots=False, rate_per_host=100
            )
            async with Fetcher(opts) as f:
                return (await f.fetch(site.url("/a"))).outcome

        assert asyncio.run(go(False)) == "unsafe"
        assert not site.hits  # refused before any connection
        assert asyncio.run(go(True)) == "ok"


def test_redirect_to_a_private_address_is_refused_at_the_hop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public-looking start that redirects into the metadata service stops at that hop."""
    with LocalSite() as site:
        site.add("/go", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
        checked: list[str] = []
        real = check_url_async

        async def spy(url: str, options: SafetyOptions | None = None) -> None:
            checked.append(url)
            # the local site itself stands in for a public host; everything else is checked for real
            if url.startswith(site.base):
                return
            await real(url, SafetyOptions(allow_private=False))

        monkeypatch.setattr("kabar.sources.crawler.check_url_async", spy)

        async def go() -> tuple[str, str]:
            async with Fetcher(FetchOptions(obey_robots=False, rate_per_host=100)) as f:
                r = await f.fetch(site.url("/go"))
                return r.outcome, r.final_url

        outcome, final = asyncio.run(go())
        assert outcome == "unsafe"
        assert final.startswith("http://169.254.169.254")
        assert checked == [site.url("/go"), "http://169.254.169.254/latest/meta-data/"]
