-- Argo CD health check for routineload.dev/RoutineLoadJob (routine-load-operator).
-- The status follows kstatus conventions: observedGeneration plus the conditions Ready, Synced, Progressing and
-- Degraded, each with its own observedGeneration. Argo CD may evaluate health before the operator has seen the
-- latest spec, so anything not yet observed is Progressing, never Healthy.
-- Only Lua's base and table libraries are used (Argo CD does not open the string library for custom checks).
local hs = {}

local function describe(c, fallback)
  if c == nil then return fallback end
  local text = c.reason or fallback
  if c.message ~= nil and c.message ~= "" then text = text .. ": " .. c.message end
  return text
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end

local cond = {}
for _, c in ipairs(obj.status.conditions) do
  if generation ~= nil and c.observedGeneration ~= nil and c.observedGeneration < generation then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe generation " .. generation .. " (" .. c.type .. ")"
    return hs
  end
  cond[c.type] = c
end
local ready, synced, progressing, degraded = cond.Ready, cond.Synced, cond.Progressing, cond.Degraded

-- StarRocks paused or cancelled the job, or it runs UNSTABLE: needs a look.
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(degraded, "Degraded")
  return hs
end

-- Paused on purpose (spec.state: Paused) and StarRocks reports it PAUSED.
local wantPaused = obj.spec ~= nil and obj.spec.state == "Paused"
if wantPaused and obj.status.state == "PAUSED" and (progressing == nil or progressing.status ~= "True") then
  hs.status = "Suspended"
  hs.message = describe(ready, "Paused")
  return hs
end

if synced ~= nil and synced.status == "False" then
  -- A statement StarRocks refused keeps failing until something changes: report it, even while retrying.
  if progressing ~= nil and progressing.status == "True" and synced.reason ~= "StatementFailed" then
    hs.status = "Progressing"
    hs.message = describe(progressing, "Progressing")
    return hs
  end
  -- InvalidSpec, JobExists, UpdateBlocked, ConnectionNotFound, AccessDenied, StarRocksUnreachable, ...
  hs.status = "Degraded"
  hs.message = describe(synced, "Not synced")
  return hs
end

-- Creating, Altering, Recreating, Scheduling, Pausing, Resuming.
if progressing ~= nil and progressing.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(progressing, "Progressing")
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "Ready")
  return hs
end

if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(ready, "Not ready")
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
