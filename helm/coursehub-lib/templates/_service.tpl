{{- define "coursehub.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "coursehub.fullname" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
  selector:
    {{- include "coursehub.selectorLabels" . | nindent 4 }}
{{- end }}

{{- define "coursehub.serviceaccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "coursehub.serviceAccountName" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end }}
