{{/*
The Grafana dashboard (files/grafana-dashboard.json, the same in every chart) as a ConfigMap the
Grafana sidecar picks up by label, and the PrometheusRule alerts; both once, in the
sharedResourcesChart release, since they cover all four services.
*/}}
{{- define "coursehub.grafanaDashboard" -}}
{{- if and .Values.grafanaDashboard.enabled (include "coursehub.ownsSharedResources" .) }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: coursehub-grafana-dashboard
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
    {{- toYaml .Values.grafanaDashboard.labels | nindent 4 }}
  {{- with .Values.grafanaDashboard.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
data:
  coursehub.json: |-
    {{- .Files.Get "files/grafana-dashboard.json" | nindent 4 }}
{{- end }}
{{- end }}

{{- define "coursehub.prometheusRule" -}}
{{- if and .Values.prometheusRule.enabled (include "coursehub.ownsSharedResources" .) }}
{{- $t := .Values.prometheusRule.thresholds }}
{{- $ns := printf "namespace=%q" .Release.Namespace }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: coursehub-alerts
  labels:
    {{- include "coursehub.labels" . | nindent 4 }}
    {{- with .Values.prometheusRule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: coursehub
      rules:
        - alert: CourseHubDeadLettersGrowing
          expr: sum by (namespace, service, topic, reason) (increase(coursehub_messaging_events_dead_lettered_total{ {{- $ns -}} }[15m])) > 0
          labels:
            severity: warning
          annotations:
            summary: "Events of {{ "{{ $labels.topic }}" }} are being dead-lettered ({{ "{{ $labels.reason }}" }})"
            description: "{{ "{{ $value | humanize }}" }} events went to {{ "{{ $labels.topic }}" }}.dlq in 15 minutes: a handler rejects them. Fix it, then replay with npm run dlq."
        - alert: CourseHubOutboxStalled
          expr: max by (namespace, service, data_source) (coursehub_outbox_oldest_unsent_age_seconds{ {{- $ns -}} }) > {{ $t.outboxAgeSeconds }}
          for: 2m
          labels:
            severity: critical
          annotations:
            summary: "{{ "{{ $labels.service }}" }} has not published its oldest event for {{ "{{ $value | humanizeDuration }}" }}"
            description: "The outbox relay of {{ "{{ $labels.data_source }}" }} is stuck: Kafka unreachable, topics missing, or events parked (npm run dlq -- outbox list)."
        - alert: CourseHubHighErrorRatio
          expr: |-
            sum by (namespace, service) (rate(coursehub_http_request_duration_seconds_count{ {{- $ns -}} ,status_code=~"5.."}[5m]))
              / sum by (namespace, service) (rate(coursehub_http_request_duration_seconds_count{ {{- $ns -}} }[5m])) > {{ $t.errorRatio }}
          for: 5m
          labels:
            severity: critical
          annotations:
            summary: "{{ "{{ $labels.service }}" }} answers {{ "{{ $value | humanizePercentage }}" }} of requests with 5xx"
            description: "More than {{ mulf $t.errorRatio 100 }} % server errors for 5 minutes: check its logs and /health/dependencies."
        - alert: CourseHubConsumerLag
          expr: sum by (namespace, service, consumer_group, topic) (coursehub_kafka_consumer_lag{ {{- $ns -}} }) > {{ $t.consumerLag }}
          for: 10m
          labels:
            severity: warning
          annotations:
            summary: "{{ "{{ $labels.consumer_group }}" }} is {{ "{{ $value }}" }} events behind on {{ "{{ $labels.topic }}" }}"
            description: "Consumers do not keep up. More replicas help only up to the topic's partition count (see the topics manifest)."
        - alert: CourseHubPodRestarting
          expr: increase(kube_pod_container_status_restarts_total{ {{- $ns -}} ,container=~"auth|course|order|email"}[30m]) >= {{ $t.restarts }}
          labels:
            severity: warning
          annotations:
            summary: "{{ "{{ $labels.pod }}" }} restarted {{ "{{ $value }}" }} times in 30 minutes"
            description: "Crash loop or failing liveness probe: kubectl logs --previous {{ "{{ $labels.pod }}" }}."
{{- end }}
{{- end }}
