{{/*
Gateway API: this release's paths on the shared hostname, attached to a Gateway the cluster runs
(parentRefs). Each release routes its own paths, so deploying one service never touches another's
routes; together the four releases serve one host. TLS ends at the Gateway listener.
*/}}
{{- define "coursehub.httpRoute" -}}
{{- if .Values.httpRoute.enabled }}
{{- if not .Values.httpRoute.parentRefs }}
{{- fail "httpRoute.parentRefs: name the Gateway this route attaches to" }}
{{- end }}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {{ include "coursehub.fullname" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
  {{- with .Values.httpRoute.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  parentRefs:
    {{- toYaml .Values.httpRoute.parentRefs | nindent 4 }}
  {{- with .Values.httpRoute.hostnames }}
  hostnames:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - matches:
        {{- range .Values.httpRoute.paths }}
        - path:
            type: PathPrefix
            value: {{ . | quote }}
        {{- end }}
      backendRefs:
        - name: {{ include "coursehub.fullname" . }}
          port: {{ .Values.service.port }}
{{- end }}
{{- end }}

{{/*
One cert-manager Certificate for the shared hostname, in the sharedResourcesChart release only:
four Ingresses each annotated for cert-manager would race to issue the same Secret. The Gateway
listener (or every Ingress's tls entry) references certificate.secretName.
*/}}
{{- define "coursehub.certificate" -}}
{{- if and .Values.certificate.enabled (include "coursehub.ownsSharedResources" .) }}
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {{ .Values.certificate.secretName }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
spec:
  secretName: {{ .Values.certificate.secretName }}
  dnsNames:
    {{- toYaml .Values.certificate.dnsNames | nindent 4 }}
  issuerRef:
    {{- toYaml .Values.certificate.issuerRef | nindent 4 }}
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
{{- end }}
{{- end }}
