{{/* Chart name, truncated to 63 characters (a DNS label). */}}
{{- define "routine-load-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "routine-load-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "routine-load-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "routine-load-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "routine-load-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "routine-load-operator.labels" -}}
helm.sh/chart: {{ include "routine-load-operator.chart" . }}
{{ include "routine-load-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: routine-load-operator
{{- end -}}

{{/* Labels of the CRDs: the ones crds/ carries, plus Helm's. */}}
{{- define "routine-load-operator.crdLabels" -}}
app.kubernetes.io/name: routine-load-operator
app.kubernetes.io/part-of: routine-load-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "routine-load-operator.chart" . }}
{{- end -}}

{{- define "routine-load-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "routine-load-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "routine-load-operator.leaseName" -}}
{{- default (include "routine-load-operator.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{- define "routine-load-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Rendering-time checks: combinations that would break the operator or the cluster. */}}
{{- define "routine-load-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) -}}
{{- fail "replicaCount > 1 needs leaderElection.enabled=true (otherwise every replica acts on StarRocks)" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (lt (int .Values.replicaCount) 2) -}}
{{- fail "podDisruptionBudget.enabled needs replicaCount >= 2 (with one replica the PDB blocks node drains)" -}}
{{- end -}}
{{- if and .Values.shards (not .Values.leaderElection.enabled) -}}
{{- fail "shards need leaderElection.enabled=true (shards know each other through their Leases)" -}}
{{- end -}}
{{- range .Values.shards -}}
{{- if not (and .name .selector) -}}
{{- fail "every shard needs a name and a selector" -}}
{{- end -}}
{{- end -}}
{{- if le (int .Values.leaderElection.leaseDurationSeconds) (int .Values.leaderElection.renewDeadlineSeconds) -}}
{{- fail "leaderElection.renewDeadlineSeconds must be shorter than leaseDurationSeconds" -}}
{{- end -}}
{{- if le (int .Values.leaderElection.renewDeadlineSeconds) (int .Values.leaderElection.retryPeriodSeconds) -}}
{{- fail "leaderElection.retryPeriodSeconds must be shorter than renewDeadlineSeconds" -}}
{{- end -}}
{{- end -}}

{{/*
The rules the operator needs in every namespace it watches (docs/rbac.md explains each one; a test removes each
rule in turn and shows what breaks). Nothing else: no get (the caches come from list+watch), no update, no
delete, and no write to spec.
*/}}
{{- define "routine-load-operator.watchRules" -}}
# Cache of the jobs it manages (informer: list + watch).
- apiGroups: [routineload.dev]
  resources: [routineloadjobs]
  verbs: [list, watch]
# Adds and removes its finalizer (merge patch of metadata.finalizers; never spec).
- apiGroups: [routineload.dev]
  resources: [routineloadjobs]
  verbs: [patch]
# Writes the jobs' status.
- apiGroups: [routineload.dev]
  resources: [routineloadjobs/status]
  verbs: [patch]
# Cache of the connections the jobs reference.
- apiGroups: [routineload.dev]
  resources: [starrocksconnections]
  verbs: [list, watch]
# Writes the connections' status (reachable, version, backends).
- apiGroups: [routineload.dev]
  resources: [starrocksconnections/status]
  verbs: [patch]
# Cache of the Secrets with StarRocks and Kafka credentials (read only).
- apiGroups: [""]
  resources: [secrets]
  verbs: [list, watch]
# Events on the jobs (create; patch bumps the count of a repeated event).
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* Leader election, in the release namespace only. */}}
{{- define "routine-load-operator.leaseRules" -}}
# The first replica creates the Lease (create cannot be limited to a name).
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [create]
# Reads and renews (or takes over) this release's Lease only; with shards, one Lease per shard (a shard reads the
# others' to tell whether the shard holding a job's claim is still there).
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  resourceNames:
  {{- $lease := include "routine-load-operator.leaseName" . }}
  {{- range $shard := (.Values.shards | default (list dict)) }}
  - {{ printf "%s%s" $lease (ternary (printf "-%s" ($shard.name | default "")) "" (not (empty $shard.name))) | quote }}
  {{- end }}
  verbs: [get, update]
{{- end -}}
