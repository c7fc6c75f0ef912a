#!/usr/bin/env bash
# Local Kubernetes control plane for development and tests (docs/local-cluster.md).
#
#   scripts/local-cluster.sh start | stop | status | kubeconfig | delete
#   scripts/local-cluster.sh nodes | add-node NAME [master|agent] [VERSION] | remove-node NAME
#   scripts/local-cluster.sh set-node-version NAME|--all VERSION
#   scripts/local-cluster.sh kubectl ARGS...
#
# Real etcd, kube-apiserver, kube-controller-manager and kube-scheduler (built from Go modules by
# toolchain/build.sh) run as local processes on 127.0.0.1, started by `kwokctl --runtime binary`;
# KWOK simulates the nodes (3 masters + 3 agents by default), makes pods Ready, binds PVCs of the
# default StorageClass `local-kwok` and gives LoadBalancer Services and Ingresses an address.
# Nothing is downloaded at run time. The kubeconfig is written to .local/kubeconfig.
# With ASHK8S_KUBECONFIG=<file> nothing is started: .local/kubeconfig points at that cluster.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

state=${ASHK8S_CLUSTER_DIR:-$root/.local/cluster}
local_kubeconfig=${ASHK8S_LOCAL_KUBECONFIG:-$root/.local/kubeconfig}
external_kubeconfig=${ASHK8S_KUBECONFIG:-}
name=${ASHK8S_CLUSTER_NAME:-ashk8s}
bin=${ASHK8S_TOOLCHAIN_BIN:-$root/.toolchain/bin}

apiserver_port=${ASHK8S_APISERVER_PORT:-16443}
etcd_port=${ASHK8S_ETCD_PORT:-16379}
etcd_peer_port=${ASHK8S_ETCD_PEER_PORT:-16380}
controller_manager_port=${ASHK8S_CONTROLLER_MANAGER_PORT:-16257}
scheduler_port=${ASHK8S_SCHEDULER_PORT:-16259}
kwok_port=${ASHK8S_KWOK_PORT:-16247}

master_count=${ASHK8S_MASTER_COUNT:-3}
worker_count=${ASHK8S_WORKER_COUNT:-3}
node_version=${ASHK8S_NODE_VERSION:-v1.34.4}
node_pool=${ASHK8S_NODE_POOL:-linuxpool}
node_cpu=${ASHK8S_NODE_CPU:-4}
node_memory=${ASHK8S_NODE_MEMORY:-16Gi}
node_pods=${ASHK8S_NODE_PODS:-110}
lb_ip_prefix=${ASHK8S_LB_IP_PREFIX:-172.30.}
service_cidr=${ASHK8S_SERVICE_CIDR:-10.0.0.0/16}
timeout=${ASHK8S_START_TIMEOUT:-180}

# kwokctl keeps everything (config, PKI, etcd data, logs, pid files) under its work dir.
export KWOK_WORKDIR="$state/kwok"
workdir="$KWOK_WORKDIR/clusters/$name"
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  if [ "${1:-0}" -eq 0 ]; then
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  else
    sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}/usage: /' >&2
  fi
  exit "${1:-0}"
}

external_mode() { [ -n "$external_kubeconfig" ]; }

# The binaries come from toolchain/build.sh (content-addressed cache; a no-op when already built).
ensure_binaries() {
  local missing=() b
  if [ -z "${ASHK8S_TOOLCHAIN_BIN:-}" ]; then
    log "checking the toolchain (toolchain/build.sh etcd kubernetes kwok; a cold build takes 10-30 min)"
    "$root/toolchain/build.sh" etcd kubernetes kwok 2>&1 | sed 's/^/  /' >&2
  fi
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl; do
    [ -x "$bin/$b" ] || missing+=("$b")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing binaries in $bin: ${missing[*]} (run toolchain/build.sh etcd kubernetes kwok)"
  export PATH="$bin:$PATH" # kwokctl looks kubectl up on PATH
}

k() { "$bin/kubectl" --kubeconfig "$local_kubeconfig" "$@"; }

