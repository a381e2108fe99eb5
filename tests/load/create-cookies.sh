# Sourced by the load scripts: create_cookies PORT FILE [COUNT] creates COUNT sessions (default 1,000) on
# 127.0.0.1:PORT through POST /counter, 8 curl processes each on one keep-alive connection, and writes one
# "name=value" cookie per line.
create_cookies() {
  local count=${3:-1000} urls="" i
  for ((i = 0; i < (count + 7) / 8; i++)); do urls+=" -o /dev/null http://127.0.0.1:$1/counter"; done
  seq 1 8 | xargs -P 8 -I{} sh -c "curl -s -D - -X POST $urls" | tr -d '\r' \
    | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n "$count" >"$2" || true
}
