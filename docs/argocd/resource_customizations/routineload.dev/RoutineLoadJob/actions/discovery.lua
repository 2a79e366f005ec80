-- Argo CD resource actions for routineload.dev/RoutineLoadJob. Every action edits spec only (spec.state,
-- spec.restartNonce), the same edit a commit to Git would make; the operator never writes spec.
local actions = {}
local paused = obj.spec ~= nil and obj.spec.state == "Paused"
actions["pause"] = {["disabled"] = paused, ["iconClass"] = "fa fa-fw fa-pause-circle"}
actions["resume"] = {["disabled"] = not paused, ["iconClass"] = "fa fa-fw fa-play-circle"}
-- A paused job is not rescheduled by a new nonce; resume it instead.
actions["restart"] = {["disabled"] = paused, ["iconClass"] = "fa fa-fw fa-redo"}
return actions
