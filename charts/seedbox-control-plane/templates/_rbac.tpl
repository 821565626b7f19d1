{{/*
The operator's rules on the watched resources, granted cluster-wide (ClusterRole) or per watched namespace (Role).
Exactly the verbs the reconcilers use; no wildcards. Secrets hold web UI credentials and BYOS keys: the operator
creates and deletes them and reads them back; it never updates one in place (rotation writes a new Secret).
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
  verbs: ["get", "list", "watch", "create", "delete"]
{{- end }}
