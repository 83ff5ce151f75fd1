"""``kabar backfill`` (WARC files → Parquet shards, on this machine or on Ray) and ``kabar load`` (shards → archive).

Extraction, Arrow and Ray are imported inside the commands: ``kabar --help`` stays fast.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from kabar.archive.batch_write import BatchArchive
from kabar.backfill.engines import Engine, EngineOptions
from kabar.backfill.ray_address import CONNECT_TIMEOUT
from kabar.cli.batch import RejectReport, guard_options, max_cpu_option, max_memory_option, rejects_option
from kabar.cli.common import DbOption, err_console, fail, open_for_writing

EXIT_SOME_FAILED = 3
BACKFILL_HELP = (
    "Exit status: 0 every WARC has its finished shard (rejected records are counted); 3 some WARC "
    "failed or broke off (named on stderr; run again once it is fixed: finished WARCs are skipped); "
    "1 nothing could be done."
)


def _backfill(
    inputs: list[str],
    out: Path,
    engine: EngineOptions,
    hosts: Path | None,
    any_host: bool,
    understand: bool,
    force: bool,
    guard: object,
    rejects: Path | None = None,
) -> None:
    from kabar.backfill.engines import run_tasks
    from kabar.backfill.hosts import HostList, HostListError
    from kabar.backfill.inputs import InputError, warc_inputs
    from kabar.backfill.prefilter import PrefilterOptions
    from kabar.backfill.task import TaskSpec
    from kabar.guard import GuardOptions, Reject

    assert isinstance(guard, GuardOptions)
    try:
        warcs = warc_inputs(inputs)
        host_list = None if any_host else (HostList.from_file(hosts) if hosts else HostList.shipped())
    except (InputError, HostListError) as exc:
        fail(escape(str(exc)))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out {escape(str(out))}: cannot create the folder: {escape(exc.strerror or str(exc))}")
    prefilter = PrefilterOptions(hosts=host_list)
    specs = [
        TaskSpec(
            warc=w,
            out_dir=out,
            prefilter=prefilter,
            guard=guard,
            understand=understand,
            force=force,
            keep_rejects=rejects is not None,
        )
        for w in warcs
    ]
    errors = err_console()
    done = skipped = articles = rejected = 0
    bad = 0
    report = RejectReport(rejects)  # opened before any task runs: an unwritable path fails first
    try:
        results = run_tasks(specs, engine)
        for r in results:
            for record in r.reject_records:
                report.write(record)
            if r.status == "failed" and not r.reject_records:  # its worker died: no record said why
                report.write(Reject(r.warc, "task", "TaskFailed", r.error or "-"))
            name = escape(r.warc)
            if r.status == "skipped":
                skipped += 1
                errors.print(f"skipped {name} (its shard is finished)", soft_wrap=True)
                continue
            if r.status == "failed":
                bad += 1
                errors.print(f"[bold red]kabar:[/] failed {name}: {escape(r.error or '-')}", soft_wrap=True)
                continue
            done += 1
            articles += r.articles
            rejected += r.rejected
            errors.print(
                f"done {name}: {r.articles} articles from {r.records_read} records "
                f"({r.records_kept} past the pre-filter, {r.rejected} rejected, {r.cpu_seconds:.1f} CPU s)",
                soft_wrap=True,
            )
            for line in r.rejects:
                errors.print(f"  rejected {escape(line)}", soft_wrap=True)
            if r.stopped_early:
                bad += 1
                errors.print(
                    f"[bold red]kabar:[/] {name} broke off ({escape(r.stopped_early)}); its shard holds "
                    "the records before the break; replace the file and run again to redo it",
                    soft_wrap=True,
                )
    except RuntimeError as exc:  # the Ray engine without Ray, a cluster that cannot be reached
        fail(escape(str(exc)))
    finally:
        report.close()
    Console(highlight=False).print(
        f"{done} WARC done, {skipped} skipped (finished before), {bad} failed or broken off; "
        f"{articles} articles, {rejected} records rejected → {out}",
        markup=False,
    )
    if bad:
        raise typer.Exit(EXIT_SOME_FAILED if done or skipped else 1)


def _load(out: Path, db: str, quiet: bool, bulk: bool = False) -> None:
    from kabar.archive.bulk_index import BulkModeRefused
    from kabar.backfill.load import LoadError, load_shards

    archive = open_for_writing(db)
    with contextlib.closing(archive):
        try:
            report = load_shards(out, archive, bulk=bulk)
        except (LoadError, BulkModeRefused) as exc:
            fail(escape(str(exc)))
        retries = archive.write_retries if isinstance(archive, BatchArchive) else 0
    s = report.summary
    if not quiet:
        for reject in s.rejects[:20]:
            err_console().print(f"[bold red]kabar:[/] rejected {escape(reject.line())}", soft_wrap=True)
    Console(highlight=False).print(
        f"{report.articles} articles from {report.shards} shards: {s.added} added, {s.unchanged} unchanged, "
        f"{s.updated} updated, {s.copies} copies, {s.rejected} rejected; {retries} write retries — archive {db}",
        markup=False,
    )
    if report.built is not None:
        b = report.built
        Console(highlight=False).print(
            f"bulk: indexes built once for {b.articles} articles ({b.chunks} chunks, {b.seconds:.1f} s)",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    @app.command("backfill", epilog=BACKFILL_HELP)
    def backfill_command(
        inputs: list[str] = typer.Argument(
            ..., help="WARC files, folders of them, quoted globs ('crawl/*.warc.gz') or files listing paths."
        ),
        out: Path = typer.Option(
            ..., "--out", "-o", help="The folder for the shards (NAME.parquet, NAME.done)."
        ),
        engine: Engine = typer.Option(Engine.local, "--engine", help="local (processes here) or ray."),
        address: str | None = typer.Option(
            None, "--address", help="Ray: a running cluster (ray://HEAD:10001 or auto); default a local one."
        ),
        connect_timeout: float = typer.Option(
            CONNECT_TIMEOUT,
            "--connect-timeout",
            min=0.1,
            max=3600.0,
            help="Ray: seconds the --address may take to answer before the run fails.",
        ),
        workers: int = typer.Option(
            1, "--workers", "-w", min=1, max=1024, help="Tasks at once (local: processes)."
        ),
        hosts: Path | None = typer.Option(
            None,
            "--hosts",
            dir_okay=False,
            help="News hosts to keep, one domain a line (default: kabar's list).",
        ),
        any_host: bool = typer.Option(
            False, "--any-host", help="Keep every host (the language check decides)."
        ),
        understand: bool = typer.Option(True, "--understand/--no-understand", help="Add entities and times."),
        force: bool = typer.Option(False, "--force", help="Redo finished shards too."),
        rejects: Path | None = rejects_option(),
        max_cpu_seconds: float = max_cpu_option(),
        max_memory_mb: int = max_memory_option(),
    ) -> None:
        """Turn WARC files into Parquet shards, one per WARC, with a done marker each.

        Pre-filter (HTTP 2xx HTML from a news host, in Indonesian), then extraction and
        understanding, each record under a CPU and memory budget. Run it again to resume:
        finished WARCs are skipped, half-written shards redone. Schema: docs/EXPORT.md.
        """
        if address and engine is not Engine.ray:
            fail("--address is for --engine ray")
        _backfill(
            inputs,
            out,
            EngineOptions(engine=engine, workers=workers, address=address, connect_timeout=connect_timeout),
            hosts,
            any_host,
            understand,
            force,
            guard_options(max_cpu_seconds, max_memory_mb),
            rejects,
        )

    @app.command("load")
    def load_command(
        out: Path = typer.Argument(..., help="A folder of shards written by `kabar backfill`."),
        db: str = DbOption,
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not list rejected articles."),
        bulk: bool = typer.Option(
            False,
            "--bulk",
            help="Bulk mode: store the articles first, then build search, related news, duplicates, "
            "entities and stories once at the end (same result). Interrupted: run it again.",
        ),
    ) -> None:
        """Store the finished shards' articles in the archive, in time order (a rerun stores nothing twice)."""
        _load(out, db, quiet, bulk)


__all__ = ["register"]
