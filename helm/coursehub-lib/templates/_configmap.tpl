{{/*
Non-secret configuration, as environment variables (envFrom). Values go through `tpl`, so they can
name the release, e.g. JWT_JWKS_URL: http://auth.{{ .Release.Namespace }}.svc/auth/.well-known/jwks.json
*/}}
{{- define "coursehub.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "coursehub.fullname" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
data:
  {{- include "coursehub.configData" . | nindent 2 }}
{{- end }}

{{- define "coursehub.configData" -}}
NODE_ENV: "production"
HOST: "0.0.0.0"
PORT: {{ .Values.containerPort | quote }}
DATA_DIR: {{ include "coursehub.dataDir" . | quote }}
{{- range $key, $value := .Values.config }}
{{ $key }}: {{ tpl (toString $value) $ | quote }}
{{- end }}
{{- end }}
