# shellcheck shell=bash
# Two test hosts on one machine, for the multi-host tests (sourced, not run; README.md):
# two network namespaces joined by a veth pair, 10.231.0.1 and 10.231.0.2 (no other
# address), each naming both hosts in its /etc/hosts, and a way to run a command on a
# host with that host's name (its own UTS namespace).
#
#   hosts_up PREFIX  makes hosts PREFIX<pid>a and PREFIX<pid>b (arrays hosts, addrs, links):
#                    the test's pid, so two tests at once do not collide (veth names <= 15
#                    chars); first it removes the hosts of an earlier test with this PREFIX
#                    whose process is gone (a ctest timeout kills with SIGKILL: no cleanup)
#   hosts_run HOST COMMAND [ARG...]   runs COMMAND on HOST, as ssh HOST would
#   hosts_down [HOST...]  kills every process left on the hosts (these and the arrays'),
#                    removes the namespaces, the veth and the /etc/netns entries (safe to
#                    call twice, or before hosts_up)
# agent.sh next to this file is the same as hosts_run for Open MPI's plm_rsh_agent.

hosts=()
addrs=(10.231.0.1 10.231.0.2)
links=()  # the veth's two ends, on hosts[0] and hosts[1]

# Not `ip netns exec`: that mounts a sysfs of the namespace's own, without the cgroup
# hierarchies under /sys/fs/cgroup, and slurmd 22.05 then refuses to start ("Unable to
# initialize cgroup plugin"). Here the host sees the machine's mounts, /etc/hosts
# replaced by its own in a mount namespace of its own.
hosts_run() {
  local host=$1
  shift
  nsenter --net="/run/netns/$host" unshare --mount --uts sh -c \
    'mount --bind "/etc/netns/$0/hosts" /etc/hosts && hostname "$0" && exec "$@"' "$host" "$@"
}

hosts_down() {
  local h pids
  for h in "$@" "${hosts[@]}"; do
    # Processes left in a namespace (daemons, a failed check's job) are the test's own.
    pids=$(ip netns pids "$h" 2>/dev/null)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    # (until they are gone, so that their cgroups can be removed after this)
    for _ in $(seq 50); do [ -z "$(ip netns pids "$h" 2>/dev/null)" ] && break; sleep 0.1; done
    ip netns del "$h" 2>/dev/null
    rm -rf "/etc/netns/$h"
  done
  return 0
}

hosts_up() {
  local tag=$1$$ i h stale=()
  for h in $(ip netns list | awk '{print $1}'); do
    if [[ $h =~ ^$1([0-9]+)[ab]$ ]] && ! kill -0 "${BASH_REMATCH[1]}" 2>/dev/null; then stale+=("$h"); fi
  done
  if [ ${#stale[@]} -gt 0 ]; then
    echo "removing the hosts of a test that is gone: ${stale[*]}"
    hosts_down "${stale[@]}"
  fi
  hosts=("${tag}a" "${tag}b")
  links=("${tag}v0" "${tag}v1")
  # hosts_run bind-mounts /etc/netns/NAME/hosts over /etc/hosts.
  for i in 0 1; do
    ip netns add "${hosts[$i]}"
    ip -n "${hosts[$i]}" link set lo up
    mkdir -p "/etc/netns/${hosts[$i]}"
    printf '127.0.0.1 localhost\n%s %s\n%s %s\n' "${addrs[0]}" "${hosts[0]}" "${addrs[1]}" "${hosts[1]}" \
      >"/etc/netns/${hosts[$i]}/hosts"
  done
  ip link add "${links[0]}" netns "${hosts[0]}" type veth peer name "${links[1]}" netns "${hosts[1]}"
  for i in 0 1; do
    ip -n "${hosts[$i]}" addr add "${addrs[$i]}/24" dev "${links[$i]}"
    ip -n "${hosts[$i]}" link set "${links[$i]}" up
  done
}
