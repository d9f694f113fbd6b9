#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with the project's fixtures as seeds (the corpus itself is not
# committed). Run from anywhere; then e.g.
#   cargo +nightly fuzz run netstat -- -dict=netsift.dict -rss_limit_mb=256 -timeout=10
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
for t in netstat ss netstat_s proc_net netstat_i netstat_agn auto chunked views nstat snmp6 sockstat proc_net_dev proc_inet proc_unix fast_netstat ss_fast_row proc_net_fast; do
    mkdir -p "corpus/$t"
done
cp "$fixtures"/corpus/real/*netstat-neopa* "$fixtures"/corpus/real/*tulpn* "$fixtures"/insights/fixtures/netstat-neopa*.txt corpus/netstat/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*ss* "$fixtures"/insights/fixtures/ss-*.txt corpus/ss/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*netstat-s* "$fixtures"/insights/fixtures/netstat-s*.txt corpus/netstat_s/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*proc* "$fixtures"/insights/fixtures/proc-netstat*.txt corpus/proc_net/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*netstat-i* "$fixtures"/insights/fixtures/netstat-i.txt corpus/netstat_i/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*agn* "$fixtures"/insights/fixtures/netstat-agn.txt corpus/netstat_agn/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*proc_net_{tcp,udp,raw}* corpus/proc_inet/ 2>/dev/null || true
cp "$fixtures"/corpus/*/*proc_net_unix* corpus/proc_unix/ 2>/dev/null || true
cp "$fixtures"/captured/*nstat* corpus/nstat/
cp "$fixtures"/captured/*snmp6* "$fixtures"/corpus/procfs/*snmp6* corpus/snmp6/
cp "$fixtures"/captured/*sockstat* "$fixtures"/corpus/procfs/*sockstat* corpus/sockstat/
cp "$fixtures"/captured/*net-dev* "$fixtures"/corpus/procfs/*net_dev* "$fixtures"/corpus/jc/linux-proc_net_dev corpus/proc_net_dev/
cp corpus/netstat/* corpus/fast_netstat/
cp "$fixtures"/corpus/*/*proc-net-netstat* "$fixtures"/corpus/*/*proc-net-snmp.txt corpus/proc_net_fast/ 2>/dev/null || true
cp replay/ss_fast_row/* corpus/ss_fast_row/
for t in auto chunked views; do
    cp "$fixtures"/insights/fixtures/*.txt "$fixtures"/captured/*.txt "corpus/$t/"
done
echo "seeded: $(ls corpus/* | wc -l) files"
