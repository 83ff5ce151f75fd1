# Sourced by .ci/run: a PostgreSQL server for the archive's backend tests, in KABAR_TEST_PG_URL.
#
# The project's machines run PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres). Where
# none answers, a throwaway cluster from Debian's postgresql package is started on a free
# port in a temporary folder (as an unprivileged user: initdb refuses root) and removed on
# exit. Only when no server can be had do the PostgreSQL tests skip, saying why.

_kabar_pg_answers() {
  "${BIN:-.venv/bin}/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}

_kabar_pg_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

_kabar_pg_install() {
  echo "ci: installing Debian's postgresql for the archive's backend tests"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } 2>/dev/null
}

_kabar_pg_throwaway() {
  local bindir port dir as_user=()
  bindir="$(_kabar_pg_bindir)" || { _kabar_pg_install && bindir="$(_kabar_pg_bindir)"; } || return 1
  port="$("${BIN:-.venv/bin}/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  dir="$(mktemp -d /tmp/kabar-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$dir"
    as_user=(runuser -u nobody --)
  fi
  "${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    echo "ci: initdb failed: $(tail -n 1 "$dir/initdb.log")" >&2
    rm -rf "$dir"
    return 1
  }
  "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || {
    echo "ci: the throwaway PostgreSQL did not start: $(tail -n 1 "$dir/server.log" 2>/dev/null)" >&2
    rm -rf "$dir"
    return 1
  }
  KABAR_CI_PG_STOP="${as_user[*]} $bindir/pg_ctl -D $dir/data -m fast -w stop >/dev/null; rm -rf $dir"
  trap 'eval "$KABAR_CI_PG_STOP"' EXIT
  export KABAR_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "ci: started a throwaway PostgreSQL at 127.0.0.1:$port (removed on exit)"
}

kabar_ci_postgres() {
  if [ -n "${KABAR_TEST_PG_URL:-}" ]; then
    echo "ci: PostgreSQL tests use KABAR_TEST_PG_URL"
    return 0
  fi
  local usual="postgresql://postgres@127.0.0.1:5432/postgres"
  if [ -z "${KABAR_CI_PG_THROWAWAY:-}" ] && _kabar_pg_answers "$usual"; then
    export KABAR_TEST_PG_URL="$usual"
    echo "ci: PostgreSQL tests use the server at 127.0.0.1:5432"
    return 0
  fi
  _kabar_pg_throwaway && return 0
  echo "ci: no PostgreSQL server can be had here; the PostgreSQL variants of the archive tests will skip" >&2
}
