#!/usr/bin/env bash
# Open MPI's launch agent for the test hosts (--mca plm_rsh_agent): `agent.sh HOST
# COMMAND...` runs COMMAND on HOST where mpirun would run `ssh HOST COMMAND...`
# (ssh, too, hands the remote shell one string).
# shellcheck source=tests/multihost/hosts.sh
source "$(dirname "$0")/hosts.sh"
host=$1
shift
hosts_run "$host" sh -c "$*"
