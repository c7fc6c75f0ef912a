#!/usr/bin/env bash
# Local Kubernetes control plane for development and tests (docs/local-cluster.md).
#
#   scripts/local-cluster.sh start | stop | status | kubeconfig | delete
#   scripts/local-cluster.sh nodes | add-node NAME [master|agent] [VERSION] | remove-node NAME
#   scripts/local-cluster.sh set-node-version NAME|--all VERSION
#   scripts/local-cluster.sh kubectl ARGS...
#   scripts/local-cluster.sh manifests DIR     (what start would create, written to DIR)
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
# Nodes report the version of the control plane built from toolchain/modules/kubernetes (its go.mod
# is the one pin), unless told otherwise.
node_version=${ASHK8S_NODE_VERSION:-$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$root/toolchain/modules/kubernetes/go.mod")}
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
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  else
    sed -n '4,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}/usage: /' >&2
  fi
  exit "${1:-0}"
}

# Settings validation and manifest rendering; port conflict checks (both use the settings above).
source "$root/scripts/local-cluster/manifests.sh"
source "$root/scripts/local-cluster/ports.sh"

external_mode() { [ -n "$external_kubeconfig" ]; }

control_plane=(etcd etcdctl kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl)

# Links an installed control plane (all of $control_plane on PATH, outside this checkout) into
# .toolchain/system-bin; fails when one is missing.
link_installed_control_plane() {
  local path b found
  path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -x -e "$root/.toolchain/bin" -e "$root/.toolchain/system-bin" | paste -sd: -)
  for b in "${control_plane[@]}"; do
    PATH=$path command -v "$b" >/dev/null || return 1
  done
  mkdir -p "$root/.toolchain/system-bin"
  for b in "${control_plane[@]}"; do
    found=$(PATH=$path command -v "$b")
    ln -sfn "$found" "$root/.toolchain/system-bin/$b"
  done
}

