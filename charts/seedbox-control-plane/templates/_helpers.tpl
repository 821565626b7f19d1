{{/* Chart name, overridable. */}}
{{- define "seedbox.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name if it already says "seedbox", else <release>-seedbox. */}}
{{- define "seedbox.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else if contains "seedbox" .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-seedbox" .Release.Name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "seedbox.operator.fullname" -}}
{{- printf "%s-operator" (include "seedbox.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "seedbox.billing.fullname" -}}
{{- printf "%s-billing" (include "seedbox.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "seedbox.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "seedbox.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: seedbox-control-plane
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "seedbox.selectorLabels" -}}
app.kubernetes.io/name: {{ include "seedbox.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "seedbox.componentLabels" -}}
{{ include "seedbox.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* image reference; call with (dict "ctx" $ "image" .Values.operator.image). */}}
{{- define "seedbox.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}

{{- define "seedbox.operator.image" -}}
{{- include "seedbox.image" (dict "ctx" . "image" .Values.operator.image) }}
{{- end }}

{{/* Pod-level hardening shared by every pod of the chart. */}}
{{- define "seedbox.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level hardening; deliberately not configurable. */}}
{{- define "seedbox.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "seedbox.scrapeAnnotations" -}}
{{- if .Values.metrics.scrapeAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.httpPort | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* A variable from an existing Secret; call with (dict "name" "SEEDBOX_X" "secret" "s" "key" "k"). */}}
{{- define "seedbox.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* Variables both services read: database URL (each service adds its own runtime role's Secret), HTTP port,
plan catalog. */}}
{{- define "seedbox.sharedEnv" -}}
- name: SEEDBOX_DB_URL
  value: {{ .Values.database.url | quote }}
- name: SEEDBOX_DB_POOL_SIZE
  value: {{ .Values.database.poolSize | quote }}
- name: SEEDBOX_HTTP_PORT
  value: {{ .Values.httpPort | quote }}
- name: SEEDBOX_PLAN_CATALOG
  value: /etc/seedbox/plans.yaml
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaToolOptions | quote }}
{{- end }}

{{- define "seedbox.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 5
  failureThreshold: 30
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/* Comma-separated enabled providers (SEEDBOX_PROVIDERS), in a fixed order. */}}
{{- define "seedbox.providers" -}}
{{- $enabled := list }}
{{- range $name := list "digitalocean" "hetzner" "inmemory" }}
{{- if (index $.Values.operator.providers $name).enabled }}
{{- $enabled = append $enabled $name }}
{{- end }}
{{- end }}
{{- if not $enabled }}
{{- fail "operator.providers: enable at least one of digitalocean, hetzner, inmemory" }}
{{- end }}
{{- join "," $enabled }}
{{- end }}

{{- define "seedbox.leaseNamespace" -}}
{{- default .Release.Namespace .Values.operator.leaderElection.namespace }}
{{- end }}

{{/* A service's runtime database role: SEEDBOX_DB_USER/PASSWORD from that service's own Secret. */}}
{{- define "seedbox.runtimeRoleEnv" -}}
{{ include "seedbox.secretEnv" (dict "name" "SEEDBOX_DB_USER" "secret" .secret "key" "username") }}
{{ include "seedbox.secretEnv" (dict "name" "SEEDBOX_DB_PASSWORD" "secret" .secret "key" "password") }}
{{- end }}
