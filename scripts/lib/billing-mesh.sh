# shellcheck shell=bash
# The billing benchmarks' mesh (scripts/bench-billing.sh, scripts/profile-billing.sh). Source it after deps.sh,
# postgres.sh and mesh.sh, then:
#   billing_mesh_start DIR — builds BillingBench (release), starts the mesh in DIR (release, mesh_start) and sets
#                            bench (BillingBench's binary), certs (the mesh's dev certificates) and port
#                            (billing-service's Wire port: of the TCP ports its process listens on, the one that
#                            is not its `/metrics` listener).
billing_mesh_start() {
    local dir=$1 billing_pid
    swift build -c release --product BillingBench >&2
    bench=$(swift build -c release --show-bin-path)/BillingBench
    mesh_start "$dir" release
    certs="$dir/purrpurr/certs"
    billing_pid=$(head -n 1 "$dir/purrpurr/run/billing.pid")
    port=
    local candidate
    for candidate in $(ss -Hltnp | awk -v pid="pid=$billing_pid," 'index($0, pid) {n = split($4, a, ":"); print a[n]}'); do
        curl -fsm 2 "http://127.0.0.1:$candidate/metrics" >/dev/null 2>&1 || { port=$candidate; break; }
    done
    [ -n "$port" ] || { echo "billing-mesh: no Wire port found for billing-service (pid $billing_pid)" >&2; return 1; }
}
