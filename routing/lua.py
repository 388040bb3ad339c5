"""The Lua scripts that change routing state; each runs atomically inside Redis.

Every state change checks what it needs (the call still waiting, the agent
still free, the reservation still pending) and writes all it touches in the
same script, so no interleaving of processes can offer one call twice or one
agent two calls.  Decisions (which agent, which call) are made in Python from
a snapshot; a script refuses a decision the state no longer allows and the
caller decides again.

ARGV[1] is always the key prefix; `key(...)` builds names as routing.keys does.
Times are seconds since the epoch, passed in by the caller so that tests and
simulations control the clock.
"""

from __future__ import annotations

PRELUDE = r"""
local P = ARGV[1]
local BAND = 10000000000
local STAFFED = {available = true, on_call = true, wrap_up = true}

local function key(...)
  return P .. table.concat({...}, ":")
end

local function fmt(seconds)
  return string.format("%.3f", seconds)
end

local function next_seq()
  return redis.call("INCR", key("seq"))
end

-- Put an agent in (or take it out of) the free pools and the staffing sets its state calls for.
local function sync_agent(id)
  local f = redis.call("HMGET", key("agent", id), "state", "reservation", "since", "skills", "languages")
  local skills = cjson.decode(f[4] or "{}")
  local offerable = f[1] == "available" and (not f[2] or f[2] == "")
  for _, lang in ipairs(cjson.decode(f[5] or "[]")) do
    if offerable then redis.call("ZADD", key("pool", lang), f[3], id)
    else redis.call("ZREM", key("pool", lang), id) end
    for skill, _ in pairs(skills) do
      if offerable then redis.call("ZADD", key("pool", lang, skill), f[3], id)
      else redis.call("ZREM", key("pool", lang, skill), id) end
      if STAFFED[f[1]] then redis.call("SADD", key("staffed", lang, skill), id)
      else redis.call("SREM", key("staffed", lang, skill), id) end
    end
  end
  -- Tell the agent's open console (agents.push.streams topic agent:<id>) in the same step: no change goes unpushed.
  redis.call("XADD", P .. "push:agent:" .. id, "MAXLEN", "~", 1000, "*", "kind", "agent",
             "data", cjson.encode({state = f[1] or "", reservation = f[2] or ""}))
end

-- Take an agent out of every pool and staffing set of its stored profile (before the profile changes).
local function unsync_agent(id)
  local f = redis.call("HMGET", key("agent", id), "skills", "languages")
  for _, lang in ipairs(cjson.decode(f[2] or "[]")) do
    redis.call("ZREM", key("pool", lang), id)
    for skill, _ in pairs(cjson.decode(f[1] or "{}")) do
      redis.call("ZREM", key("pool", lang, skill), id)
      redis.call("SREM", key("staffed", lang, skill), id)
    end
  end
end

-- Append a completed-wait record and, for callers on hold, the queue's recent outcome.
local function record_wait(sid, outcome, now, agent, cap, window)
  local c = redis.call("HMGET", key("call", sid), "kind", "skill", "language", "priority", "entered",
                       "position", "estimate")
  local waited = tonumber(now) - tonumber(c[5])
  redis.call("XADD", key("waits"), "MAXLEN", "~", cap, "*", "sid", sid, "kind", c[1],
             "skill", c[2], "language", c[3], "priority", c[4], "entered", c[5], "position", c[6] or "",
             "estimate", c[7] or "", "outcome", outcome, "ended", now, "waited", fmt(waited), "agent", agent)
  if c[1] == "call" and (outcome == "answered" or outcome == "abandoned") then
    local list = key("stats", c[2], c[3], "outcomes")
    redis.call("LPUSH", list, (outcome == "answered" and "A " or "X ") .. fmt(waited))
    redis.call("LTRIM", list, 0, tonumber(window) - 1)
  end
end

-- Close a pending reservation: out of the expiry index, stamped, kept readable for `ttl` seconds.
local function close_reservation(id, status, now, ttl)
  redis.call("HSET", key("reservation", id), "status", status, "closed", now, "closed_seq", next_seq())
  redis.call("ZREM", key("reservations"), id)
  redis.call("EXPIRE", key("reservation", id), ttl)
end

local function requeue(sid)
  local c = redis.call("HMGET", key("call", sid), "skill", "language", "score")
  redis.call("HSET", key("call", sid), "status", "waiting", "reservation", "", "agent", "")
  redis.call("HINCRBY", key("call", sid), "offers", 1)
  redis.call("ZADD", key("queue", c[1], c[2]), c[3], sid)
end
"""

