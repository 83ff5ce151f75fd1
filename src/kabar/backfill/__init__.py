"""Backfills: folders of WARC files → one Parquet shard per WARC → the archive (``kabar backfill``, ``kabar load``).

One task per WARC (:mod:`kabar.backfill.task`): a cheap pre-filter
(:mod:`kabar.backfill.prefilter`: HTTP 2xx HTML responses from a news host, in Indonesian),
then extraction and understanding under the per-record guard, then the shard and its done
marker (:mod:`kabar.backfill.shard`). The tasks run on an engine: processes on this machine
(:mod:`kabar.backfill.local`) or a Ray cluster (:mod:`kabar.backfill.ray_engine`, optional).
:mod:`kabar.backfill.load` stores the shards in an archive in time order.
"""
