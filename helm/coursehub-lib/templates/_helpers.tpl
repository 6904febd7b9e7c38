{{/*
Names and labels. Every CourseHub chart includes these from here, so all four services are named,
labelled and selected the same way.
*/}}

{{- define "coursehub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "coursehub.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "coursehub.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "coursehub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "coursehub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "coursehub.labels" -}}
helm.sh/chart: {{ include "coursehub.chart" . }}
{{ include "coursehub.selectorLabels" . }}
app.kubernetes.io/version: {{ include "coursehub.imageTag" . | quote }}
app.kubernetes.io/component: service
app.kubernetes.io/part-of: coursehub
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "coursehub.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "coursehub.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "coursehub.imageTag" .) }}
{{- end }}
{{- end }}

{{- define "coursehub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "coursehub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding the service's credentials: the operator's existingSecret, or the chart's own.
existingSecret is a template, so one values file can serve every chart: "{{ .Chart.Name }}-credentials".
*/}}
{{- define "coursehub.secretName" -}}
{{- if .Values.existingSecret }}
{{- tpl .Values.existingSecret . }}
{{- else }}
{{- include "coursehub.fullname" . }}
{{- end }}
{{- end }}

{{/* The Secret holding auth's signing key (also a template). */}}
{{- define "coursehub.jwtSecretName" -}}
{{- if .Values.jwt.existingSecret }}
{{- tpl .Values.jwt.existingSecret . }}
{{- else }}
{{- printf "%s-jwt" (include "coursehub.fullname" .) }}
{{- end }}
{{- end }}

{{- define "coursehub.dataDir" -}}/app/data{{- end }}
{{- define "coursehub.jwtMountPath" -}}/etc/coursehub/jwt{{- end }}
