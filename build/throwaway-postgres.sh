# Sourced by build/bench.sh and build/nemesis.sh: a throwaway PostgreSQL cluster (Debian's package, as the tests use), in
# a temporary folder, on a free loopback port, fsync off; stopped by its PID when the calling script exits.
#   start_throwaway_postgres   sets PG_PORT, PG_FOLDER, PG_BIN and exports CAMB_FLEET_DB (an empty database)
#   stop_throwaway_postgres / restart_throwaway_postgres   (the nemesis's outages)
pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_throwaway_postgres() {
  PG_BIN=$(command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL's server (initdb) is not installed: apt-get install postgresql" >&2; return 1; }
  PG_FOLDER=$(mktemp -d)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_FOLDER"
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  pg_as "$PG_BIN/initdb" -D "$PG_FOLDER/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  restart_throwaway_postgres
  trap 'stop_throwaway_postgres_for_good' EXIT
  export CAMB_FLEET_DB="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
}

restart_throwaway_postgres() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_FOLDER/data" -l "$PG_FOLDER/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_FOLDER -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
}

stop_throwaway_postgres() { pg_as "$PG_BIN/pg_ctl" -D "$PG_FOLDER/data" -m fast -w -t 60 stop >/dev/null; }

stop_throwaway_postgres_for_good() {
  if [ -f "$PG_FOLDER/data/postmaster.pid" ]; then
    pid=$(head -n 1 "$PG_FOLDER/data/postmaster.pid")
    kill -INT "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -rf "$PG_FOLDER"
}
