-- Resume: spec.state = Running (the operator sends RESUME ROUTINE LOAD).
if obj.spec == nil then obj.spec = {} end
obj.spec.state = "Running"
return obj