# KEYS: agent, agents.  ARGV: prefix, id, name, skills json, languages json, now
REGISTER_AGENT = PRELUDE + r"""
local id = ARGV[2]
if redis.call("EXISTS", KEYS[1]) == 1 then
  unsync_agent(id)
else
  redis.call("HSET", KEYS[1], "state", "offline", "since", ARGV[6], "calls_today", 0, "calls_day", "",
             "reservation", "", "call", "")
end
redis.call("HSET", KEYS[1], "id", id, "name", ARGV[3], "skills", ARGV[4], "languages", ARGV[5])
redis.call("SADD", KEYS[2], id)
sync_agent(id)
return "ok"
"""

# KEYS: agent, wrapups.  ARGV: prefix, id, target state, now, allowed current states (comma list), window
SET_AGENT_STATE = PRELUDE + r"""
local id, target, now = ARGV[2], ARGV[3], ARGV[4]
local f = redis.call("HMGET", KEYS[1], "state", "reservation", "answered_at", "last_queue", "call",
                     "last_call_ended")
if not f[1] then return "unknown" end
if f[2] and f[2] ~= "" then return "reserved" end
if f[1] == target then return "same" end
if not string.find("," .. ARGV[5] .. ",", "," .. f[1] .. ",", 1, true) then return f[1] end
if f[1] == "wrap_up" then
  redis.call("ZREM", KEYS[2], id)
  redis.call("HSET", KEYS[1], "call", "")
  if f[3] and f[3] ~= "" and f[4] and f[4] ~= "" then
    local list = P .. "stats:" .. f[4] .. ":handle"
    redis.call("LPUSH", list, fmt(tonumber(now) - tonumber(f[3])))
    redis.call("LTRIM", list, 0, tonumber(ARGV[6]) - 1)
    -- one record per handled call (talk + hold + wrap-up), copied to SQL for the floor's AHT
    redis.call("XADD", P .. "handles", "MAXLEN", "~", 100000, "*", "sid", f[5] or "", "agent", id,
               "queue", f[4], "answered", f[3], "call_ended", f[6] or now, "ended", now)
  end
end
redis.call("HSET", KEYS[1], "state", target, "since", now, "reason", "")
sync_agent(id)
return "ok"
"""

# KEYS: call, queue, holding, callbacks due.
# ARGV: prefix, sid, kind, skill, language, priority, entered, score, max size, number, due ('' = now),
#       position, estimate
ENQUEUE = PRELUDE + r"""
local sid = ARGV[2]
local c = redis.call("HMGET", KEYS[1], "status", "skill", "language")
local status = c[1]
if status == "waiting" or status == "offered" or status == "scheduled" then
  if c[2] ~= ARGV[4] or c[3] ~= ARGV[5] then return {"elsewhere", c[2] .. "-" .. c[3]} end
  local rank = redis.call("ZRANK", KEYS[2], sid)
  return {"exists", rank and rank + 1 or 1}
end
if status == "answered" or status == "dialing" then return {"in_progress"} end
if redis.call("ZCARD", KEYS[2]) >= tonumber(ARGV[9]) then return {"full"} end
redis.call("DEL", KEYS[1])
redis.call("HSET", KEYS[1], "sid", sid, "kind", ARGV[3], "skill", ARGV[4], "language", ARGV[5],
           "priority", ARGV[6], "entered", ARGV[7], "score", ARGV[8], "number", ARGV[10], "attempts", 0,
           "reservation", "", "agent", "", "position", ARGV[12], "estimate", ARGV[13])
if ARGV[11] ~= "" then
  redis.call("HSET", KEYS[1], "status", "scheduled")
  redis.call("ZADD", KEYS[4], ARGV[11], sid)
  return {"scheduled", 0}
end
redis.call("HSET", KEYS[1], "status", "waiting")
redis.call("ZADD", KEYS[2], ARGV[8], sid)
if ARGV[3] == "call" then redis.call("ZADD", KEYS[3], ARGV[7], sid) end
return {"ok", redis.call("ZRANK", KEYS[2], sid) + 1}
"""

