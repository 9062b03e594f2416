import { readFileSync } from 'node:fs';
import type { ControlStatus } from '@meridian/contracts';
import { fetchJson } from './bounded';
import type { BenchTarget } from './platform-probes';

/** CPU time (user + system, ms) each platform process has used so far, from /proc/<pid>/stat. */
export async function processCpuMs(bench: BenchTarget): Promise<Map<string, number>> {
  const control = await fetchJson<ControlStatus>(`${bench.controlUrl}/status`, {
    headers: bench.platform.admin,
  });
  const ticksPerSecond = 100; // Linux USER_HZ
  const cpu = new Map<string, number>();
  for (const { name, pid } of control.processes) {
    if (!pid) continue;
    // Fields after the command name (which is in parentheses and may contain spaces): utime is the 14th
    // field of the line, stime the 15th.
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // The process ended since the status was read.
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpu.set(name, ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000);
  }
  // This process: the load tool (autocannon) and the benchmark's own polling.
  const own = process.cpuUsage();
  cpu.set('load tool', (own.user + own.system) / 1000);
  return cpu;
}

/** `front-door 0.4 ms, us-east-1 3.1 ms, …` for the progress lines. */
export function describeCpu(perProcess: ReadonlyArray<{ process: string; ms: number }>): string {
  return perProcess.map((entry) => `${entry.process} ${entry.ms} ms`).join(', ');
}

/** Each process's CPU time between two readings, per order. */
export function cpuPerOrder(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  orders: number,
): Array<{ process: string; ms: number }> {
  return [...after].map(([name, ms]) => ({
    process: name,
    ms: Math.round(((ms - (before.get(name) ?? 0)) / Math.max(1, orders)) * 100) / 100,
  }));
}

/** Each region process's peak resident memory so far (VmHWM). */
export async function peakRss(bench: BenchTarget) {
  const control = await fetchJson<{ regions: Array<{ name: string; pid: number | null }> }>(
    `${bench.controlUrl}/status`,
    { headers: bench.platform.admin },
  );
  return control.regions.map((region) => {
    const status = region.pid ? readFileSync(`/proc/${region.pid}/status`, 'utf8') : '';
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { region: region.name, peakMb: Math.round(kb / 1024) };
  });
}
