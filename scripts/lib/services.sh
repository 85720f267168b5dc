# shellcheck shell=bash
# Throwaway Redis (single and a Redis Cluster) and PostgreSQL servers on free loopback ports, for scripts/test and scripts/bench.
# Source this file; it defines functions only and changes nothing until they are called.
#
#   dt_install_packages [chromium]   install missing Debian packages (root only; no-op otherwise)
#   dt_services_init                 create the temp dir that holds both servers' data
#   dt_start_redis                   start redis-server; sets DT_REDIS_PORT, DT_REDIS_URL
#   dt_start_redis_cluster [N]       start an N-master (default 3) Redis Cluster, no replicas; sets
#                                    DT_REDIS_CLUSTER_PORTS, DT_REDIS_CLUSTER_URL
#   dt_start_postgres                start a PostgreSQL cluster; sets DT_PG_PORT, DT_PG_URL
#   dt_check_services                print both URLs and query each server once
#   dt_start_watchdog                stop both servers if this shell dies without cleaning up
#   dt_stop_services                 stop whatever was started and delete the temp dir (idempotent)
#
# The servers keep nothing: Redis runs without RDB/AOF persistence, the PostgreSQL cluster lives in
# the temp dir, and both bind 127.0.0.1 only. PostgreSQL trusts every local connection as user
# `postgres`, so DT_PG_URL is postgres://postgres@127.0.0.1:PORT/postgres.
#
# initdb and postgres refuse to run as root: when root, they run as the `postgres` system user
# (created if missing) through runuser, and the cluster directory is owned by that user.

DT_SERVICES_DIR=""
DT_REDIS_PORT=""
DT_REDIS_URL=""
DT_REDIS_BIN=""
DT_REDIS_CLI=""
DT_REDIS_CLUSTER_PORTS=""
DT_REDIS_CLUSTER_URL=""
DT_PG_PORT=""
DT_PG_URL=""
DT_PG_BINDIR=""
DT_PG_DATA=""
DT_PG_SOCKDIR=""
DT_WATCHDOG_PID=""

dt_log() { printf '[services] %s\n' "$*" >&2; }

# Runs a command as the user that owns the PostgreSQL cluster.
dt_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

# Prints a TCP port on 127.0.0.1 that is free right now.
dt_free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
            echo "$port"
            return
        fi
    done
    return 1
}

# The bin directory of the newest installed PostgreSQL (Debian keeps them in /usr/lib/postgresql/N/bin).
dt_find_pg_bindir() {
    local dir newest
    newest="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | while read -r dir; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
    done | tail -n 1)"
    if [ -n "$newest" ]; then
        echo "$newest"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
    else
        return 1
    fi
}

# Installs what is missing, quietly, when running as root with apt-get. Never fails: a package that
# cannot be installed shows up later as a server that cannot start.
dt_install_packages() {
    local want_chromium="${1:-}" missing=() updated=""
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    dt_find_pg_bindir >/dev/null 2>&1 || missing+=(postgresql)
    command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
    if [ "${#missing[@]}" -gt 0 ]; then
        dt_log "installing ${missing[*]} with apt-get"
        apt-get update -qq >/dev/null 2>&1 || true
        updated=1
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            >/dev/null 2>&1 || dt_log "warning: apt-get could not install ${missing[*]}"
    fi
    if [ "$want_chromium" = chromium ] && [ -z "${DOWNTALLY_NO_BROWSER:-}" ] \
        && ! command -v chromium >/dev/null 2>&1; then
        dt_log "installing chromium with apt-get (for browser tests; set DOWNTALLY_NO_BROWSER=1 to skip)"
        [ -n "$updated" ] || apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
            || dt_log "warning: apt-get could not install chromium; browser tests will have no browser"
    fi
    return 0
}

dt_services_init() {
    if [ -z "$DT_SERVICES_DIR" ] || [ ! -d "$DT_SERVICES_DIR" ]; then
        # As root the postgres user must traverse every parent: use /tmp, not a private TMPDIR.
        local base="${TMPDIR:-/tmp}"
        [ "$(id -u)" -ne 0 ] || base=/tmp
        DT_SERVICES_DIR="$(mktemp -d "$base/downtally-services.XXXXXX")"
    fi
    # The postgres user must be able to reach its cluster directory inside.
    chmod 0755 "$DT_SERVICES_DIR"
}

dt_redis_cli() {
    if [ -n "$DT_REDIS_CLI" ]; then
        "$DT_REDIS_CLI" -h 127.0.0.1 -p "$DT_REDIS_PORT" "$@"
    else
        # No redis-cli: speak the inline protocol over bash's /dev/tcp.
        local reply
        exec 9<>"/dev/tcp/127.0.0.1/$DT_REDIS_PORT" || return 1
        printf '%s\r\n' "$*" >&9
        IFS= read -r -t 2 reply <&9 || true
        exec 9>&-
        reply="${reply%$'\r'}"
        echo "${reply#+}"
    fi
}

