# shellcheck shell=bash
# Sourced by scripts/local-cluster.sh (uses its settings, log and die): validates the settings and
# renders the manifests of this folder.
# Static manifests live next to this script; values are filled into their __NAME__ placeholders by
# render, after check_settings has validated every one of them.
templates="$root/scripts/local-cluster"

# Refuses settings that are not what they claim to be before anything is written or started: every
# value below ends up in a YAML document or a JSON patch.
check_settings() {
  local problems="" v
  want() { # want VARIABLE VALUE REGEX DESCRIPTION
    [[ $2 =~ $3 ]] || problems+=$'\n'"  $1='$2': $4"
  }
  for v in "APISERVER_PORT:$apiserver_port" "ETCD_PORT:$etcd_port" "ETCD_PEER_PORT:$etcd_peer_port" \
    "CONTROLLER_MANAGER_PORT:$controller_manager_port" "SCHEDULER_PORT:$scheduler_port" "KWOK_PORT:$kwok_port"; do
    want "ASHK8S_${v%%:*}" "${v#*:}" '^[1-9][0-9]{0,4}$' "a TCP port number"
  done
  want ASHK8S_MASTER_COUNT "$master_count" '^[1-9]$' "a number of masters, 1-9"
  want ASHK8S_WORKER_COUNT "$worker_count" '^([0-9]|[1-4][0-9])$' "a number of agents, 0-49"
  want ASHK8S_NODE_VERSION "$node_version" '^v[0-9]+\.[0-9]+\.[0-9]+$' "a Kubernetes version like v1.34.4"
  want ASHK8S_NODE_POOL "$node_pool" '^[a-z][a-z0-9]{0,11}$' "an aks-engine pool name (^[a-z][a-z0-9]{0,11}$)"
  want ASHK8S_NODE_CPU "$node_cpu" '^[1-9][0-9]{0,3}$' "a whole number of CPUs"
  want ASHK8S_NODE_MEMORY "$node_memory" '^[1-9][0-9]{0,6}(Ki|Mi|Gi|Ti)$' "a memory quantity like 16Gi"
  want ASHK8S_NODE_PODS "$node_pods" '^[1-9][0-9]{0,3}$' "a whole number of pods"
  want ASHK8S_LB_IP_PREFIX "$lb_ip_prefix" '^(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})\.$' \
    "the first two octets of an IPv4 address with a trailing dot, like 172.30."
  want ASHK8S_SERVICE_CIDR "$service_cidr" '^([0-9]{1,3}\.){3}[0-9]{1,3}/(1[2-9]|2[0-4])$' "an IPv4 CIDR, /12 to /24"
  want ASHK8S_CLUSTER_NAME "$name" '^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$' "a DNS label"
  want ASHK8S_START_TIMEOUT "$timeout" '^[1-9][0-9]{0,4}$' "seconds"
  for v in "ASHK8S_TOOLCHAIN_BIN:$bin" "ASHK8S_CLUSTER_DIR:$state"; do
    want "${v%%:*}" "${v#*:}" '^/[^"\\[:cntrl:]]*$' "an absolute path without quotes, backslashes or control characters"
  done
  [ -z "$problems" ] || die "invalid settings (nothing was started):$problems"
}

# Prints a template with each __KEY__ replaced by its value (pairs of arguments) and full-line
# comments dropped; fails on a placeholder left unfilled. The replacement is quoted, so bash never
# treats & or \ in a value specially (and the values were validated anyway).
render() {
  local file=$templates/$1 text
  shift
  text=$(grep -v '^[[:space:]]*#' "$file")
  while [ $# -gt 1 ]; do
    text=${text//"__${1}__"/"$2"}
    shift 2
  done
  if [[ $text =~ __[A-Z_]+__ ]]; then die "template $file: placeholder ${BASH_REMATCH[0]} not filled"; fi
  printf '%s\n' "$text"
}

write_kwokctl_config() {
  mkdir -p "$state"
  render kwokctl.yaml APISERVER_PORT "$apiserver_port" ETCD_PORT "$etcd_port" \
    ETCD_PEER_PORT "$etcd_peer_port" CONTROLLER_MANAGER_PORT "$controller_manager_port" \
    SCHEDULER_PORT "$scheduler_port" KWOK_PORT "$kwok_port" BIN "$bin" \
    SERVICE_CIDR "$service_cidr" STAGES_FILE "$state/stages.yaml" >"$state/kwokctl.yaml"
  render stages.yaml LB_IP_PREFIX "$lb_ip_prefix" >"$state/stages.yaml"
}

# A Node object as aks-engine-azurestack would register it; KWOK keeps it Ready.
node_manifest() {
  local node=$1 role=$2 version=$3 pod_cidr=$4 ip=$5 label_key label_value taints
  [[ $node =~ ^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$ ]] || die "node name '$node': use a DNS name (lowercase letters, digits, '-', '.')"
  [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$version': use a Kubernetes version like v1.34.4"
  case "$role" in
    master | control-plane)
      role=master label_key=node-role.kubernetes.io/control-plane label_value=""
      taints='[{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]'
      ;;
    agent | worker) role=agent label_key=agentpool label_value=$node_pool taints='[]' ;;
    *) die "unknown role '$role' (master or agent)" ;;
  esac
  render node.yaml NODE "$node" ROLE "$role" ROLE_LABEL_KEY "$label_key" \
    ROLE_LABEL_VALUE "$label_value" POD_CIDR "$pod_cidr" TAINTS "$taints" IP "$ip" \
    CPU "$node_cpu" MEMORY "$node_memory" PODS "$node_pods" VERSION "$version"
}

