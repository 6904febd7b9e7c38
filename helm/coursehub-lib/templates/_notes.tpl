{{- define "coursehub.notes" -}}
CourseHub {{ .Chart.Name }} {{ include "coursehub.imageTag" . }} is installed as {{ include "coursehub.fullname" . }} in namespace {{ .Release.Namespace }}.

Wait for the rollout:
  kubectl -n {{ .Release.Namespace }} rollout status deployment/{{ include "coursehub.fullname" . }}

Check it from your machine:
  kubectl -n {{ .Release.Namespace }} port-forward service/{{ include "coursehub.fullname" . }} 8080:{{ .Values.service.port }}
  curl http://127.0.0.1:8080/health/ready          # what it cannot serve without: database{{ if .Values.config.MONGO_URL }}, MongoDB{{ end }}
  curl http://127.0.0.1:8080/health/dependencies   # what it works around while away: Kafka{{ if .Values.config.MONGO_URL }}, SMTP{{ end }}
  open http://127.0.0.1:8080/docs              # OpenAPI
{{- if .Values.ingress.enabled }}
{{- range .Values.ingress.hosts }}
  https://{{ .host }}
{{- end }}
{{- end }}
{{- if and .Values.jwt.sign (not .Values.jwt.existingSecret) (not .Values.jwt.privateKey) }}

The access-token signing key was generated into Secret {{ include "coursehub.jwtSecretName" . }} (kept across upgrades
and uninstall). For production manage it yourself: jwt.existingSecret.
{{- end }}
{{- if not .Values.existingSecret }}

Credentials are in Secret {{ include "coursehub.fullname" . }} from values (secretEnv). For production prefer existingSecret.
{{- end }}
{{- end }}
