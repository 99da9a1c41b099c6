#!/usr/bin/env bash
# Service proxy overhead: nginx (one worker, a 17-byte static file) run as a process pod behind a
# LoadBalancer Service; wrk straight at nginx and through hayloft's proxy on 127.0.0.1:<port>.
#   p50 added latency: wrk -t1 -c1 (one request at a time), p50 via proxy - p50 direct
#   max RPS:           wrk -t2 -c64, via proxy / direct
# Each figure is the median of RUNS runs (default 3).
#   bench/services/proxy_overhead.sh [SECONDS] [RUNS]      default 5 s, 3 runs
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
secs="${1:-5}"
runs="${2:-3}"
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (apt-get install -y wrk nginx-light)" >&2; exit 1; }

mkdir -p "$work/static" "$work/nginx"
chmod 755 "$work" "$work/static"
echo "hello from nginx" >"$work/static/index.html"
NGINX_PORT="$(free_port)"
SVC_PORT="$(free_port)"
write_nginx_conf "$work/static" "$NGINX_PORT"
start_hayloft --in-memory
cat >"$work/web.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx}
spec:
  replicas: 1
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
        - name: nginx
          image: nginx
          # No ports: declared: nginx's config names its port, and a pod port without a
          # kubelet binding is reached at the container port itself (targetPort below).
          command: [nginx, -c, $work/nginx/nginx.conf]
---
apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  type: LoadBalancer
  selector: {app: nginx}
  ports: [{port: $SVC_PORT, targetPort: $NGINX_PORT}]
YAML
"$HAYLOFT_BIN" --endpoint "http://127.0.0.1:$HAYLOFT_PORT" apply -f "$work/web.yaml" >/dev/null
D="http://127.0.0.1:$NGINX_PORT/index.html"
P="http://127.0.0.1:$SVC_PORT/index.html"
wait_http "$D"
for _ in $(seq 1 500); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$P")" = 200 ] && break; sleep 0.02; done

p50_ms() {  # URL -> p50 latency in ms (wrk --latency, one connection)
  wrk -t1 -c1 -d"${secs}s" --latency "$1" 2>&1 | tee -a "$work/wrk.log" |
    awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } print v }'
}
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

d_lat=(); p_lat=(); d_rps=(); p_rps=()
for _ in $(seq 1 "$runs"); do
  d_lat+=("$(p50_ms "$D")"); p_lat+=("$(p50_ms "$P")")
  d_rps+=("$(wrk_rps "$D" -t2 -c64 -d"${secs}s")"); p_rps+=("$(wrk_rps "$P" -t2 -c64 -d"${secs}s")")
done
dl=$(median "${d_lat[@]}"); pl=$(median "${p_lat[@]}")
dr=$(median "${d_rps[@]}"); pr=$(median "${p_rps[@]}")
printf '\n%-28s %14s %14s\n' "median of $runs x ${secs}s" "direct" "via proxy"
printf '%-28s %14.3f %14.3f\n' "p50 latency, 1 conn (ms)" "$dl" "$pl"
printf '%-28s %14.0f %14.0f\n' "max req/s, wrk -t2 -c64" "$dr" "$pr"
echo "p50 added latency: $(python3 -c "print('%.3f ms' % ($pl - $dl))")"
echo "RPS via proxy / direct: $(python3 -c "print('%.2f' % ($pr / $dr if $dr else 0))")"
errors=$(curl -s "http://127.0.0.1:$HAYLOFT_PORT/metrics" | grep '^hayloft_service_requests_total' | grep -v 'code="200"' || true)
[ -z "$errors" ] || { echo "non-200 answers through the proxy:"; echo "$errors"; }
