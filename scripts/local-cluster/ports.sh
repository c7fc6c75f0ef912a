# shellcheck shell=bash
# Sourced by scripts/local-cluster.sh (uses its settings, log, die and running_components): finds who
# holds a port of the local control plane.
# Prints "pid program" (its argv[0]) of the process listening on port $1, nothing when free.
port_holder() {
  local line pid
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1) || return 0
  [ -n "$line" ] || return 0
  pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
  if [ -n "$pid" ]; then
    echo "$pid $(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1)"
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

