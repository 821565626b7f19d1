-- Argo CD health check for seedbox.dev/v1alpha1 Seedbox.
-- Reads status.phase, the Ready/Paid/Paused conditions and observedGeneration.
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
  if obj.status ~= nil and obj.status.message ~= nil and obj.status.message ~= "" then
    return obj.status.message
  end
  return fallback
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local paused = condition("Paused")
if (paused ~= nil and paused.status == "True") or (obj.spec ~= nil and obj.spec.paused == true) then
  hs.status = "Suspended"
  hs.message = messageOf(paused, "Reconciliation is paused (spec.paused)")
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

-- Ready reasons of a Pending Seedbox whose spec must change before it can ever be provisioned (waiting for payment
-- or for an account is not among them: those resolve themselves)
local NEVER_WORKS = {
  UnknownPlan = true,
  PlanNotOffered = true,
  ProviderNotEnabled = true,
  ClientNotAvailable = true,
  ClientNotOffered = true,
  ConflictingPlacement = true,
  InvalidSpec = true,
}

local phase = obj.status.phase
local ready = condition("Ready")
local paid = condition("Paid")

if phase == "Active" then
  if ready ~= nil and ready.status == "True" then
    hs.status = "Healthy"
    hs.message = messageOf(ready, "Seedbox is active")
  elseif ready ~= nil and ready.status == "False" then
    hs.status = "Degraded"
    hs.message = messageOf(ready, "Seedbox is active but not ready")
  else
    hs.status = "Progressing"
    hs.message = messageOf(ready, "Waiting for the seedbox to become ready")
  end
elseif phase == "Pending" and ready ~= nil and ready.status == "False" and NEVER_WORKS[ready.reason] then
  -- a spec that can never work as written: Degraded, never Progressing forever
  hs.status = "Degraded"
  hs.message = messageOf(ready, "The Seedbox cannot work as specified")
elseif phase == "Pending" or phase == "Provisioning" or phase == "Terminating" then
  hs.status = "Progressing"
  if paid ~= nil and paid.status == "False" then
    hs.message = messageOf(paid, phase)
  else
    hs.message = messageOf(ready, phase)
  end
elseif phase == "Suspended" then
  hs.status = "Suspended"
  if paid ~= nil and paid.status == "False" then
    hs.message = messageOf(paid, "Seedbox is suspended")
  else
    hs.message = messageOf(ready, "Seedbox is suspended")
  end
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "Provisioning failed")
elseif phase == "Terminated" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "Seedbox was terminated; its server no longer exists")
else
  hs.status = "Progressing"
  hs.message = messageOf(ready, "Waiting for the operator to report a phase")
end
return hs
