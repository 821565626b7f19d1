-- Argo CD health check for seedbox.dev/v1alpha1 BillingAccount.
-- LowBalance stays Healthy (with a warning): the account still pays for its seedboxes and nothing in the cluster
-- is wrong; Suspended is Degraded because the account's seedboxes are stopped until someone tops it up.
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

local function figures()
  local text = ""
  if obj.status.balanceCents ~= nil then
    text = "balance " .. tostring(math.floor(obj.status.balanceCents)) .. " cents"
  end
  if obj.status.runwayDays ~= nil then
    if text ~= "" then
      text = text .. ", "
    end
    text = text .. "runway " .. tostring(math.floor(obj.status.runwayDays)) .. " days"
  end
  return text
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local state = obj.status.state
local ready = condition("Ready")

if ready ~= nil and ready.status == "False" and state ~= "Suspended" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "Account is not ready")
elseif state == "Active" then
  hs.status = "Healthy"
  hs.message = messageOf(ready, "Account is active")
elseif state == "LowBalance" then
  hs.status = "Healthy"
  local detail = figures()
  if detail ~= "" then
    detail = " (" .. detail .. ")"
  end
  hs.message = "Warning: low balance" .. detail .. "; top up before the credit runs out"
elseif state == "Suspended" then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "Account is suspended: credit ran out, its seedboxes are stopped until a top-up")
else
  hs.status = "Progressing"
  hs.message = messageOf(ready, "Waiting for the operator to report the account state")
end
return hs
