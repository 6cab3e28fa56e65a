{{- define "cp.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "cp.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "cp.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "cp.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
{{- end -}}

{{/* Environment shared by every process: the ConfigMap, the Secret, the release. */}}
{{- define "cp.env" -}}
envFrom:
  - configMapRef: {name: {{ include "cp.fullname" . }}}
  - secretRef: {name: {{ .Values.secrets.name }}}
env:
  - {name: SENTRY_RELEASE, value: {{ .Values.image.tag | quote }}}
{{- end -}}

{{/* Writable scratch space under a read-only root: /tmp (beat's schedule, uploads in
progress) and the Prometheus multiprocess directory. */}}
{{- define "cp.volumes" -}}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}

{{- define "cp.volumeMounts" -}}
volumeMounts:
  - {name: tmp, mountPath: /tmp}
{{- end -}}
