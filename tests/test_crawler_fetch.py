"""The polite fetcher against a local site: robots, rate, retries, redirects, caps, gzip."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
import zlib

import pytest

from kabar.sources.crawler import DEFAULT_USER_AGENT, Fetcher, FetchOptions, FetchResult
from kabar.sources.safety import SafetyOptions
from sources_site import LocalSite, Route

LOCAL = SafetyOptions(allow_private=True)


def opts(**kw: object) -> FetchOptions:
    base: dict[str, object] = {"safety": LOCAL, "rate_per_host": 200.0, "backoff": 0.05, "timeout": 3.0}
    base.update(kw)
    return FetchOptions(**base)  # type: ignore[arg-type]


def fetch_all(
    options: FetchOptions, urls: list[str], records: list[FetchResult] | None = None
) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(options, on_record=records.append if records is not None else None) as f:
            return list(await asyncio.gather(*(f.fetch(u) for u in urls)))

    return asyncio.run(go())


def test_plain_fetch_sends_user_agent_and_is_recorded() -> None:
    with LocalSite() as site:
        site.add("/robots.txt", body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
        site.add("/berita/1", body=b"<html><p>Halo dunia</p></html>")
        records: list[FetchResult] = []
        [r] = fetch_all(opts(), [site.url("/berita/1")], records)
        assert r.ok and r.status == 200 and r.content == b"<html><p>Halo dunia</p></html>"
        hit = site.hits_for("/berita/1")[0]
        assert hit.headers["user-agent"] == DEFAULT_USER_AGENT and "kabar" in hit.headers["user-agent"]
        assert [x.url for x in records] == [site.url("/berita/1")]
        assert records[0].size == len(r.content) and records[0].elapsed > 0 and records[0].started_at.tzinfo


def test_robots_txt_disallow_is_obeyed_and_fetched_once() -> None:
    with LocalSite() as site:
        site.add("/robots.txt", body=b"User-agent: *\nDisallow: /rahasia/\n", content_type="text/plain")
        site.add("/rahasia/1", body=b"x")
        site.add("/berita/1", body=b"y")
        a, b, c = fetch_all(opts(), [site.url("/rahasia/1"), site.url("/berita/1"), site.url("/rahasia/2")])
        assert a.outcome == "robots_disallowed" and c.outcome == "robots_disallowed"
        assert b.ok
        assert not site.hits_for("/rahasia/1")
        assert len(site.hits_for("/robots.txt")) == 1


def test_robots_txt_for_kabar_specifically() -> None:
    with LocalSite() as site:
        site.add("/robots.txt", body=b"User-agent: kabar\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
        site.add("/x", body=b"x")
        [r] = fetch_all(opts(), [site.url("/x")])
        assert r.outcome == "robots_disallowed"


def test_robots_5xx_means_disallowed_and_404_means_allowed() -> None:
    with LocalSite() as site:
        site.add("/robots.txt", status=500, body=b"oops")
        site.add("/x", body=b"x")
        [r] = fetch_all(opts(retries=0), [site.url("/x")])
        assert r.outcome == "robots_disallowed" and "5xx" in (r.error or "")
    with LocalSite() as site:
        site.add("/x", body=b"x")  # robots.txt is a 404 here
        [r] = fetch_all(opts(), [site.url("/x")])
        assert r.ok


def test_crawl_delay_sets_the_pace() -> None:
    with LocalSite() as site:
        site.add("/robots.txt", body=b"User-agent: *\nCrawl-delay: 0.3\n")
        for i in range(4):
            site.add(f"/p{i}", body=b"x")
        fetch_all(opts(rate_per_host=1000.0, concurrency_per_host=4), [site.url(f"/p{i}") for i in range(4)])
        starts = sorted(h.at for h in site.hits if h.path.startswith("/p"))
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        # server-seen arrivals: the first request also pays connection set-up, which can
        # shift it later by tens of ms on a loaded machine; without the delay gaps are ~0
        assert min(gaps) >= 0.25, gaps


def test_rate_limit_is_never_exceeded_with_many_concurrent_requests() -> None:
    rate = 20.0
    with LocalSite() as site:
        for i in range(15):
            site.add(f"/p{i}", body=b"x")
        results = fetch_all(opts(rate_per_host=rate, concurrency_per_host=8, obey_robots=False),
                            [site.url(f"/p{i}") for i in range(15)])  # fmt: skip
        assert all(r.ok for r in results)
        starts = sorted(h.at for h in site.hits)
        span = starts[-1] - starts[0]
        # as seen by the server; 30 ms allowed for the first connection's set-up
        assert span >= (len(starts) - 1) / rate - 0.03, span
        assert (len(starts) - 1) / span >= rate * 0.7  # and it does not crawl needlessly slow


def test_concurrency_cap_per_host() -> None:
    with LocalSite() as site:
        for i in range(6):
            site.add(f"/slow{i}", body=b"x", delay=0.3)
        t0 = time.monotonic()
        fetch_all(opts(concurrency_per_host=2, obey_robots=False), [site.url(f"/slow{i}") for i in range(6)])
        # 6 requests, 2 at a time, 0.3 s each: at least 3 rounds
        assert time.monotonic() - t0 >= 0.85


def test_retries_on_503_then_succeeds_and_honours_retry_after() -> None:
    with LocalSite() as site:
        site.add("/flaky", Route(body=b"ok", fail_times=2, status_on_fail=503, headers={"Retry-After": "0"}))
        site.add("/busy", Route(body=b"ok", fail_times=1, status_on_fail=429, headers={"Retry-After": "1"}))
        flaky, busy = fetch_all(opts(retries=2, obey_robots=False), [site.url("/flaky"), site.url("/busy")])
        assert flaky.ok and flaky.attempts == 3
        assert busy.ok and busy.attempts == 2
        busy_hits = site.hits_for("/busy")
        assert busy_hits[1].at - busy_hits[0].at >= 0.95  # waited as asked; each retried as often as needed
        assert len(busy_hits) == 2 and len(site.hits_for("/flaky")) == 3


def test_gives_up_after_retries_and_on_a_too_long_retry_after() -> None:
    with LocalSite() as site:
        site.add("/down", status=500, body=b"err")
        site.add("/later", status=503, headers={"Retry-After": "3600"})
        down, later = fetch_all(opts(retries=2, obey_robots=False), [site.url("/down"), site.url("/later")])
        assert down.outcome == "http_error" and down.status == 500 and down.attempts == 3
        assert later.outcome == "http_error" and later.attempts == 1 and "Retry-After" in (later.error or "")


def test_404_is_not_retried() -> None:
    with LocalSite() as site:
        [r] = fetch_all(opts(retries=3, obey_robots=False), [site.url("/none")])
        assert r.outcome == "http_error" and r.status == 404 and len(site.hits_for("/none")) == 1


def test_redirects_followed_loops_and_chains_stopped() -> None:
    with LocalSite() as site:
        site.add("/old", status=301, headers={"Location": "/new"})
        site.add("/new", body=b"<p>baru</p>")
        site.add("/loop-a", status=302, headers={"Location": "/loop-b"})
        site.add("/loop-b", status=302, headers={"Location": "/loop-a"})
        for i in range(10):
            site.add(f"/chain{i}", status=302, headers={"Location": f"/chain{i + 1}"})
        moved, loop, chain = fetch_all(
            opts(max_redirects=5, obey_robots=False),
            [site.url("/old"), site.url("/loop-a"), site.url("/chain0")],
        )
        assert moved.ok and moved.final_url == site.url("/new") and moved.content == b"<p>baru</p>"
        assert loop.outcome == "redirect_loop"
        assert chain.outcome == "too_many_redirects" and len(chain.redirects) == 6


def test_same_host_stops_a_redirect_to_another_host_before_asking_it() -> None:
    with LocalSite() as site:
        elsewhere = site.url("/there").replace("127.0.0.1", "localhost")
        site.add("/here", status=302, headers={"Location": elsewhere})
        site.add("/local", status=302, headers={"Location": "/there"})
        site.add("/there", body=b"<p>sana</p>")

        async def go() -> list[FetchResult]:
            async with Fetcher(opts()) as f:
                return [
                    await f.fetch(site.url("/here"), same_host=True),
                    await f.fetch(site.url("/local"), same_host=True),
                ]

        away, local = asyncio.run(go())
        assert away.outcome == "off_host_redirect" and away.final_url == elsewhere and not away.content
        assert local.ok and local.content == b"<p>sana</p>"
        # the other host was asked nothing, not even its robots.txt
        assert not [h for h in site.hits if h.headers.get("host", "").startswith("localhost")]
        assert len(site.hits_for("/there")) == 1


def test_size_cap_declared_and_streamed() -> None:
    big = b"<p>" + b"a" * 300_000 + b"</p>"
    with LocalSite() as site:
        site.add("/declared", body=big)
        site.add("/undeclared", body=big, declare_length=False)
        a, b = fetch_all(
            opts(max_bytes=100_000, obey_robots=False), [site.url("/declared"), site.url("/undeclared")]
        )
        assert a.outcome == "too_large" and b.outcome == "too_large"
        assert a.content == b"" and b.content == b""


def test_gzip_is_decoded_and_a_gzip_bomb_is_stopped() -> None:
    page = b"<html><p>Berita terkompresi</p></html>"
    bomb = b"\0" * 50_000_000  # 50 MB of zeros: ~50 KB compressed
    with LocalSite() as site:
        site.add("/gz", body=page, gzip=True)
        site.add("/bomb", body=bomb, gzip=True)
        gz, boom = fetch_all(
            opts(max_bytes=1_000_000, obey_robots=False), [site.url("/gz"), site.url("/bomb")]
        )
        assert gz.ok and gz.content == page
        assert boom.outcome == "too_large" and len(boom.content) <= 1_000_000  # stopped, not inflated


def test_raw_deflate_content_encoding() -> None:
    page = b"<p>deflate</p>"
    co = zlib.compressobj(wbits=-15)
    raw = co.compress(page) + co.flush()
    with LocalSite() as site:
        site.add("/d", body=raw, headers={"Content-Encoding": "deflate"})
        [r] = fetch_all(opts(obey_robots=False), [site.url("/d")])
        assert r.ok and r.content == page


def test_corrupt_gzip_is_an_error_not_a_crash() -> None:
    with LocalSite() as site:
        site.add("/bad", body=b"\x1f\x8b\x08\x00garbage-not-gzip" * 10, headers={"Content-Encoding": "gzip"})
        [r] = fetch_all(opts(obey_robots=False), [site.url("/bad")])
        assert r.outcome == "http_error" and "compressed" in (r.error or "")


def test_slow_server_times_out_and_slow_drip_hits_the_total_deadline() -> None:
    with LocalSite() as site:
        site.add("/slow", body=b"x", delay=2.0)
        site.add("/drip", body=b"x" * 20_000, drip=0.2)  # 20 chunks × 0.2 s = 4 s
        slow, drip = fetch_all(
            opts(timeout=0.8, retries=0, obey_robots=False), [site.url("/slow"), site.url("/drip")]
        )
        # a timeout, not the page: without the deadline both would have arrived (after 2 s and 4 s)
        assert slow.outcome == "timeout" and drip.outcome == "timeout"
        assert not slow.content and not drip.content


def test_conditional_get_gives_not_modified() -> None:
    with LocalSite() as site:
        site.add("/feed", body=b"<rss/>", etag='"v1"', last_modified="Wed, 21 Oct 2020 07:28:00 GMT")

        async def go() -> tuple[FetchResult, FetchResult]:
            async with Fetcher(opts(obey_robots=False)) as f:
                first = await f.fetch(site.url("/feed"))
                second = await f.fetch(site.url("/feed"), etag=first.headers.get("etag"),
                                       last_modified=first.headers.get("last-modified"))  # fmt: skip
                return first, second

        first, second = asyncio.run(go())
        assert first.ok and second.outcome == "not_modified" and second.status == 304
        assert site.hits_for("/feed")[1].headers["if-none-match"] == '"v1"'


def test_connection_refused_is_a_network_error() -> None:
    with LocalSite() as site:
        dead = site.url("/x")
    [r] = fetch_all(opts(retries=1, obey_robots=False), [dead])
    assert r.outcome == "network_error" and r.attempts == 2
    [r] = fetch_all(opts(retries=0), [dead])  # robots.txt unreachable: said as a network error
    assert r.outcome == "network_error" and "unreachable" in (r.error or "")


@pytest.mark.parametrize("body", [b"", b"\x00\xff" * 1000, gzip.compress(b"<html>double</html>", mtime=0)])
def test_odd_bodies_are_returned_as_bytes(body: bytes) -> None:
    with LocalSite() as site:
        site.add("/odd", body=body, content_type="application/octet-stream")
        [r] = fetch_all(opts(obey_robots=False), [site.url("/odd")])
        assert r.ok and r.content == body
