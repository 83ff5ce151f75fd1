"""What ``kabar backfill INPUTS…`` names, and the news host list."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.backfill.hosts import HostList, HostListError
from kabar.backfill.inputs import InputError, warc_inputs


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    for name in ("b.warc.gz", "a.warc.gz", "c.warc", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    return tmp_path


def test_files_folders_globs_and_lists(crawl: Path) -> None:
    assert warc_inputs([str(crawl)]) == [crawl / "a.warc.gz", crawl / "b.warc.gz", crawl / "c.warc"]
    assert warc_inputs([str(crawl / "*.warc.gz")]) == [crawl / "a.warc.gz", crawl / "b.warc.gz"]
    listing = crawl / "list.txt"
    listing.write_text("# this month\nb.warc.gz\n\n" + str(crawl / "c.warc") + "\n*.warc.gz  # again\n")
    assert warc_inputs([str(listing)]) == [crawl / "b.warc.gz", crawl / "c.warc", crawl / "a.warc.gz"]
    # Named twice: once.
    assert warc_inputs([str(crawl / "a.warc.gz"), str(crawl / "a.warc.gz")]) == [crawl / "a.warc.gz"]


@pytest.mark.parametrize(
    "entry,message",
    [("missing.warc.gz", "no such file"), ("*.arc.gz", "matches no WARC"), ("empty", "no WARC file")],
)
def test_inputs_that_name_nothing_say_so(crawl: Path, entry: str, message: str) -> None:
    (crawl / "empty").mkdir()
    with pytest.raises(InputError, match=message):
        warc_inputs([str(crawl / entry)])


def test_a_list_naming_a_missing_file_says_which_line(crawl: Path) -> None:
    listing = crawl / "list.txt"
    listing.write_text("a.warc.gz\n\ngone.warc.gz\n")
    with pytest.raises(InputError, match=r"list.txt:3: gone.warc.gz: no such file"):
        warc_inputs([str(listing)])


def test_a_binary_file_is_neither_a_warc_name_nor_a_list(crawl: Path) -> None:
    blob = crawl / "blob.bin"
    blob.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(InputError, match="neither a WARC name"):
        warc_inputs([str(blob)])


def test_hosts_match_the_domain_and_its_subdomains_only() -> None:
    hosts = HostList.shipped()
    assert hosts.keeps("https://news.detik.com/berita/d-1/x")
    assert hosts.keeps("http://WWW.KOMPAS.COM/read/1")
    assert hosts.keeps("https://www.antaranews.com:443/berita/1")
    assert not hosts.keeps("https://notdetik.com/x")
    assert not hosts.keeps("https://detik.com.evil.example/x")
    assert not hosts.keeps("https://www.bbc.com/news")
    assert not hosts.keeps("")
    assert not hosts.keeps("http://[::1")  # mangled: dropped, not an error


def test_a_host_list_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "hosts.txt"
    path.write_text("# mine\nwww.contoh.id\n")
    assert HostList.from_file(path).keeps("https://berita.contoh.id/a")
    path.write_text("# nothing\n")
    with pytest.raises(HostListError, match="no domains"):
        HostList.from_file(path)
    path.write_text("contoh.id/berita\n")
    with pytest.raises(HostListError, match="not a domain"):
        HostList.from_file(path)
    with pytest.raises(HostListError, match="cannot read"):
        HostList.from_file(tmp_path / "missing.txt")
