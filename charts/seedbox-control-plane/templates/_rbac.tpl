{{/*
The operator's rules on the watched resources, granted cluster-wide (ClusterRole) or per watched namespace (Role).
Exactly the verbs the reconcilers use; no wildcards. Secrets hold web UI credentials and BYOS keys: the operator
creates, reads and deletes them; it updates only a Seedbox's web UI Secret in place, when its credentials rotate
(a BYOS key rotation writes a new, immutable Secret).
*/}}
{{- define "seedbox.operator.rules" -}}
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes", "billingaccounts", "byosconnections"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes/status", "billingaccounts/status", "byosconnections/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes/finalizers", "billingaccounts/finalizers", "byosconnections/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
{{- end }}
