# Sourced by the per-request scripts: create_cookies PORT FILE creates 1,000 sessions on 127.0.0.1:PORT (8 curl
# processes of 125 POST /counter each, one keep-alive connection apiece) and writes one "name=value" cookie per line.
create_cookies() {
  local urls=""
  for ((i = 0; i < 125; i++)); do urls+=" -o /dev/null http://127.0.0.1:$1/counter"; done
  seq 1 8 | xargs -P 8 -I{} sh -c "curl -s -D - -X POST $urls" | tr -d '\r' \
    | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' >"$2"
}
