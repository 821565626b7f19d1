-- Argo CD health check for seedbox.dev/v1alpha1 ByosConnection.
local hs = {}

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

local function messageOf(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to issue a key"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

-- a stored spec the operator cannot read (InvalidSpec, whatever the phase): nothing happens until it is fixed
local unreadable = condition("Ready")
if unreadable ~= nil and unreadable.status == "False" and unreadable.reason == "InvalidSpec" then
  hs.status = "Degraded"
  hs.message = messageOf(unreadable, "The spec cannot be read: fix it")
  return hs
end

local phase = obj.status.phase
local ready = condition("Ready")

if phase == "AwaitingAuthorization" then
  hs.status = "Progressing"
  local target = "the server"
  if obj.spec ~= nil and obj.spec.host ~= nil then
    target = obj.spec.host
  end
  if obj.status.onboardingCommand ~= nil and obj.status.onboardingCommand ~= "" then
    hs.message = "Waiting for authorization: run this onboarding command on " .. target .. ": "
      .. obj.status.onboardingCommand
  else
    hs.message = "Waiting for authorization: run the onboarding command from status.onboardingCommand on "
      .. target
  end
elseif phase == "Connected" then
  if ready ~= nil and ready.status == "False" then
    hs.status = "Degraded"
    hs.message = messageOf(ready, "Connected but not ready")
  else
    hs.status = "Healthy"
    hs.message = messageOf(ready, "Connected")
  end
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "Connection failed")
elseif phase == "Revoked" then
  hs.status = "Suspended"
  hs.message = messageOf(ready, "Access to the server was revoked")
else
  hs.status = "Progressing"
  hs.message = messageOf(ready, "Waiting for the operator to report a phase")
end
return hs
