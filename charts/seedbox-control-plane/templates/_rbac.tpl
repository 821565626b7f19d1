{{/*
The operator's rules on the watched resources, granted cluster-wide (ClusterRole) or per watched namespace (Role).
Exactly the calls the operator makes (operator/src/test/.../OperatorRbacMatchesChartTest records them against the
mock API and compares with this list); no wildcards. Informers list and watch our resources; status and finalizers
are written with patches. Secrets are read one by one by name, never listed or watched: the operator creates web UI
Secrets and BYOS key Secrets, updates a web UI Secret when its credentials rotate and deletes a revoked key Secret.
A web UI Secret's owner reference blocks its Seedbox's deletion, which needs update on seedboxes/finalizers. What
the operator may write in Secrets is narrowed further by the ValidatingAdmissionPolicy in operator-secrets-policy.yaml.
With HTTPS (operator.https.baseDomain) the operator keeps each Seedbox's external-dns DNSEndpoint: read by name,
created, updated when the server's address changes and deleted when the server is released; the kind's CRD comes
with external-dns, not with this chart.
*/}}
{{- define "seedbox.operator.rules" -}}
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes", "billingaccounts", "byosconnections"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes/status", "billingaccounts/status", "byosconnections/status"]
  verbs: ["patch"]
- apiGroups: ["seedbox.dev"]
  resources: ["seedboxes/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update", "delete"]
{{- if .Values.operator.https.baseDomain }}
- apiGroups: ["externaldns.k8s.io"]
  resources: ["dnsendpoints"]
  verbs: ["get", "create", "update", "delete"]
{{- end }}
{{- end }}
