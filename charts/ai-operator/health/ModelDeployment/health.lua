-- Argo CD health check for aioperator.dev/ModelDeployment (Lua 5.1 subset, as Argo CD runs it).
-- Maps status.phase and the conditions onto Healthy / Progressing / Degraded / Suspended.
-- A status that describes an older generation says nothing about the current spec: Progressing.
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function messageOf(conditionType, fallback)
  local c = condition(conditionType)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

if obj.status == nil then
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local specValid = condition("SpecValid")
if specValid ~= nil and specValid.status == "False" then
  hs.status = "Degraded"
  hs.message = messageOf("SpecValid", "spec is invalid")
  return hs
end

local phase = obj.status.phase
if phase == "RolledBack" then
  -- The spec's revision is not serving: the sync is not achieved until the spec names another revision.
  local reason = "rolled back"
  if obj.status.lastRollback ~= nil and obj.status.lastRollback.reason ~= nil then
    reason = "rolled back: " .. obj.status.lastRollback.reason
  end
  hs.status = "Degraded"
  hs.message = messageOf("RolledBack", reason)
  return hs
end

if phase == "Failed" or phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = messageOf("Degraded", messageOf("Ready", "phase " .. phase))
  return hs
end

local paused = obj.spec ~= nil and obj.spec.paused == true
if paused and phase ~= "Ready" then
  hs.status = "Suspended"
  hs.message = "Paused: rollout and autoscaling decisions are frozen"
  return hs
end

local ready = condition("Ready")
if phase == "Ready" and ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = messageOf("Ready", "Ready")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf("Progressing", messageOf("Ready", "phase " .. tostring(phase)))
return hs
