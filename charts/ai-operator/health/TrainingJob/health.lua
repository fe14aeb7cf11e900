-- Argo CD health check for aioperator.dev/TrainingJob (Lua 5.1 subset, as Argo CD runs it).
-- Succeeded is Healthy, Failed (or an invalid spec) Degraded, Suspended Suspended, anything else Progressing.
-- A status that describes an older generation says nothing about the current spec: Progressing.
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

local function messageOf(conditionType, fallback)
  if obj.status ~= nil and obj.status.conditions ~= nil then
    for _, c in ipairs(obj.status.conditions) do
      if c.type == conditionType and c.message ~= nil and c.message ~= "" then
        return c.message
      end
    end
  end
  return fallback
end

local function conditionFalse(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return false
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c.status == "False"
    end
  end
  return false
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

if conditionFalse("SpecValid") then
  hs.status = "Degraded"
  hs.message = messageOf("SpecValid", "spec is invalid")
  return hs
end

local phase = obj.status.phase
if phase == "Succeeded" then
  hs.status = "Healthy"
  if obj.status.outputModel ~= nil and obj.status.outputModel.uri ~= nil then
    hs.message = "Succeeded: " .. obj.status.outputModel.uri
  else
    hs.message = messageOf("Succeeded", "Succeeded")
  end
  return hs
end

if phase == "Failed" then
  hs.status = "Degraded"
  hs.message = messageOf("Failed", "Failed")
  return hs
end

if phase == "Suspended" then
  hs.status = "Suspended"
  hs.message = messageOf("Suspended", "Suspended")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf("Running", messageOf("Scheduled", "phase " .. tostring(phase)))
return hs