# KEYS: call, agent, queue, reservation, reservations, round-robin cursor.
# ARGV: prefix, sid, agent id, reservation id, now, expires, set cursor (1/0)
RESERVE = PRELUDE + r"""
local sid, agent, rid = ARGV[2], ARGV[3], ARGV[4]
local c = redis.call("HMGET", KEYS[1], "status", "kind", "skill", "language", "number")
if c[1] ~= "waiting" or not redis.call("ZSCORE", KEYS[3], sid) then return "call" end
local a = redis.call("HMGET", KEYS[2], "state", "reservation")
if a[1] ~= "available" or (a[2] and a[2] ~= "") then return "agent" end
redis.call("ZREM", KEYS[3], sid)
redis.call("HSET", KEYS[4], "id", rid, "call", sid, "agent", agent, "kind", c[2], "skill", c[3],
           "language", c[4], "number", c[5] or "", "offered", ARGV[5], "expires", ARGV[6],
           "status", "pending", "offered_seq", next_seq())
redis.call("ZADD", KEYS[5], ARGV[6], rid)
redis.call("HSET", KEYS[1], "status", "offered", "reservation", rid, "agent", agent)
redis.call("HSET", KEYS[2], "reservation", rid)
sync_agent(agent)
if ARGV[7] == "1" then redis.call("SET", KEYS[6], agent) end
return "ok"
"""

# KEYS: reservation.  ARGV: prefix, reservation id, now, waits cap, stats window
ACCEPT = PRELUDE + r"""
local rid, now = ARGV[2], ARGV[3]
local r = redis.call("HMGET", KEYS[1], "status", "call", "agent", "expires", "kind", "skill", "language")
if not r[1] then return "unknown" end
if r[1] ~= "pending" then return r[1] end
if tonumber(now) > tonumber(r[4]) then return "expired" end
redis.call("HSET", KEYS[1], "status", "accepted", "accepted", now)
redis.call("ZREM", key("reservations"), rid)
redis.call("HSET", key("agent", r[3]), "state", "on_call", "since", now, "reason", "", "reservation", "",
           "call", r[2], "answered_at", now, "last_queue", r[6] .. ":" .. r[7])
sync_agent(r[3])
if r[5] == "transfer" then
  -- A call handed over by another agent: the receiving agent now has it; the one handing it over stays
  -- on the line (a warm transfer) until they leave, and the caller's wait was recorded long ago.
  redis.call("HSET", key("call", r[2]), "agent", r[3], "reservation", rid)
  return "ok"
end
if r[5] == "callback" then
  redis.call("HSET", key("call", r[2]), "status", "dialing")
  return "ok"
end
redis.call("HSET", key("call", r[2]), "status", "answered", "answered", now)
redis.call("ZREM", key("holding"), r[2])
record_wait(r[2], "answered", now, r[3], ARGV[4], ARGV[5])
return "ok"
"""

# KEYS: reservation.  ARGV: prefix, reservation id, now, outcome (rejected/timed_out), agent's next state,
#       only when expired (1/0), ttl
DECLINE = PRELUDE + r"""
local now = ARGV[3]
local r = redis.call("HMGET", KEYS[1], "status", "call", "agent", "expires")
if not r[1] then return "unknown" end
if r[1] ~= "pending" then return r[1] end
if ARGV[6] == "1" and tonumber(now) < tonumber(r[4]) then return "not_expired" end
close_reservation(ARGV[2], ARGV[4], now, ARGV[7])
redis.call("HSET", key("agent", r[3]), "state", ARGV[5], "since", now, "reason", ARGV[4], "reservation", "")
sync_agent(r[3])
local kind = redis.call("HMGET", KEYS[1], "kind", "from")
if kind[1] == "transfer" then
  -- A transfer offer declined: the call stays with the agent handing it over; tell their console.
  redis.call("HSET", key("call", r[2]), "transfer", "")
  redis.call("XADD", P .. "push:agent:" .. kind[2], "MAXLEN", "~", 1000, "*", "kind", "call",
             "data", cjson.encode({transfer = ARGV[4], call = r[2]}))
  return "ok"
end
requeue(r[2])
return "ok"
"""

