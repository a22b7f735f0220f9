#!/usr/bin/env bash
# Single-node OpenStack Swift + s3api on loopback: a real S3 endpoint that verifies SigV4
# signatures and Content-MD5 and implements multipart fully (abort, list parts, ETag checks).
# Needs: apt-get install -y --no-install-recommends swift swift-proxy swift-account swift-container swift-object memcached
# usage: swift-s3.sh start DIR [PORT] [BUCKET]  -> S3 at http://127.0.0.1:PORT, key "test:tester", secret "testing"
#        swift-s3.sh stop DIR
# Ports PORT..PORT+4 are used (proxy, object, container, account, memcached).
# Source: ../shared/research/storage-emulators.md §2 (each setting there is explained).
set -euo pipefail
cmd=$1; D=$(mkdir -p "$2" && cd "$2" && pwd); P=${3:-8095}; BUCKET=${4:-test-bucket}
if [ "$cmd" = stop ]; then
  for f in "$D"/run/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done; exit 0
fi
mkdir -p "$D/srv/d1" "$D/run"
cat > "$D/swift.conf" <<EOC
[swift-hash]
swift_hash_path_suffix = test-suffix
swift_hash_path_prefix = test-prefix
[storage-policy:0]
name = Policy-0
default = yes
EOC
i=1
for n in object container account; do
  port=$((P + i)); i=$((i + 1))
  if [ ! -f "$D/$n.ring.gz" ]; then
    swift-ring-builder "$D/$n.builder" create 10 1 1 >/dev/null
    swift-ring-builder "$D/$n.builder" add "r1z1-127.0.0.1:$port/d1" 100 >/dev/null
    swift-ring-builder "$D/$n.builder" rebalance >/dev/null || true
  fi
  cat > "$D/$n-server.conf" <<EOC
[DEFAULT]
user = $(id -un)
bind_ip = 127.0.0.1
bind_port = $port
workers = 1
devices = $D/srv
mount_check = false
disable_fallocate = true
swift_dir = $D
[pipeline:main]
pipeline = $n-server
[app:$n-server]
use = egg:swift#$n
EOC
done
MC=$((P + 4))
cat > "$D/proxy-server.conf" <<EOC
[DEFAULT]
user = $(id -un)
bind_ip = 127.0.0.1
bind_port = $P
workers = 1
swift_dir = $D
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOC
memcached -u "$(id -un)" -l 127.0.0.1 -p "$MC" -m 64 > "$D/run/memcached.log" 2>&1 & echo $! > "$D/run/memcached.pid"
for n in object container account proxy; do
  "swift-$n-server" "$D/$n-server.conf" -v > "$D/run/$n.log" 2>&1 & echo $! > "$D/run/$n.pid"
done
for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$P/healthcheck" && break; sleep 0.1; done
curl -fs -o /dev/null "http://127.0.0.1:$P/healthcheck" || { echo "swift proxy did not come up; see $D/run/*.log" >&2; exit 1; }
printf 'machine 127.0.0.1 login test:tester password testing\n' > "$D/run/netrc"
code=000
for b in $BUCKET; do
  for _ in $(seq 1 50); do  # storage servers may need a moment after the proxy answers
    code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 --netrc-file "$D/run/netrc" -X PUT \
      -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' "http://127.0.0.1:$P/$b")
    case $code in 200|409) break;; esac; sleep 0.2
  done
done
echo "S3 endpoint http://127.0.0.1:$P  access key test:tester  secret testing  bucket $BUCKET (create: HTTP $code)"
