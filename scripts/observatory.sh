#!/usr/bin/env bash
# Grade a locally started Chatalott with the MDN HTTP Observatory.
#
# The script installs @mdn/mdn-http-observatory into a cache folder with
# --ignore-scripts, because the package's install script downloads the HSTS
# preload list and the TLD list from the internet. The grader only reads
# conf/hsts-preload.json, so an empty list ({}) replaces it, and the
# preload test then judges the header alone.
#
# It builds chatalott, starts "chatalott serve" on loopback with a fresh
# data folder, trusts its self-signed certificate through
# NODE_EXTRA_CA_CERTS, scans https://localhost with the local HTTP and
# HTTPS ports, prints each test and the score, and exits non-zero when the
# grade is below A+ or the score below MIN_SCORE.
#
# Usage: scripts/observatory.sh
# Environment: OBSERVATORY_DIR (install folder), HTTP_PORT and HTTPS_PORT
# (loopback ports, default 28080 and 28443), MIN_SCORE (default 125).
set -euo pipefail
cd "$(dirname "$0")/.."

OBSERVATORY_VERSION=1.4.8
OBSERVATORY_DIR="${OBSERVATORY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatalott/observatory-$OBSERVATORY_VERSION}"
HTTP_PORT="${HTTP_PORT:-28080}"
HTTPS_PORT="${HTTPS_PORT:-28443}"
MIN_SCORE="${MIN_SCORE:-125}"
pkg="$OBSERVATORY_DIR/node_modules/@mdn/mdn-http-observatory"

if [ ! -f "$pkg/package.json" ]; then
  echo "Installing @mdn/mdn-http-observatory@$OBSERVATORY_VERSION into $OBSERVATORY_DIR"
  mkdir -p "$OBSERVATORY_DIR"
  npm install --prefix "$OBSERVATORY_DIR" --ignore-scripts --no-audit --no-fund --loglevel=error \
    "@mdn/mdn-http-observatory@$OBSERVATORY_VERSION"
fi
[ -s "$pkg/conf/hsts-preload.json" ] || echo '{}' >"$pkg/conf/hsts-preload.json"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/chatalott" ./cmd/chatalott
# The server stops by itself after two minutes if this script is killed.
CHATALOTT_SESSION_KEYS='' DATABASE_URL='' timeout 120 "$work/chatalott" serve --data "$work/data" \
  --addr "127.0.0.1:$HTTPS_PORT" --http-addr "127.0.0.1:$HTTP_PORT" \
  --base-url "https://localhost:$HTTPS_PORT" >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "Chatalott is running" "$work/serve.out" 2>/dev/null && break
  sleep 0.2
done
if ! grep -q "Chatalott is running" "$work/serve.out"; then
  echo "chatalott serve did not start within 20 s:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

# The scan script lives in the package folder so that its imports resolve.
cat >"$pkg/chatalott-scan.mjs" <<'EOF'
// Scans one host with the Observatory's retriever and tests, and scores
// the result the way its scanner does: penalties first, and bonus points
// only when the score without them is already at least an A.
import { retrieve } from "./src/retriever/retriever.js";
import { ALL_TESTS } from "./src/constants.js";
import { getGradeForScore, getScoreModifier } from "./src/grader/grader.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "./src/grader/charts.js";

const [host, httpPort, httpsPort, minScore] = process.argv.slice(2);
const r = await retrieve(host, { httpPort, httpsPort });
if (!r.responses.auto) {
  console.error(`No response from ${host} on ports ${httpPort} and ${httpsPort}.`);
  process.exit(2);
}
let penalty = 0;
let bonus = 0;
let passed = 0;
for (const test of ALL_TESTS) {
  const out = test(r);
  const modifier = out.result ? getScoreModifier(out.result) : 0;
  if (modifier < 0) penalty += modifier;
  else bonus += modifier;
  if (out.pass) passed++;
  const name = out.constructor.name.padEnd(24);
  console.log(`${out.pass ? "pass" : "FAIL"}  ${name} ${String(modifier).padStart(4)}  ${out.result}`);
}
const uncurved = 100 + penalty;
const { grade, score } = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? uncurved + bonus : uncurved);
console.log(`status ${r.responses.auto.status}, ${passed} of ${ALL_TESTS.length} tests passed`);
console.log(`grade ${grade}, score ${score}`);
if (grade !== "A+" || score < Number(minScore)) {
  console.error(`Want grade A+ and a score of at least ${minScore}.`);
  process.exit(1);
}
EOF

NODE_EXTRA_CA_CERTS="$work/data/tls/localhost.crt" timeout 60 \
  node "$pkg/chatalott-scan.mjs" localhost "$HTTP_PORT" "$HTTPS_PORT" "$MIN_SCORE"