# KEYS: call.  ARGV: prefix, sid, now, outcome (abandoned/overflowed), waits cap, stats window, ttl
LEAVE = PRELUDE + r"""
local sid, now = ARGV[2], ARGV[3]
local c = redis.call("HMGET", KEYS[1], "status", "skill", "language", "reservation", "agent")
if not c[1] then return {"unknown", ""} end
local freed = ""
if c[1] == "waiting" then
  redis.call("ZREM", key("queue", c[2], c[3]), sid)
elseif c[1] == "offered" then
  close_reservation(c[4], "cancelled", now, ARGV[7])
  redis.call("HSET", key("agent", c[5]), "reservation", "")
  sync_agent(c[5])
  freed = c[5]
elseif c[1] == "scheduled" then
  redis.call("ZREM", key("callbacks", "due"), sid)
else
  return {c[1], ""}
end
redis.call("ZREM", key("holding"), sid)
redis.call("HSET", KEYS[1], "status", ARGV[4], "ended", now, "reservation", "", "agent", "")
record_wait(sid, ARGV[4], now, "", ARGV[5], ARGV[6])
redis.call("EXPIRE", KEYS[1], ARGV[7])
return {"ok", freed}
"""

# KEYS: call, wrapups.  ARGV: prefix, sid, now, city-local date, wrap-up ends at, ttl
COMPLETE = PRELUDE + r"""
local sid, now = ARGV[2], ARGV[3]
local c = redis.call("HMGET", KEYS[1], "status", "agent", "reservation")
if not c[1] then return {"unknown", ""} end
if c[1] ~= "answered" then return {c[1], ""} end
local agent = key("agent", c[2])
local a = redis.call("HMGET", agent, "state", "call", "calls_today", "calls_day")
if a[1] == "on_call" and a[2] == sid then
  local calls = (a[4] == ARGV[4]) and (tonumber(a[3]) + 1) or 1
  redis.call("HSET", agent, "state", "wrap_up", "since", now, "last_call_ended", now,
             "calls_today", calls, "calls_day", ARGV[4])
  redis.call("ZADD", KEYS[2], ARGV[5], c[2])
  sync_agent(c[2])
end
redis.call("HSET", KEYS[1], "status", "completed", "ended", now)
redis.call("EXPIRE", KEYS[1], ARGV[6])
redis.call("HSET", key("reservation", c[3]), "ended", now, "ended_seq", next_seq())
redis.call("EXPIRE", key("reservation", c[3]), ARGV[6])
return {"ok", c[2]}
"""

# KEYS: call, holding.  ARGV: prefix, sid, number
CONVERT_TO_CALLBACK = PRELUDE + r"""
local status = redis.call("HGET", KEYS[1], "status")
if not status then return "unknown" end
if status ~= "waiting" then return status end
redis.call("HSET", KEYS[1], "kind", "callback", "number", ARGV[3])
redis.call("ZREM", KEYS[2], ARGV[2])
return "ok"
"""

# KEYS: call.  ARGV: prefix, sid, now, waits cap, stats window
CALLBACK_CONNECTED = PRELUDE + r"""
local c = redis.call("HMGET", KEYS[1], "status", "agent")
if not c[1] then return "unknown" end
if c[1] ~= "dialing" then return c[1] end
redis.call("HSET", KEYS[1], "status", "answered", "answered", ARGV[3])
record_wait(ARGV[2], "answered", ARGV[3], c[2], ARGV[4], ARGV[5])
return "ok"
"""

