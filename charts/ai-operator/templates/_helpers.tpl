{{- define "ai-operator.fullname" -}}
{{- printf "%s-ai-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ai-operator.serviceAccountName" -}}
{{- default (include "ai-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "ai-operator.labels" -}}
app.kubernetes.io/name: ai-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ai-operator.selectorLabels" -}}
app.kubernetes.io/name: ai-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
