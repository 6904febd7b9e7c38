{{/*
The service's Deployment: probes on the routes of libs/core's health controller, non-root with a
read-only root filesystem (emptyDirs for /tmp and DATA_DIR), zero-downtime rolling updates, and
checksums of the config so a changed ConfigMap or Secret rolls the pods.
*/}}
{{- define "coursehub.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "coursehub.fullname" . }}
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "coursehub.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: {{ .Values.rollingUpdate.maxSurge }}
  template:
    metadata:
      labels:
        {{- include "coursehub.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "coursehub.configData" . | sha256sum }}
        checksum/secret: {{ printf "%s|%s" (toJson .Values.secretEnv) .Values.existingSecret | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "coursehub.serviceAccountName" . }}
      automountServiceAccountToken: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      {{- /* SIGTERM drains in SHUTDOWN_TIMEOUT_MS; give it that plus the preStop pause. */}}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      containers:
        - name: {{ include "coursehub.name" . }}
          image: {{ include "coursehub.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "coursehub.fullname" . }}
          env:
            {{- range $key, $_ := .Values.secretEnv }}
            - name: {{ $key }}
              valueFrom:
                secretKeyRef:
                  name: {{ include "coursehub.secretName" $ }}
                  key: {{ $key }}
            {{- end }}
            {{- if and .Values.migrations.enabled (include "coursehub.usesPostgres" .) }}
            {{- /* The pre-upgrade Job migrated already; the app's database user needs no DDL rights. */}}
            - name: DATABASE_MIGRATIONS
              value: skip
            {{- end }}
            {{- if .Values.jwt.sign }}
            - name: JWT_PRIVATE_KEY_FILE
              value: {{ printf "%s/%s" (include "coursehub.jwtMountPath" .) .Values.jwt.existingSecretKey | quote }}
            {{- end }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "coursehub.probes" . | nindent 10 }}
          lifecycle:
            preStop:
              {{- /* Let endpoints and load balancers forget the pod before it stops taking requests. */}}
              exec:
                command: ["sleep", {{ .Values.preStopSleepSeconds | quote }}]
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: data
              mountPath: {{ include "coursehub.dataDir" . }}
            {{- if .Values.jwt.sign }}
            - name: jwt
              mountPath: {{ include "coursehub.jwtMountPath" . }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        - name: data
          emptyDir:
            sizeLimit: {{ .Values.dataDirSizeLimit }}
        {{- if .Values.jwt.sign }}
        - name: jwt
          secret:
            secretName: {{ include "coursehub.jwtSecretName" . }}
            defaultMode: 0440
            items:
              - key: {{ .Values.jwt.existingSecretKey }}
                path: {{ .Values.jwt.existingSecretKey }}
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if .Values.affinity }}
      affinity:
        {{- toYaml .Values.affinity | nindent 8 }}
      {{- else }}
      {{- /* Spread replicas over nodes when the scheduler can. */}}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "coursehub.selectorLabels" . | nindent 14 }}
      {{- end }}
{{- end }}

{{/* Liveness: the process answers. Readiness: what it cannot serve without (its database; MongoDB for e-mail; reply consumer of a caller), never Kafka/SMTP/JWKS (see /health/dependencies). Startup: migrations may take a while. */}}
{{- define "coursehub.probes" -}}
startupProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
  timeoutSeconds: {{ .Values.probes.timeoutSeconds }}
livenessProbe:
  httpGet:
    path: /health/live
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
  timeoutSeconds: {{ .Values.probes.timeoutSeconds }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
  timeoutSeconds: {{ .Values.probes.timeoutSeconds }}
{{- end }}
