#!/usr/bin/env bash
# bench/thread-cpu.sh PID DELAY SECONDS: CPU (utime+stime) of one JVM's threads over SECONDS, starting
# after DELAY, grouped by thread name (from jcmd Thread.print, numbers folded: "C2 CompilerThreadN").
# Read-only (/proc + one jcmd), bounded by DELAY+SECONDS; run.sh uses it to see where a handshake run's CPU goes.
set -u
pid=$1; delay=$2; secs=$3
JCMD=${JCMD:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd}
snap() { local t s r; for t in /proc/$pid/task/*; do
  s=$(cat "$t/stat" 2>/dev/null) || continue
  r=${s##*) }; set -- $r; echo "${t##*/} $(( ${12} + ${13} ))"
done; }
sleep "$delay"
a=$(snap); sleep "$secs"; b=$(snap)
# JDK 21+ prints nid in decimal (older JDKs: 0x hex)
names=$("$JCMD" "$pid" Thread.print 2>/dev/null | grep -E '^".*nid=' | while IFS= read -r l; do
  n=${l#\"}; n=${n%%\"*}; n=$(echo "$n" | sed -E 's/[0-9]+$/N/'); h=${l##*nid=}; h=${h%% *}; printf '%d\t%s\n' "$h" "$n"; done)
awk -v s="$secs" -F'\t' '
  FILENAME=="/dev/fd/3" { name[$1]=$2; next }
  FILENAME=="/dev/fd/4" { split($0,f," "); t0[f[1]]=f[2]; next }
  { split($0,f," "); if (!(f[1] in t0)) next; d=f[2]-t0[f[1]]; n=(f[1] in name)?name[f[1]]:"(native/unnamed)"; c[n]+=d; tot+=d }
  END { printf "total %.2f cores over %d s\n", tot/100/s, s
        for (n in c) if (c[n]>0) printf "  %6.2f s  %5.1f%%  %s\n", c[n]/100, 100*c[n]/(tot?tot:1), n | "sort -rn" }
' /dev/fd/3 /dev/fd/4 /dev/fd/5 3<<<"$names" 4<<<"$a" 5<<<"$b"
