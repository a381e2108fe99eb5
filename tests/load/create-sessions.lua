-- wrk script: creates TOTAL sessions, then stops. Each thread sends its share of cookieless METHOD PATH requests (each
-- answered with a new session's Set-Cookie), then GET /ping (no session) on connections still busy, and stops once
-- all its creates are answered: it then writes "created failed end-time" to PREFIX.done.<thread> (wrk itself runs
-- until -d or SIGINT, so the caller waits for every thread's file and interrupts it). The first KEEP cookies ("name=value", spread over the threads) go to
-- PREFIX.<thread>, for later writes to existing sessions. done() prints "created C failed F".
--   wrk -t THREADS -c ... -d MAX -s create-sessions.lua URL -- METHOD PATH TOTAL THREADS PREFIX [KEEP]
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local method, path, quota, to_send, keep, prefix
sent, created, failed = 0, 0, 0 -- globals: done() reads created and failed through thread:get
local kept, saved = {}, false

function init(args)
  method, path = args[1], args[2]
  local total, count = tonumber(args[3]), tonumber(args[4])
  quota = math.floor(total / count) + ((id < total % count) and 1 or 0)
  -- wrk calls thread 0's request() once more before the run, to check for pipelining: that request is never sent
  to_send = quota + ((id == 0) and 1 or 0)
  prefix = args[5]
  keep = math.ceil(tonumber(args[6] or "0") / count)
end

function request()
  if sent < to_send then
    sent = sent + 1
    return wrk.format(method, path)
  end
  return wrk.format("GET", "/ping")
end

local function save()
  saved = true
  if #kept > 0 then
    local file = io.open(prefix .. "." .. id, "w")
    file:write(table.concat(kept, "\n"), "\n")
    file:close()
  end
end

function response(status, headers, body)
  local cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if cookie then
    created = created + 1
    if #kept < keep then
      kept[#kept + 1] = cookie:match("^[^;]*")
    elseif not saved then
      save()
    end
  elseif status >= 400 then
    failed = failed + 1
  end
  if created + failed >= quota then
    if not saved then save() end
    local clock = io.popen("date +%s.%N")
    local now = clock:read("*l")
    clock:close()
    local file = io.open(prefix .. ".done." .. id, "w")
    file:write(string.format("%d %d %s\n", created, failed, now))
    file:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local c, f = 0, 0
  for _, thread in ipairs(threads) do
    c = c + (thread:get("created") or 0)
    f = f + (thread:get("failed") or 0)
  end
  io.write(string.format("created %d failed %d\n", c, f))
end