# Runs kwokctl, turning its JSON log lines into short progress lines.
kwokctl() {
  "$bin/kwokctl" "$@" 2>&1 |
    sed -E 's/^\{.*"level":"([A-Z]+)".*"msg":"([^"]*)"(.*"human":"([^"]*)")?.*$/  kwokctl: \2 \4/; s/^([^ ])/  \1/' >&2
}

cluster_exists() { [ -f "$workdir/kwok.yaml" ]; }

# True while a process exists and is not a zombie (kwokctl detaches the components, so once they
# exit they are reaped by init, not by us).
alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $st != Z* ]]
}

# Prints "name pid" for every component whose pid file names a live process.
running_components() {
  local c pid
  for c in "${components[@]}"; do
    [ -f "$workdir/pids/$c.pid" ] || continue
    pid=$(cat "$workdir/pids/$c.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && alive "$pid"; then
      echo "$c $pid"
    fi
  done
}

# kwokctl takes a pid file of a dead (or zombie) process for a running component: drop those.
remove_stale_pid_files() {
  local c pid
  for c in "${components[@]}"; do
    pid=$(cat "$workdir/pids/$c.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && ! alive "$pid"; then rm -f "$workdir/pids/$c.pid"; fi
  done
}

# Component processes without (or with a stale) pid file: kwokctl runs every component from
# $workdir/bin/<name>, so they are recognised by their executable path.
stray_pids() {
  local pid args
  while read -r pid args; do
    case "$args" in "$workdir/bin/"*) echo "$pid" ;; esac
  done < <(ps -eo pid=,args=)
}

# Prints "pid args" of the process listening on 127.0.0.1:$1 (or any address), nothing when free.
port_holder() {
  local line pid
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1) || return 0
  [ -n "$line" ] || return 0
  pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
  if [ -n "$pid" ]; then
    echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  else
    echo "? (owner not visible to this user)"
  fi
}

