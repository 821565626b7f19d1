{{/* NetworkPolicy peers for a list of CIDRs; call with (dict "cidrs" [...] "except" [...]). */}}
{{- define "seedbox.networkPolicy.cidrs" -}}
{{- $except := .except }}
{{- range .cidrs }}
- ipBlock:
    cidr: {{ . }}
    {{- with $except }}
    except:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- end }}
{{- end }}

{{/* NetworkPolicy TCP ports for a list of port numbers. */}}
{{- define "seedbox.networkPolicy.ports" -}}
{{- range . }}
- protocol: TCP
  port: {{ . }}
{{- end }}
{{- end }}

{{/* Egress both services need: cluster DNS and PostgreSQL; call with .Values.networkPolicy. */}}
{{- define "seedbox.networkPolicy.dnsAndDatabase" -}}
# cluster DNS
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .dns.namespace }}
      podSelector:
        matchLabels:
          {{- toYaml .dns.podLabels | nindent 10 }}
  ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
# PostgreSQL
- to:
    {{- include "seedbox.networkPolicy.cidrs" (dict "cidrs" .database.cidrs) | nindent 4 }}
  ports:
    {{- include "seedbox.networkPolicy.ports" (list .database.port) | nindent 4 }}
{{- end }}

{{/* Ingress from Prometheus; call with (dict "np" .Values.networkPolicy "port" .Values.httpPort). */}}
{{- define "seedbox.networkPolicy.metricsIngress" -}}
# Prometheus scraping /metrics (the same port serves the probes, which the kubelet sends from the node)
- from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .np.metricsNamespace }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end }}