# KEYS: call, callbacks due.
# ARGV: prefix, sid, now, max attempts, retry at, waits cap, stats window, ttl
CALLBACK_UNANSWERED = PRELUDE + r"""
local sid, now = ARGV[2], ARGV[3]
local c = redis.call("HMGET", KEYS[1], "status", "agent", "attempts", "reservation")
if not c[1] then return {"unknown", ""} end
if c[1] ~= "dialing" then return {c[1], ""} end
local attempts = tonumber(c[3]) + 1
local a = redis.call("HMGET", key("agent", c[2]), "state", "call")
if a[1] == "on_call" and a[2] == sid then
  redis.call("HSET", key("agent", c[2]), "state", "available", "since", now, "call", "")
  sync_agent(c[2])
end
redis.call("HSET", key("reservation", c[4]), "ended", now, "ended_seq", next_seq())
redis.call("EXPIRE", key("reservation", c[4]), ARGV[8])
redis.call("HSET", KEYS[1], "attempts", attempts, "agent", "", "reservation", "")
if attempts < tonumber(ARGV[4]) then
  redis.call("HSET", KEYS[1], "status", "scheduled")
  redis.call("ZADD", KEYS[2], ARGV[5], sid)
  return {"scheduled", c[2]}
end
redis.call("HSET", KEYS[1], "status", "failed", "ended", now)
record_wait(sid, "failed", now, c[2], ARGV[6], ARGV[7])
redis.call("EXPIRE", KEYS[1], ARGV[8])
return {"failed", c[2]}
"""

# KEYS: call, callbacks due.  ARGV: prefix, sid
CALLBACK_DUE = PRELUDE + r"""
if redis.call("HGET", KEYS[1], "status") ~= "scheduled" then
  redis.call("ZREM", KEYS[2], ARGV[2])
  return "gone"
end
redis.call("ZREM", KEYS[2], ARGV[2])
requeue(ARGV[2])
return "ok"
"""

# Read only.  KEYS: queues.  ARGV: prefix, then per queue the latest entry time it may serve.
# Returns, per queue that has one, its index, sid and score of the first entry (in serving order)
# that entered no later than the cutoff: one ZRANGEBYSCORE per priority band in use.
FIRST_ELIGIBLE = PRELUDE + r"""
local out = {}
for i, queue in ipairs(KEYS) do
  local cutoff = tonumber(ARGV[i + 1])
  local low = "-inf"
  while true do
    local r = redis.call("ZRANGEBYSCORE", queue, low, "+inf", "WITHSCORES", "LIMIT", 0, 1)
    if #r == 0 then break end
    local score = tonumber(r[2])
    local band = math.floor(score / BAND)
    if score - band * BAND <= cutoff then
      table.insert(out, i)
      table.insert(out, r[1])
      table.insert(out, r[2])
      break
    end
    low = string.format("%.0f", (band + 1) * BAND)
  end
end
return out
"""

# Read only.  KEYS: queues.  ARGV: prefix.
# Returns sid and score of the first entry of every priority band in use in each queue: within a band the
# oldest entry has waited longest, so when it cannot be offered to anyone, no later one in the band can.
BAND_HEADS = PRELUDE + r"""
local out = {}
for _, queue in ipairs(KEYS) do
  local low = "-inf"
  while true do
    local r = redis.call("ZRANGEBYSCORE", queue, low, "+inf", "WITHSCORES", "LIMIT", 0, 1)
    if #r == 0 then break end
    table.insert(out, r[1])
    table.insert(out, r[2])
    low = string.format("%.0f", (math.floor(tonumber(r[2]) / BAND) + 1) * BAND)
  end
end
return out
"""

# KEYS: agent.  ARGV: prefix, id, now, reason, ttl.
# An agent stuck on a call that is over (the watchdog, or a supervisor): free again; the call's entry,
# if still answered by this agent, is completed.
RELEASE_AGENT = PRELUDE + r"""
local f = redis.call("HMGET", KEYS[1], "state", "call")
if not f[1] then return {"unknown", ""} end
if f[1] ~= "on_call" then return {f[1], ""} end
if f[2] and f[2] ~= "" then
  local c = redis.call("HMGET", key("call", f[2]), "status", "agent")
  if (c[1] == "answered" or c[1] == "dialing") and c[2] == ARGV[2] then
    redis.call("HSET", key("call", f[2]), "status", "completed", "ended", ARGV[3])
    redis.call("EXPIRE", key("call", f[2]), ARGV[5])
  end
end
redis.call("HSET", KEYS[1], "state", "available", "since", ARGV[3], "reason", ARGV[4], "call", "",
           "reservation", "")
sync_agent(ARGV[2])
return {"ok", f[2] or ""}
"""