# Refuses to start when a port of this cluster is taken by a process that is not one of ours,
# naming the process and, when it is another checkout's local control plane, that checkout and
# how to stop it (instead of a raw "bind: address already in use" from deep inside kube-apiserver).
check_ports_free() {
  command -v ss >/dev/null || return 0 # no iproute2: kube-apiserver's own error will have to do
  local ours port label holder pid args other problems=""
  ours=" $(running_components | awk '{print $2}' | tr '\n' ' ') "
  for port in "apiserver:$apiserver_port" "etcd:$etcd_port" "etcd-peer:$etcd_peer_port" \
    "controller-manager:$controller_manager_port" "scheduler:$scheduler_port" "kwok:$kwok_port"; do
    label=${port%%:*} port=${port#*:}
    holder=$(port_holder "$port")
    [ -n "$holder" ] || continue
    pid=${holder%% *} args=${holder#* }
    [[ $ours == *" $pid "* ]] && continue
    problems+=$'\n'"  port $port ($label) is in use by pid $pid: $args"
    case "$args" in
      */.local/cluster/kwok/clusters/*) other=${args%%/.local/cluster/kwok/clusters/*} ;;
    esac
  done
  [ -n "$problems" ] || return 0
  log "error: cannot start the local control plane: its ports are taken$problems"
  if [ -n "${other:-}" ] && [ "$other" != "$root" ]; then
    log "they belong to the local control plane of another checkout: $other"
    log "stop it there with:  (cd '$other' && npm run demo:down)   or   '$other/scripts/local-cluster.sh' stop"
  elif [ -n "${other:-}" ]; then
    log "they belong to this checkout's own control plane, running from another state directory"
  fi
  log "or give this one other ports, e.g. ASHK8S_APISERVER_PORT=26443 ASHK8S_ETCD_PORT=26379 ASHK8S_ETCD_PEER_PORT=26380"
  log "ASHK8S_CONTROLLER_MANAGER_PORT=26257 ASHK8S_SCHEDULER_PORT=26259 ASHK8S_KWOK_PORT=26247 (docs/local-cluster.md)"
  exit 1
}

readyz() { "$bin/kubectl" --kubeconfig "$workdir/kubeconfig.yaml" get --raw /readyz >/dev/null 2>&1; }

wait_readyz() {
  local started=$SECONDS next=0
  log "waiting for https://127.0.0.1:$apiserver_port/readyz"
  until readyz; do
    if [ $((SECONDS - started)) -ge "$timeout" ] || [[ $'\n'$(running_components) != *$'\n'"kube-apiserver "* ]]; then
      log "kube-apiserver log tail ($workdir/logs/kube-apiserver.log):"
      tail -n 20 "$workdir/logs/kube-apiserver.log" >&2 2>/dev/null || true
      die "API server not ready after $((SECONDS - started))s (see $workdir/logs)"
    fi
    if [ $((SECONDS - started)) -ge "$next" ]; then
      log "  ... not ready yet ($((SECONDS - started))s)"
      next=$((next + 5))
    fi
    sleep 1
  done
  log "API server ready after $((SECONDS - started))s"
}

write_kubeconfig() {
  mkdir -p "$(dirname "$local_kubeconfig")"
  rm -f "$local_kubeconfig.tmp"
  "$bin/kubectl" config view --kubeconfig "$workdir/kubeconfig.yaml" --flatten --raw >"$local_kubeconfig.tmp"
  chmod 600 "$local_kubeconfig.tmp"
  mv -f "$local_kubeconfig.tmp" "$local_kubeconfig"
}

settings() {
  printf 'name=%s apiserver=%s etcd=%s/%s controller-manager=%s scheduler=%s kwok=%s\n' \
    "$name" "$apiserver_port" "$etcd_port" "$etcd_peer_port" "$controller_manager_port" "$scheduler_port" "$kwok_port"
}

# kwokctl configuration: local binaries only (no download), fixed ports, 127.0.0.1, RBAC and the
# default admission plugins (DefaultStorageClass, ServiceAccount, ...), plus our extra KWOK stages.
write_kwokctl_config() {
  mkdir -p "$state"
  cat >"$state/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeApiserverPort: $apiserver_port
  etcdPort: $etcd_port
  etcdPeerPort: $etcd_peer_port
  kubeControllerManagerPort: $controller_manager_port
  kubeSchedulerPort: $scheduler_port
  kwokControllerPort: $kwok_port
  kubeAuthorization: true
  kubeAdmission: true
  quietPull: true
  etcdBinary: $bin/etcd
  kubeApiserverBinary: $bin/kube-apiserver
  kubeControllerManagerBinary: $bin/kube-controller-manager
  kubeSchedulerBinary: $bin/kube-scheduler
  kubectlBinary: $bin/kubectl
  kwokControllerBinary: $bin/kwok
  etcdctlBinary: $bin/etcdctl
componentsPatches:
- name: kube-apiserver
  extraArgs:
  - key: service-cluster-ip-range
    value: $service_cidr
- name: kwok-controller
  extraArgs:
  - key: config
    value: $state/stages.yaml
EOF
  write_stages
}

# Extra KWOK stages, loaded by the kwok controller next to kwokctl's default node and pod stages:
# - a fake volume provisioner for StorageClass local-kwok (adapted from KWOK's kustomize/stage/volume):
#   a PVC of that class gets a hostPath PV (never written to) created, bound and deleted with it;
# - LoadBalancer Services get status.loadBalancer.ingress[0].ip = $lb_ip_prefix<last 2 octets of the
#   clusterIP> (unique, as cluster IPs come from a /16), e.g. 10.0.12.34 -> 172.30.12.34;
# - Ingresses get status.loadBalancer.ingress[0].ip = ${lb_ip_prefix}0.1 (10.0.0.1 is the
#   `kubernetes` Service, never a LoadBalancer, so this address is not used by a Service).
write_stages() {
  cat >"$state/stages.yaml" <<'EOF'
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: local-kwok-pvc-provision
spec:
  resourceRef:
    apiGroup: v1
    kind: PersistentVolumeClaim
  selector:
    matchExpressions:
    - cel:
        expression: self.spec.storageClassName == 'local-kwok'
    - cel:
        expression: '!has(self.metadata.deletionTimestamp)'
    - cel:
        expression: '!has(self.spec.volumeName)'
    - cel:
        expression: self.status.phase != 'Bound'
  steps:
  - apply:
      template: |
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pvc-{{ .metadata.uid }}
          annotations:
            pv.kubernetes.io/provisioned-by: kwok.x-k8s.io/volume
        spec:
          accessModes:
          {{ YAML .spec.accessModes 2 }}
          capacity:
          {{ YAML .spec.resources.requests 2 }}
          persistentVolumeReclaimPolicy: Delete
          storageClassName: {{ .spec.storageClassName | Quote }}
          volumeMode: {{ default "Filesystem" .spec.volumeMode | Quote }}
          claimRef:
            apiVersion: v1
            kind: PersistentVolumeClaim
            name: {{ .metadata.name | Quote }}
            namespace: {{ .metadata.namespace | Quote }}
            resourceVersion: {{ .metadata.resourceVersion | Quote }}
            uid: {{ .metadata.uid | Quote }}
          hostPath:
            path: /tmp/local-kwok/pvc-{{ .metadata.uid }}
            type: DirectoryOrCreate
  - patch:
      root: metadata
      template: |
        annotations:
          pv.kubernetes.io/bind-completed: "yes"
          pv.kubernetes.io/bound-by-controller: "yes"
          volume.beta.kubernetes.io/storage-provisioner: kwok.x-k8s.io/volume
          volume.kubernetes.io/storage-provisioner: kwok.x-k8s.io/volume
  - patch:
      root: spec
      template: |
        volumeName: pvc-{{ .metadata.uid }}
  - patch:
      root: status
      subresource: status
      template: |
        phase: Bound
        accessModes:
        {{ YAML .spec.accessModes 1 }}
        capacity:
        {{ YAML .spec.resources.requests 1 }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: local-kwok-pv-bind
spec:
  resourceRef:
    apiGroup: v1
    kind: PersistentVolume
  selector:
    matchExpressions:
    - cel:
        expression: self.spec.storageClassName == 'local-kwok'
    - cel:
        expression: '!has(self.metadata.deletionTimestamp)'
    - cel:
        expression: has(self.spec.claimRef.name)
    - cel:
        expression: '!(self.status.phase in [''Bound'', ''Released'', ''Failed''])'
  steps:
  - patch:
      root: status
      subresource: status
      template: |
        phase: Bound
        lastPhaseTransitionTime: {{ Now | Quote }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: local-kwok-pvc-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: PersistentVolumeClaim
  selector:
    matchExpressions:
    - cel:
        expression: self.spec.storageClassName == 'local-kwok'
    - cel:
        expression: has(self.metadata.deletionTimestamp)
    - cel:
        expression: has(self.spec.volumeName)
  steps:
  - apply:
      subresource: status
      type: merge
      template: |
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: {{ .spec.volumeName | Quote }}
        status:
          phase: Released
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: local-kwok-pv-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: PersistentVolume
  selector:
    matchExpressions:
    - cel:
        expression: self.spec.storageClassName == 'local-kwok'
    - cel:
        expression: '!has(self.metadata.deletionTimestamp)'
    - cel:
        expression: self.spec.persistentVolumeReclaimPolicy == 'Delete'
    - cel:
        expression: self.status.phase == 'Released'
  steps:
  - delete: true
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: service-load-balancer
spec:
  resourceRef:
    apiGroup: v1
    kind: Service
  selector:
    matchExpressions:
    - key: .spec.type
      operator: In
      values:
      - LoadBalancer
    - key: .metadata.deletionTimestamp
      operator: DoesNotExist
    - key: .status.loadBalancer.ingress
      operator: DoesNotExist
  steps:
  - patch:
      root: status
      subresource: status
      template: |
        loadBalancer:
          ingress:
          {{ $ip := splitList "." .spec.clusterIP }}
          - ip: {{ printf "LB_IP_PREFIX%s.%s" (index $ip 2) (index $ip 3) | Quote }}
            ipMode: VIP
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: ingress-load-balancer
spec:
  resourceRef:
    apiGroup: networking.k8s.io/v1
    kind: Ingress
  selector:
    matchExpressions:
    - key: .metadata.deletionTimestamp
      operator: DoesNotExist
    - key: .status.loadBalancer.ingress
      operator: DoesNotExist
  steps:
  - patch:
      root: status
      subresource: status
      template: |
        loadBalancer:
          ingress:
          - ip: "LB_IP_PREFIX0.1"
EOF
  sed -i "s/LB_IP_PREFIX/$lb_ip_prefix/g" "$state/stages.yaml"
}

# A Node object as aks-engine-azurestack would register it; KWOK keeps it Ready.
node_manifest() {
  local node=$1 role=$2 version=$3 pod_cidr=$4 ip=${5:-}
  local role_labels taints="" addresses=""
  case "$role" in
    master | control-plane)
      role_labels='    kubernetes.io/role: master
    kubernetes.azure.com/role: master
    node-role.kubernetes.io/master: ""
    node-role.kubernetes.io/control-plane: ""'
      taints='  taints:
  - key: node-role.kubernetes.io/control-plane
    effect: NoSchedule'
      ;;
    agent | worker)
      role_labels="    kubernetes.io/role: agent
    kubernetes.azure.com/role: agent
    node-role.kubernetes.io/agent: \"\"
    agentpool: $node_pool"
      ;;
    *) die "unknown role '$role' (master or agent)" ;;
  esac
  if [ -n "$ip" ]; then
    addresses="  addresses:
  - type: InternalIP
    address: $ip
  - type: Hostname
    address: $node"
  fi
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $node
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    beta.kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: Standard_D4s_v3
    topology.kubernetes.io/region: local
$role_labels
spec:
  podCIDR: $pod_cidr
  podCIDRs:
  - $pod_cidr
$taints
status:
$addresses
  allocatable:
    cpu: "$node_cpu"
    memory: $node_memory
    pods: "$node_pods"
    ephemeral-storage: 100Gi
  capacity:
    cpu: "$node_cpu"
    memory: $node_memory
    pods: "$node_pods"
    ephemeral-storage: 100Gi
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    osImage: Ubuntu 22.04.5 LTS
    kernelVersion: 5.15.0-kwok
    containerRuntimeVersion: containerd://1.7.27
    kubeletVersion: $version
    kubeProxyVersion: $version
EOF
}

storage_class_manifest() {
  cat <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-kwok
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kwok.x-k8s.io/volume
reclaimPolicy: Delete
volumeBindingMode: Immediate
allowVolumeExpansion: true
EOF
}

wait_nodes_ready() {
  local started=$SECONDS next=0 total ready
  total=$(k get nodes --no-headers 2>/dev/null | wc -l)
  while :; do
    ready=$(k get nodes --no-headers 2>/dev/null | awk '$2 == "Ready" || $2 ~ /^Ready,/' | wc -l)
    [ "$ready" -ge "$total" ] && break
    [ $((SECONDS - started)) -ge "$timeout" ] && die "only $ready/$total nodes Ready after ${timeout}s"
    if [ $((SECONDS - started)) -ge "$next" ]; then
      log "  ... $ready/$total nodes Ready"
      next=$((next + 5))
    fi
    sleep 1
  done
  log "$ready/$total nodes Ready"
}

seed() {
  local i manifests=""
  log "creating StorageClass local-kwok (default) and $master_count master + $worker_count agent KWOK nodes ($node_version)"
  manifests=$(storage_class_manifest)
  for ((i = 0; i < master_count; i++)); do
    manifests+=$'\n---\n'$(node_manifest "k8s-master-00000000-$i" master "$node_version" "10.244.$i.0/24" "10.240.255.$((5 + i))")
  done
  for ((i = 0; i < worker_count; i++)); do
    manifests+=$'\n---\n'$(node_manifest "k8s-$node_pool-00000000-$i" agent "$node_version" "10.244.$((master_count + i)).0/24" "10.240.0.$((4 + i))")
  done
  printf '%s\n' "$manifests" | k apply -f - | sed 's/^/  /' >&2
  touch "$state/seeded"
}

cmd_start() {
  if external_mode; then
    [ -f "$external_kubeconfig" ] || die "ASHK8S_KUBECONFIG=$external_kubeconfig does not exist"
    mkdir -p "$(dirname "$local_kubeconfig")"
    ln -sfn "$(cd "$(dirname "$external_kubeconfig")" && pwd)/$(basename "$external_kubeconfig")" "$local_kubeconfig"
    log "ASHK8S_KUBECONFIG is set: not starting a local cluster; $local_kubeconfig -> $external_kubeconfig"
    return 0
  fi
  local started=$SECONDS
  [ -L "$local_kubeconfig" ] && rm -f "$local_kubeconfig" # left over from an external cluster
  if ! cluster_exists || [ "$(running_components | wc -l)" -ne ${#components[@]} ]; then
    check_ports_free
  fi
  ensure_binaries
  if cluster_exists && [ -f "$state/settings" ] && [ "$(cat "$state/settings")" != "$(settings)" ]; then
    log "warning: the cluster in $state was created with: $(cat "$state/settings")"
    log "warning: the environment now asks for:         $(settings)"
    log "warning: ports of an existing cluster do not change; run '$0 delete' first to recreate it"
  fi
  if cluster_exists && [ "$(running_components | wc -l)" -eq ${#components[@]} ]; then
    write_kubeconfig
    if readyz; then
      log "already running (API server https://127.0.0.1:$apiserver_port); kubeconfig: $local_kubeconfig"
      return 0
    fi
    wait_readyz
  elif cluster_exists; then
    log "starting the existing cluster '$name' from $state (warm start)"
    remove_stale_pid_files
    kwokctl start cluster --name "$name" --timeout "${timeout}s"
    write_kubeconfig
    wait_readyz
  else
    log "creating cluster '$name' in $state (cold start): etcd :$etcd_port, kube-apiserver :$apiserver_port"
    write_kwokctl_config
    settings >"$state/settings"
    kwokctl create cluster --name "$name" --config "$state/kwokctl.yaml" --kubeconfig "" --timeout "${timeout}s"
    write_kubeconfig
    wait_readyz
  fi
  [ -f "$state/seeded" ] || seed
  wait_nodes_ready
  log "cluster '$name' running after $((SECONDS - started))s: export KUBECONFIG=$local_kubeconfig"
}

# Sends TERM to the named components and waits up to 15 s for them to exit.
stop_gracefully() {
  local c pid pids="" waited=0
  for c in "$@"; do
    pid=$(cat "$workdir/pids/$c.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && alive "$pid"; then
      kill "$pid" 2>/dev/null || true
      pids+="$pid "
    fi
  done
  while [ $waited -lt 15 ]; do
    local left=""
    for pid in $pids; do alive "$pid" && left+="$pid "; done
    [ -z "$left" ] && return 0
    [ $waited -eq 5 ] && log "  ... waiting for $* to exit"
    waited=$((waited + 1))
    sleep 1
  done
}

cmd_stop() {
  if external_mode; then
    log "ASHK8S_KUBECONFIG is set: nothing to stop (the cluster behind $external_kubeconfig is not managed here)"
    return 0
  fi
  local pids pid left waited=0
  pids=$( (running_components | awk '{print $2}'; stray_pids) | sort -u)
  if ! cluster_exists; then
    log "no local cluster in $state"
  elif [ -z "$pids" ]; then
    log "cluster '$name' is not running"
  else
    log "stopping cluster '$name' (pids $(tr '\n' ' ' <<<"$pids"))"
    # Graceful first (kwokctl stop sends KILL): clients of the API server, then it, then etcd.
    stop_gracefully kwok-controller kube-scheduler kube-controller-manager
    stop_gracefully kube-apiserver
    stop_gracefully etcd
    kwokctl stop cluster --name "$name" || true # removes the pid files, kills anything left
  fi
  # Wait until every component has exited; TERM then KILL whatever is left (ours: found through our
  # pid files or because it runs a binary from this cluster's bin folder).
  while :; do
    left=""
    for pid in $pids $(stray_pids); do
      alive "$pid" && left+="$pid "
    done
    [ -z "$left" ] && break
    case $waited in
      0) ;;
      5) log "  ... waiting for $left to exit" ;;
      10)
        log "  sending TERM to $left"
        for pid in $left; do kill "$pid" 2>/dev/null || true; done
        ;;
      20)
        log "  sending KILL to $left"
        for pid in $left; do kill -9 "$pid" 2>/dev/null || true; done
        ;;
      30) die "processes still alive: $left" ;;
    esac
    waited=$((waited + 1))
    sleep 1
  done
  log "stopped: no cluster process left"
}

cmd_delete() {
  cmd_stop
  external_mode && return 0
  if [ -x "$bin/kwokctl" ] && cluster_exists; then
    kwokctl delete cluster --name "$name" || true
  fi
  rm -rf "$state"
  [ -L "$local_kubeconfig" ] || rm -f "$local_kubeconfig"
  log "deleted $state (the next start is a cold start)"
}

cmd_status() {
  if external_mode; then
    log "external cluster: ASHK8S_KUBECONFIG=$external_kubeconfig"
    local kubectl=$bin/kubectl
    [ -x "$kubectl" ] || kubectl=kubectl
    "$kubectl" --kubeconfig "$external_kubeconfig" --request-timeout=10s version 2>&1 || true
    return 0
  fi
  if ! cluster_exists; then
    log "no local cluster in $state (run: $0 start)"
    return 3
  fi
  local running
  running=$(running_components)
  log "cluster '$name' in $state ($(cat "$state/settings" 2>/dev/null))"
  local c
  for c in "${components[@]}"; do
    if grep -q "^$c " <<<"$running"; then
      log "  $c: running (pid $(grep "^$c " <<<"$running" | cut -d' ' -f2))"
    else
      log "  $c: stopped"
    fi
  done
  if [ -n "$running" ] && readyz; then
    log "API server https://127.0.0.1:$apiserver_port ready; kubeconfig: $local_kubeconfig"
    k get nodes -o wide >&2 || true
    return 0
  fi
  log "not running (run: $0 start)"
  return 3
}

cmd_kubeconfig() {
  if external_mode; then
    cmd_start
  elif cluster_exists; then
    write_kubeconfig
  else
    die "no local cluster in $state (run: $0 start)"
  fi
  echo "$local_kubeconfig"
}

need_running() {
  [ -f "$local_kubeconfig" ] || die "no kubeconfig at $local_kubeconfig (run: $0 start)"
}

cmd_add_node() {
  [ $# -ge 1 ] || usage 2
  need_running
  local node=$1 role=${2:-agent} version=${3:-$node_version} cidr
  cidr=$(k get node "$node" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
  if [ -z "$cidr" ]; then # next free 10.244.N.0/24 (pod IPs that KWOK hands out on this node)
    cidr="10.244.$(($( (k get nodes -o jsonpath='{range .items[*]}{.spec.podCIDR}{"\n"}{end}' |
      awk -F. '/^10\.244\./ {print $3}'; echo -1) | sort -n | tail -1) + 1)).0/24"
  fi
  # InternalIP 10.240.1.<N+4> for pod CIDR 10.244.N.0/24 (the seeded nodes use 10.240.0.x/10.240.255.x)
  node_manifest "$node" "$role" "$version" "$cidr" "10.240.1.$(($(cut -d. -f3 <<<"$cidr") % 250 + 4))" |
    k apply -f - >&2
  log "node $node ($role, kubelet $version) added; KWOK marks it Ready within seconds"
}

cmd_remove_node() {
  [ $# -ge 1 ] || usage 2
  need_running
  k delete node "$@" --wait=true >&2
}

cmd_set_node_version() {
  [ $# -eq 2 ] || usage 2
  need_running
  local target=$1 version=$2 n nodes
  if [ "$target" = "--all" ]; then nodes=$(k get nodes -o name); else nodes="node/$target"; fi
  for n in $nodes; do
    k patch "$n" --subresource=status --type=merge \
      -p "{\"status\":{\"nodeInfo\":{\"kubeletVersion\":\"$version\",\"kubeProxyVersion\":\"$version\"}}}" >&2
  done
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    delete) cmd_delete ;;
    status) cmd_status ;;
    kubeconfig) cmd_kubeconfig ;;
    nodes) need_running && k get nodes -L kubernetes.io/role,agentpool -o wide ;;
    add-node) cmd_add_node "$@" ;;
    remove-node) cmd_remove_node "$@" ;;
    set-node-version) cmd_set_node_version "$@" ;;
    kubectl) need_running && k "$@" ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 ;;
  esac
}

main "$@"