dt_start_redis() {
    dt_services_init
    DT_REDIS_BIN="$(command -v redis-server 2>/dev/null || true)"
    if [ -z "$DT_REDIS_BIN" ]; then
        dt_log "redis-server not found (Debian package redis-server)"
        return 1
    fi
    DT_REDIS_CLI="$(command -v redis-cli 2>/dev/null || true)"
    local dir="$DT_SERVICES_DIR/redis" port
    mkdir -p "$dir"
    local attempt _
    # A port found free can be taken before the server binds it: try a few.
    for attempt in 1 2 3; do
        port="$(dt_free_port)" || return 1
        rm -f "$dir/redis.pid"
        "$DT_REDIS_BIN" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
            --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
            >/dev/null 2>&1 || continue
        DT_REDIS_PORT="$port"
        for _ in $(seq 1 100); do
            if [ "$(dt_redis_cli ping 2>/dev/null)" = PONG ]; then
                DT_REDIS_URL="redis://127.0.0.1:$port/"
                return 0
            fi
            sleep 0.1
        done
        dt_log "redis-server did not answer PING on port $port (attempt $attempt)"
        dt_stop_redis
    done
    dt_log "redis-server failed to start; its log:"
    cat "$dir/redis.log" >&2 2>/dev/null || true
    return 1
}

# Starts N redis-server processes in cluster mode (no persistence beyond their nodes.conf) and joins
# them with `redis-cli --cluster create`, every slot on a master and no replicas.
dt_start_redis_cluster() {
    local masters="${1:-3}" i port bus dir addrs=() ports=() _
    dt_services_init
    DT_REDIS_BIN="${DT_REDIS_BIN:-$(command -v redis-server 2>/dev/null || true)}"
    DT_REDIS_CLI="${DT_REDIS_CLI:-$(command -v redis-cli 2>/dev/null || true)}"
    if [ -z "$DT_REDIS_BIN" ] || [ -z "$DT_REDIS_CLI" ]; then
        dt_log "redis-server and redis-cli are needed for a Redis Cluster (Debian packages redis-server, redis-tools)"
        return 1
    fi
    for i in $(seq 1 "$masters"); do
        port="$(dt_free_port)" || return 1
        bus="$(dt_free_port)" || return 1
        dir="$DT_SERVICES_DIR/redis-cluster/$port"
        mkdir -p "$dir"
        # The cluster bus gets a free port of its own (the default, port + 10000, may be taken or
        # beyond 65535).
        "$DT_REDIS_BIN" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
            --cluster-port "$bus" \
            --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
            >/dev/null 2>&1 || { dt_log "redis-server (cluster node $i) did not start"; return 1; }
        ports+=("$port")
        addrs+=("127.0.0.1:$port")
    done
    DT_REDIS_CLUSTER_PORTS="${ports[*]}"
    for port in "${ports[@]}"; do
        for _ in $(seq 1 100); do
            [ "$("$DT_REDIS_CLI" -p "$port" ping 2>/dev/null)" = PONG ] && break
            sleep 0.1
        done
    done
    if ! "$DT_REDIS_CLI" --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
        >"$DT_SERVICES_DIR/redis-cluster/create.log" 2>&1; then
        dt_log "redis-cli --cluster create failed:"
        cat "$DT_SERVICES_DIR/redis-cluster/create.log" >&2
        return 1
    fi
    for _ in $(seq 1 100); do
        local ok=1
        for port in "${ports[@]}"; do
            "$DT_REDIS_CLI" -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=""
        done
        if [ -n "$ok" ]; then
            DT_REDIS_CLUSTER_URL="redis+cluster://$(IFS=,; echo "${addrs[*]}")/"
            return 0
        fi
        sleep 0.1
    done
    dt_log "the Redis Cluster did not become ok"
    return 1
}

dt_stop_redis_cluster() {
    local port
    for port in $DT_REDIS_CLUSTER_PORTS; do
        "$DT_REDIS_CLI" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    done
    DT_REDIS_CLUSTER_PORTS=""
    DT_REDIS_CLUSTER_URL=""
}

dt_ensure_pg_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    if ! id postgres >/dev/null 2>&1; then
        dt_log "creating system user postgres"
        useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
            --shell /bin/sh postgres || return 1
    fi
}

