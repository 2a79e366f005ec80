-- Argo CD health check for routineload.dev/StarRocksConnection (routine-load-operator).
-- The operator writes observedGeneration and a Ready condition (Connected, or why it cannot connect).
-- Only Lua's base and table libraries are used.
local hs = {}

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
