-- Argo CD health check for routineload.dev/RoutineLoadJob (routine-load-operator).
-- The status follows kstatus conventions: observedGeneration plus the conditions Ready, Reconciling and Stalled
-- (abnormal-true) next to Synced, Progressing and Degraded, each with its own observedGeneration. Argo CD may
-- evaluate health before the operator has seen the latest spec, so anything not yet observed is Progressing, never
-- Healthy; Argo CD also evaluates health while a resource is being deleted, which is Progressing until it is gone.
-- Only Lua's base and table libraries are used (Argo CD does not open the string library for custom checks).
local hs = {}

local function describe(c, fallback)
  if c == nil then return fallback end
  local text = c.reason or fallback
  if c.message ~= nil and c.message ~= "" then text = text .. ": " .. c.message end
  return text
end

local function find(conditions, ctype)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == ctype then return c end
  end
  return nil
end

-- Being deleted: the operator stops the StarRocks job (deletionPolicy Stop) and then releases its finalizer.
if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Deleting: waiting for the operator to stop the job and remove its finalizer"
  local stalled = obj.status ~= nil and find(obj.status.conditions, "Stalled") or nil
  if stalled ~= nil and stalled.status == "True" then
    hs.message = hs.message .. " (blocked: " .. describe(stalled, "Stalled") .. ")"
  end
  return hs
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
local reconciling, stalled = cond.Reconciling, cond.Stalled

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

-- Only a person can unblock it (JobExists, UpdateBlocked, InvalidSpec, missing connection or Secret, ...), or a
-- retried problem outlasted the operator's progress deadline.
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
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

-- Creating, Altering, Recreating, Scheduling, Pausing, Resuming; or a retried problem within its deadline.
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling, "Reconciling")
  return hs
end
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
