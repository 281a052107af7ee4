/**
 * CPU time used by the calling thread (s), for throughput reports that must
 * be read on a shared, loaded machine (wall time there depends on what else
 * runs). Linux: utime + stime of /proc/thread-self/stat, in clock ticks of
 * 10 ms (USER_HZ = 100 on every Linux ABI). Elsewhere: the whole process's
 * time (process.cpuUsage), which counts every thread.
 */
import { readFileSync } from "node:fs";

const USER_HZ = 100;
let procOk = process.platform === "linux";

export function threadCpuSeconds(): number {
  if (procOk) {
    try {
      const stat = readFileSync("/proc/thread-self/stat", "latin1");
      // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(f[11]) + Number(f[12]);
      if (Number.isFinite(ticks)) return ticks / USER_HZ;
    } catch {
      // no /proc (a container without it): fall back below
    }
    procOk = false;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
