{{/*
Hook Jobs and test pods. They run before the release's own objects exist (pre-install), so they
take nothing from them: configuration is rendered inline, credentials come from Secrets the
operator made beforehand, and the pods use the namespace's default ServiceAccount (no token).
*/}}

{{/* "true" when this chart's app has a PostgreSQL database (auth, course, order). */}}
{{- define "coursehub.usesPostgres" -}}
{{- if hasKey .Values.secretEnv "DATABASE_URL" }}true{{ end }}
{{- end }}

{{/* "true" in the one release that renders what all four share (sharedResourcesChart). */}}
{{- define "coursehub.ownsSharedResources" -}}
{{- if eq .Chart.Name .Values.sharedResourcesChart }}true{{ end }}
{{- end }}

{{/* The ConfigMap's data as container env entries. */}}
{{- define "coursehub.configEnv" -}}
{{- range $key, $value := (include "coursehub.configData" . | fromYaml) }}
- name: {{ $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Labels of a Job or test pod (dict ctx, component): a name of its own, so the Service, PDB and
NetworkPolicy selectors of the app never match it; part-of coursehub, so the NetworkPolicy admits it.
*/}}
{{- define "coursehub.auxLabels" -}}
helm.sh/chart: {{ include "coursehub.chart" .ctx }}
app.kubernetes.io/name: {{ printf "%s-%s" (include "coursehub.name" .ctx) .component | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/version: {{ include "coursehub.imageTag" .ctx | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: coursehub
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{/* Pod and container hardening shared by the Deployment's pods, hook Jobs and test pods. */}}
{{- define "coursehub.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "coursehub.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/*
A hook Job running the app image. Arguments: dict with ctx (the chart context), name (suffix),
weight (hook weight), command (list), env (YAML list of extra env entries), resources.
*/}}
{{- define "coursehub.hookJob" -}}
{{- $ctx := .ctx -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ printf "%s-%s" (include "coursehub.fullname" $ctx) .name | trunc 63 | trimSuffix "-" }}
  labels:
    {{- include "coursehub.auxLabels" (dict "ctx" $ctx "component" .name) | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: {{ .weight | quote }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .backoffLimit }}
  activeDeadlineSeconds: {{ .activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      labels:
        {{- include "coursehub.auxLabels" (dict "ctx" $ctx "component" .name) | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with $ctx.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "coursehub.podSecurityContext" $ctx | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "coursehub.image" $ctx | quote }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          command:
            {{- toYaml .command | nindent 12 }}
          env:
            {{- include "coursehub.configEnv" $ctx | trim | nindent 12 }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          securityContext:
            {{- include "coursehub.containerSecurityContext" $ctx | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $ctx.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $ctx.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/*
Migrates the database before the new pods start (pre-install, pre-upgrade), with the credentials
of migrations.existingSecret (a user with DDL rights); the Deployment then runs with
DATABASE_MIGRATIONS=skip, so the app's own user needs none.
*/}}
{{- define "coursehub.migrationsJob" -}}
{{- if and .Values.migrations.enabled (include "coursehub.usesPostgres" .) }}
{{- $secret := required "migrations.existingSecret is required with migrations.enabled (a Secret holding the DATABASE_URL of a user that may alter the schema)" .Values.migrations.existingSecret }}
{{- $env := printf "- name: DATABASE_URL\n  valueFrom:\n    secretKeyRef:\n      name: %s\n      key: %s" (tpl $secret .) .Values.migrations.existingSecretKey }}
{{- include "coursehub.hookJob" (dict "ctx" . "name" "migrations" "weight" "0"
      "backoffLimit" .Values.migrations.backoffLimit "activeDeadlineSeconds" .Values.migrations.activeDeadlineSeconds
      "command" (list "sh" "-c" "exec node dist/apps/${APP}/src/migrate.js")
      "env" $env "resources" .Values.migrations.resources) }}
{{- end }}
{{- end }}

{{/*
Creates the declared Kafka topics and reports drift (npm run kafka:topics), once for the platform:
in the sharedResourcesChart release, before its migrations. SASL credentials come from
existingSecret when the values name them in secretEnv.
*/}}
{{- define "coursehub.kafkaTopicsJob" -}}
{{- if and .Values.kafkaTopics.enabled (include "coursehub.ownsSharedResources" .) }}
{{- $command := list "node" "dist/libs/messaging/src/topics/topics-command.js" }}
{{- if .Values.kafkaTopics.replicationFactor }}
{{- $command = concat $command (list "--replication" (toString .Values.kafkaTopics.replicationFactor)) }}
{{- end }}
{{- if .Values.kafkaTopics.failOnDrift }}
{{- $command = append $command "--fail-on-drift" }}
{{- end }}
{{- $env := "" }}
{{- if .Values.existingSecret }}
{{- range $key, $_ := .Values.secretEnv }}
{{- if hasPrefix "KAFKA_" $key }}
{{- $env = printf "%s- name: %s\n  valueFrom:\n    secretKeyRef:\n      name: %s\n      key: %s\n" $env $key (include "coursehub.secretName" $) $key }}
{{- end }}
{{- end }}
{{- end }}
{{- include "coursehub.hookJob" (dict "ctx" . "name" "kafka-topics" "weight" "-5"
      "backoffLimit" 2 "activeDeadlineSeconds" 300
      "command" $command "env" (trimSuffix "\n" $env) "resources" .Values.migrations.resources) }}
{{- end }}
{{- end }}

{{/*
`helm test <release>`: the release's Service answers /health/ready from inside the cluster, from a
pod the NetworkPolicy admits (part-of: coursehub), with the app image's own node (no extra image).
*/}}
{{- define "coursehub.testReady" -}}
{{- if .Values.tests.enabled }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ printf "%s-test-ready" (include "coursehub.fullname" .) | trunc 63 | trimSuffix "-" }}
  labels:
    {{- include "coursehub.auxLabels" (dict "ctx" . "component" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- include "coursehub.podSecurityContext" . | nindent 4 }}
  containers:
    - name: ready
      image: {{ include "coursehub.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      env:
        - name: TARGET_URL
          value: {{ printf "http://%s.%s.svc:%v/health/ready" (include "coursehub.fullname" .) .Release.Namespace .Values.service.port | quote }}
      command:
        - node
        - -e
        - >-
          const attempt = (left) => fetch(process.env.TARGET_URL, { signal: AbortSignal.timeout(10000) })
          .then((r) => { console.log(process.env.TARGET_URL, r.status); if (!r.ok) throw new Error('status ' + r.status); })
          .catch((e) => { if (left > 0) return new Promise((ok) => setTimeout(ok, 3000)).then(() => attempt(left - 1)); console.error(e.message); process.exit(1); });
          attempt(5);
      resources:
        requests:
          cpu: 10m
          memory: 64Mi
        limits:
          memory: 128Mi
      securityContext:
        {{- include "coursehub.containerSecurityContext" . | nindent 8 }}
{{- end }}
{{- end }}