# The binaries: an installed control plane when kwokctl and friends are all on PATH (unless
# ASHK8S_TOOLCHAIN=build), else toolchain/build.sh (content-addressed cache; a no-op when built).
ensure_binaries() {
  local missing=() b
  if [ -z "${ASHK8S_TOOLCHAIN_BIN:-}" ]; then
    if [ "${ASHK8S_TOOLCHAIN:-auto}" != build ] && link_installed_control_plane; then
      bin=$root/.toolchain/system-bin
      log "using the installed control plane on PATH (${control_plane[*]}); ASHK8S_TOOLCHAIN=build builds ours instead"
    elif [ "${ASHK8S_TOOLCHAIN:-auto}" = system ]; then
      die "ASHK8S_TOOLCHAIN=system, but not all of ${control_plane[*]} are installed on PATH"
    else
      log "checking the toolchain (toolchain/build.sh etcd kubernetes kwok; a cold build takes 10-30 min)"
      "$root/toolchain/build.sh" etcd kubernetes kwok 2>&1 | sed 's/^/  /' >&2
    fi
  fi
  for b in "${control_plane[@]}"; do
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

# Waits until the controller manager and the scheduler started by this run hold their leader
# leases (acquired at or after $1, epoch seconds). After a warm start the leases of the previous
# processes are still held until they expire (15 s); until then no controller runs, so nothing
# fills ServiceAccount token Secrets or schedules pods, and callers that trust "running" fail.
wait_leaders() {
  local since=$1 started=$SECONDS next=0 c acquired
  for c in kube-controller-manager kube-scheduler; do
    while :; do
      acquired=$(k -n kube-system get lease "$c" -o 'jsonpath={.spec.acquireTime}' 2>/dev/null || true)
      if [ -n "$acquired" ] && [ "$(date -u -d "$acquired" +%s 2>/dev/null || echo 0)" -ge "$since" ]; then
        break
      fi
      [ $((SECONDS - started)) -ge "$timeout" ] && die "$c holds no fresh leader lease after ${timeout}s (lease acquired: ${acquired:-never}; see $workdir/logs/$c.log)"
      if [ $((SECONDS - started)) -ge "$next" ]; then
        log "  ... waiting for $c to take its leader lease (the previous holder's lasts 15 s)"
        next=$((next + 5))
      fi
      sleep 1
    done
  done
  log "controller manager and scheduler leading after $((SECONDS - started))s"
}

# Waits until the KWOK controller started by this run holds every node's lease (renewed at or after
# $1, epoch seconds): it runs pods only on the nodes whose leases it holds. A graceful stop deletes
# the leases, so it takes them at once; after a crash the dead controller's leases last up to their
# duration (200 s: kwok's default 40 s times its heartbeat factor 5), and until then pods stay
# Pending.
wait_nodes_managed() {
  local since=$1 started=$SECONDS next=0 nodes fresh stale limit=$((timeout > 240 ? timeout : 240))
  while :; do
    nodes=$(k get nodes --no-headers 2>/dev/null | wc -l)
    fresh=$(k -n kube-node-lease get leases -o 'jsonpath={range .items[*]}{.spec.renewTime}{"\n"}{end}' 2>/dev/null |
      awk -v since="$since" 'NF { cmd = "date -u -d " $1 " +%s"; cmd | getline t; close(cmd); if (t >= since) fresh++ }
        END { print fresh + 0 }')
    stale=$((nodes - fresh))
    [ "$stale" -le 0 ] && break
    [ $((SECONDS - started)) -ge "$limit" ] && die "the KWOK controller holds no fresh lease of $stale of $nodes nodes after ${limit}s (see $workdir/logs/kwok-controller.log)"
    if [ $((SECONDS - started)) -ge "$next" ]; then
      log "  ... waiting for the KWOK controller to take over $stale of $nodes nodes (after a crash the old node leases last up to 200 s)"
      next=$((next + 10))
    fi
    sleep 1
  done
  log "KWOK controller manages all $nodes nodes after $((SECONDS - started))s"
}

seed() {
  local i manifests=""
  log "creating StorageClass local-kwok (default) and $master_count master + $worker_count agent KWOK nodes ($node_version)"
  manifests=$(render storage-class.yaml)
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
  local started=$SECONDS since=0
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
    since=$(date -u +%s)
    log "starting the existing cluster '$name' from $state (warm start)"
    remove_stale_pid_files
    # The KWOK stages are read at every start: take the current template, not the one of the day
    # the cluster was created.
    render stages.yaml LB_IP_PREFIX "$lb_ip_prefix" >"$state/stages.yaml"
    kwokctl start cluster --name "$name" --timeout "${timeout}s"
    write_kubeconfig
    wait_readyz
  else
    since=$(date -u +%s)
    log "creating cluster '$name' in $state (cold start): etcd :$etcd_port, kube-apiserver :$apiserver_port"
    write_kwokctl_config
    settings >"$state/settings"
    kwokctl create cluster --name "$name" --config "$state/kwokctl.yaml" --kubeconfig "" --timeout "${timeout}s"
    write_kubeconfig
    wait_readyz
  fi
  [ -f "$state/seeded" ] || seed
  wait_nodes_ready
  wait_leaders "$since"
  wait_nodes_managed "$since"
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
    # They do not release their leases on exit (leader leases; KWOK's node leases): delete them
    # while the API server still runs, so the next start's controllers lead and manage the nodes
    # at once instead of after the leases expire.
    k -n kube-system delete lease kube-controller-manager kube-scheduler --ignore-not-found \
      --request-timeout=5s >/dev/null 2>&1 || true
    k -n kube-node-lease delete leases --all --request-timeout=5s >/dev/null 2>&1 || true
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
  [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$version': use a Kubernetes version like v1.34.4"
  [[ $target == --all || $target =~ ^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$ ]] || die "node name '$target': use a DNS name or --all"
  if [ "$target" = "--all" ]; then nodes=$(k get nodes -o name); else nodes="node/$target"; fi
  for n in $nodes; do
    k patch "$n" --subresource=status --type=merge \
      -p "{\"status\":{\"nodeInfo\":{\"kubeletVersion\":\"$version\",\"kubeProxyVersion\":\"$version\"}}}" >&2
  done
}

# Writes what start would create (kwokctl config, stages, StorageClass, one master and one agent
# Node) into DIR without starting anything: for review and for the tests.
cmd_manifests() {
  [ $# -eq 1 ] || usage 2
  local out=$1
  mkdir -p "$out"
  state=$out write_kwokctl_config
  render storage-class.yaml >"$out/storage-class.yaml"
  node_manifest k8s-master-00000000-0 master "$node_version" 10.244.0.0/24 10.240.255.5 >"$out/node-master.yaml"
  node_manifest "k8s-$node_pool-00000000-0" agent "$node_version" 10.244.3.0/24 10.240.0.4 >"$out/node-agent.yaml"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case "$cmd" in -h | --help | help | "") ;; *) check_settings ;; esac
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
    manifests) cmd_manifests "$@" ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 ;;
  esac
}

main "$@"
