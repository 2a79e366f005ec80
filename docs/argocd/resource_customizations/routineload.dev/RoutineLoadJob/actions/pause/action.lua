-- Pause: spec.state = Paused (the operator sends PAUSE ROUTINE LOAD and keeps the job paused, also across ALTERs).
if obj.spec == nil then obj.spec = {} end
obj.spec.state = "Paused"
return obj
