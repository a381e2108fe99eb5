-- wrk script: POST /login?user=uN with no cookie, N random in 1..USERS: every request logs a new session in.
--   wrk ... -s login.lua URL -- USERS
local users = 1000

function init(args)
  users = tonumber(args[1]) or users
  math.randomseed(math.floor(os.clock() * 1000000) + #tostring({}))
end

function request()
  return wrk.format("POST", "/login?user=u" .. math.random(1, users))
end
