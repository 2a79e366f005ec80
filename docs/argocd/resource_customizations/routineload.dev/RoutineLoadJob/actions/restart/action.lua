-- Restart: a new spec.restartNonce (the operator reschedules the job once, then records the nonce in
-- status.lastHandledRestartNonce). The nonce is the current UTC time; further restarts within the same second get
-- the suffixes .2, .3, ... so every click is a new value.
if obj.spec == nil then obj.spec = {} end
local base = os.date("!%Y-%m-%dT%H:%M:%SZ")
local old = obj.spec.restartNonce
local nonce = base
if old == base then nonce = base .. ".2" end
for k = 2, 1000 do
  if old == base .. "." .. k then
    nonce = base .. "." .. (k + 1)
    break
  end
end
obj.spec.restartNonce = nonce
return obj
