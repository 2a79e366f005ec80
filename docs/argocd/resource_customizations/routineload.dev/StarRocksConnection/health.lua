-- Argo CD health check for routineload.dev/StarRocksConnection (routine-load-operator).
-- The operator writes observedGeneration and the kstatus conditions Ready (Connected, or why it cannot connect),
-- Reconciling and Stalled. Only Lua's base and table libraries are used.
local hs = {}

-- Argo CD evaluates health during deletion too: nothing to wait for but the object going away.
if obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  hs.message = "Deleting"
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

-- Stalled: credentials missing, access denied, or unreachable for longer than the operator's progress deadline.
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Stalled" and c.status == "True" then
    hs.status = "Degraded"
    hs.message = (c.reason or "Stalled") .. ((c.message ~= nil and c.message ~= "") and (": " .. c.message) or "")
    return hs
  end
end

for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then
    local text = c.reason or "Ready"
    if c.message ~= nil and c.message ~= "" then text = text .. ": " .. c.message end
    hs.message = text
    if c.status == "True" then
      hs.status = "Healthy"
    elseif c.status == "False" then
      hs.status = "Degraded"
    else
      hs.status = "Progressing"
    end
    return hs
  end
end

hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
