"""``kabar run``: configuration (TOML), scheduling, polling, ingest and the /status page."""
