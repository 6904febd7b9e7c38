{{/*
Credentials (DATABASE_URL with its password, SASL passwords, SMTP_URL with credentials, ...). With
existingSecret set, the chart creates nothing and reads the same keys from that Secret.
*/}}
{{- define "coursehub.secret" -}}
{{- if and (not .Values.existingSecret) .Values.secretEnv }}
{{- /* A generated key keeps its earlier value: a new one on every upgrade would void what it signed. */}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "coursehub.fullname" .) }}
{{- $generated := .Values.generatedSecretEnv | default list }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "coursehub.fullname" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
type: Opaque
stringData:
  {{- range $key, $value := .Values.secretEnv }}
  {{- if and (not $value) (has $key $generated) }}
  {{- if and $existing $existing.data (hasKey $existing.data $key) }}
  {{ $key }}: {{ index $existing.data $key | b64dec | quote }}
  {{- else }}
  {{ $key }}: {{ randAlphaNum 48 | quote }}
  {{- end }}
  {{- else }}
  {{ $key }}: {{ required (printf "secretEnv.%s is required (or set existingSecret)" $key) $value | quote }}
  {{- end }}
  {{- end }}
{{- end }}
{{- if and .Values.jwt.sign (not .Values.jwt.existingSecret) }}
---
{{- /* Keep the key of an earlier install: a new key on every upgrade would void every access token. */}}
{{- $name := include "coursehub.jwtSecretName" . }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace $name }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ $name }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
  annotations:
    helm.sh/resource-policy: keep
type: Opaque
data:
  {{- if .Values.jwt.privateKey }}
  {{ .Values.jwt.existingSecretKey }}: {{ .Values.jwt.privateKey | b64enc | quote }}
  {{- else if and $existing $existing.data }}
  {{ .Values.jwt.existingSecretKey }}: {{ index $existing.data .Values.jwt.existingSecretKey | quote }}
  {{- else }}
  {{ .Values.jwt.existingSecretKey }}: {{ genPrivateKey "rsa" | b64enc | quote }}
  {{- end }}
{{- end }}
{{- end }}