dt_start_postgres() {
    dt_services_init
    DT_PG_BINDIR="$(dt_find_pg_bindir)" || {
        dt_log "PostgreSQL server binaries (initdb, pg_ctl) not found (Debian package postgresql)"
        return 1
    }
    dt_ensure_pg_user || return 1
    local dir="$DT_SERVICES_DIR/pg" port
    DT_PG_DATA="$dir/data"
    DT_PG_SOCKDIR="$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    if ! dt_as_pg "$DT_PG_BINDIR/initdb" -D "$DT_PG_DATA" --auth=trust -U postgres -E UTF8 \
        --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        dt_log "initdb failed; its output:"
        cat "$dir/initdb.log" >&2
        DT_PG_DATA=""
        return 1
    fi
    local attempt
    # Durability settings (fsync, synchronous_commit) keep their defaults: benchmarks run on this too.
    # More connections than the default 100, as parallel tests each open a pool.
    for attempt in 1 2 3; do
        port="$(dt_free_port)" || return 1
        if dt_as_pg "$DT_PG_BINDIR/pg_ctl" -D "$DT_PG_DATA" -l "$dir/postgres.log" -w -t 60 \
            -o "-k $DT_PG_SOCKDIR -p $port -c listen_addresses=127.0.0.1 -c max_connections=300" \
            start >/dev/null 2>&1; then
            DT_PG_PORT="$port"
            DT_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
        dt_log "PostgreSQL did not start on port $port (attempt $attempt)"
        dt_as_pg "$DT_PG_BINDIR/pg_ctl" -D "$DT_PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    done
    dt_log "PostgreSQL failed to start; its log:"
    cat "$dir/postgres.log" >&2 2>/dev/null || true
    return 1
}

dt_check_services() {
    local ok=0
    if [ -n "$DT_REDIS_URL" ]; then
        printf 'REDIS_URL=%s  PING -> %s\n' "$DT_REDIS_URL" "$(dt_redis_cli ping 2>&1)"
    else
        echo "REDIS_URL: (not running)"; ok=1
    fi
    if [ -n "$DT_REDIS_CLUSTER_URL" ]; then
        local first="${DT_REDIS_CLUSTER_PORTS%% *}"
        printf 'REDIS_CLUSTER_URL=%s  CLUSTER INFO -> %s\n' "$DT_REDIS_CLUSTER_URL" \
            "$("$DT_REDIS_CLI" -p "$first" cluster info 2>&1 | grep cluster_state | tr -d '\r')"
    else
        echo "REDIS_CLUSTER_URL: (not running)"; ok=1
    fi
    if [ -n "$DT_PG_URL" ]; then
        local out
        if command -v psql >/dev/null 2>&1; then
            out="$(psql "$DT_PG_URL" -XAtqc 'select 1' 2>&1)" || ok=1
        else
            out="(psql not installed; pg_isready: $("$DT_PG_BINDIR/pg_isready" -h 127.0.0.1 -p "$DT_PG_PORT" 2>&1))"
        fi
        printf 'TEST_DATABASE_URL=%s  select 1 -> %s\n' "$DT_PG_URL" "$out"
    else
        echo "TEST_DATABASE_URL: (not running)"; ok=1
    fi
    return "$ok"
}

# A background process that outlives this shell only to clean up after it: when the shell is killed
# in a way that runs no EXIT trap (SIGKILL, a lost terminal), it stops the servers and removes the
# temp dir. Call it after the servers have started; dt_stop_services ends it.
dt_start_watchdog() {
    local owner="$$" dir="$DT_SERVICES_DIR" pgbin="$DT_PG_BINDIR" pgdata="$DT_PG_DATA"
    [ -n "$dir" ] || return 0
    (
        trap '' INT HUP
        while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do
            sleep 1
        done
        [ -d "$dir" ] || exit 0
        local pidfile
        for pidfile in "$dir/redis/redis.pid" "$dir"/redis-cluster/*/redis.pid; do
            if [ -f "$pidfile" ]; then
                kill "$(cat "$pidfile")" 2>/dev/null || true
            fi
        done
        if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
            dt_as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w -t 30 stop || true
        fi
        sleep 1
        rm -rf "$dir"
    ) </dev/null >/dev/null 2>&1 &
    DT_WATCHDOG_PID=$!
}

dt_stop_redis() {
    local pidfile="$DT_SERVICES_DIR/redis/redis.pid" pid=""
    if [ -n "$DT_SERVICES_DIR" ] && [ -f "$pidfile" ]; then
        pid="$(cat "$pidfile" 2>/dev/null || true)"
    fi
    if [ -n "$DT_REDIS_PORT" ]; then
        dt_redis_cli shutdown nosave >/dev/null 2>&1 || true
    fi
    if [ -n "$pid" ]; then
        local _
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
    fi
    DT_REDIS_PORT=""
    DT_REDIS_URL=""
}

dt_stop_services() {
    if [ -n "$DT_WATCHDOG_PID" ]; then
        kill "$DT_WATCHDOG_PID" 2>/dev/null || true
        DT_WATCHDOG_PID=""
    fi
    dt_stop_redis
    dt_stop_redis_cluster
    if [ -n "$DT_PG_DATA" ] && [ -f "$DT_PG_DATA/postmaster.pid" ]; then
        dt_as_pg "$DT_PG_BINDIR/pg_ctl" -D "$DT_PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    DT_PG_DATA=""
    DT_PG_PORT=""
    DT_PG_URL=""
    if [ -n "$DT_SERVICES_DIR" ] && [ -d "$DT_SERVICES_DIR" ]; then
        rm -rf "$DT_SERVICES_DIR"
    fi
    DT_SERVICES_DIR=""
}
