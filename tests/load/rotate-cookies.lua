-- wrk script: sends METHOD PATH, each request with the next session cookie from COOKIE_FILE (one "name=value" per
-- line), every thread starting at a random place. An empty or missing file sends no Cookie header.
--   wrk ... -s rotate-cookies.lua URL -- METHOD PATH COOKIE_FILE
local cookies = {}
local method, path = "GET", "/"
local next_index = 1

function init(args)
  method = args[1] or method
  path = args[2] or path
  local file = args[3] and io.open(args[3])
  if file then
    for line in file:lines() do
      if #line > 0 then
        cookies[#cookies + 1] = line
      end
    end
    file:close()
  end
  math.randomseed(math.floor(os.clock() * 1000000) + #tostring({}))
  if #cookies > 0 then
    next_index = math.random(1, #cookies)
  end
end

function request()
  if #cookies == 0 then
    return wrk.format(method, path)
  end
  local cookie = cookies[next_index]
  next_index = next_index % #cookies + 1
  return wrk.format(method, path, { ["Cookie"] = cookie })
end