# KEYS: agent, agents, call.  ARGV: prefix, id, name, skills json, languages json, sid, skill, language,
#       answered (the time the agent took the call), score, now
# After Redis lost its state: an agent SQL and the phone network say is on a live call is on it again,
# so nobody offers them a second caller.  Refused when the call is known or the agent holds another.
RESTORE_ON_CALL = PRELUDE + r"""
local id, sid = ARGV[2], ARGV[6]
if redis.call("EXISTS", KEYS[3]) == 1 then return "call_known" end
local a = redis.call("HMGET", KEYS[1], "state", "reservation")
if a[1] == "on_call" or (a[2] and a[2] ~= "") then return "busy" end
if a[1] then unsync_agent(id) else
  redis.call("HSET", KEYS[1], "calls_today", 0, "calls_day", "")
end
redis.call("HSET", KEYS[1], "id", id, "name", ARGV[3], "skills", ARGV[4], "languages", ARGV[5],
           "state", "on_call", "since", ARGV[11], "reason", "restored", "reservation", "", "call", sid,
           "answered_at", ARGV[9], "last_queue", ARGV[7] .. ":" .. ARGV[8])
redis.call("SADD", KEYS[2], id)
sync_agent(id)
redis.call("HSET", KEYS[3], "sid", sid, "kind", "call", "skill", ARGV[7], "language", ARGV[8], "priority", 0,
           "entered", ARGV[9], "score", ARGV[10], "number", "", "attempts", 0, "reservation", "",
           "agent", id, "position", "", "estimate", "", "status", "answered", "answered", ARGV[9])
return "ok"
"""

# KEYS: call, receiving agent, reservation, reservations.
# ARGV: prefix, sid, from agent, to agent, reservation id, now, expires
# An agent on a call offers it to one named, free colleague (a transfer); the call stays answered by the
# first agent until the colleague accepts.  Refused ("call") unless the call is answered by `from` with no
# transfer pending, ("agent") unless the colleague is available with no offer.
TRANSFER_OFFER = PRELUDE + r"""
local sid, from, to, rid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local c = redis.call("HMGET", KEYS[1], "status", "agent", "skill", "language", "number", "transfer")
if c[1] ~= "answered" or c[2] ~= from or (c[6] and c[6] ~= "") then return "call" end
local a = redis.call("HMGET", KEYS[2], "state", "reservation")
if a[1] ~= "available" or (a[2] and a[2] ~= "") then return "agent" end
redis.call("HSET", KEYS[3], "id", rid, "call", sid, "agent", to, "kind", "transfer", "skill", c[3],
           "language", c[4], "number", c[5] or "", "offered", ARGV[6], "expires", ARGV[7],
           "status", "pending", "offered_seq", next_seq(), "from", from)
redis.call("ZADD", KEYS[4], ARGV[7], rid)
redis.call("HSET", KEYS[1], "transfer", rid)
redis.call("HSET", KEYS[2], "reservation", rid)
sync_agent(to)
return "ok"
"""

# KEYS: agent, wrapups, call.  ARGV: prefix, id, sid, now, city-local date, wrap-up ends at
# An agent leaves a call someone else now has (after a transfer), or that is over: they wrap up.
LEAVE_CALL = PRELUDE + r"""
local id, sid, now = ARGV[2], ARGV[3], ARGV[4]
local a = redis.call("HMGET", KEYS[1], "state", "call", "calls_today", "calls_day")
if not a[1] then return "unknown" end
if a[1] ~= "on_call" or a[2] ~= sid then return "not_on_call" end
local c = redis.call("HMGET", KEYS[3], "status", "agent")
if c[1] == "answered" and c[2] == id then return "owner" end
local calls = (a[4] == ARGV[5]) and (tonumber(a[3]) + 1) or 1
redis.call("HSET", KEYS[1], "state", "wrap_up", "since", now, "last_call_ended", now,
           "calls_today", calls, "calls_day", ARGV[5])
redis.call("ZADD", KEYS[2], ARGV[6], id)
redis.call("HSET", KEYS[3], "transfer", "")
sync_agent(id)
return "ok"
"""
