import { ALL_FAULTS, runSeed } from './run-seed';

const regions = Number(process.argv[2] ?? 3) as 2 | 3;
const n = Number(process.argv[3] ?? 20);
const from = Number(process.argv[4] ?? 1);
const rows = [];
const c0 = process.cpuUsage();
for (let seed = from; seed < from + n; seed++) {
  const c = process.cpuUsage();
  const r = await runSeed({
    seed,
    regions,
    orders: 50,
    bugs: new Set(),
    faults: ALL_FAULTS,
    keepTrace: false,
  });
  const cu = process.cpuUsage(c);
  rows.push({
    seed,
    simMin: +(r.simulatedMs / 60000).toFixed(1),
    healMin: +(r.healAtMs / 60000).toFixed(1),
    realMs: Math.round(r.realMs),
    cpuMs: Math.round((cu.user + cu.system) / 1000),
    tasks: r.tasks,
    msgs: r.messages,
    v: r.violations.length,
  });
  console.log(JSON.stringify(rows.at(-1)));
}
const sims = rows.map((r) => r.simMin).sort((a, b) => a - b);
const q = (p: number) => sims[Math.floor(p * (sims.length - 1))];
const cpu = process.cpuUsage(c0);
console.log(
  `median ${q(0.5)} q1 ${q(0.25)} q3 ${q(0.75)} min; cpu ${(cpu.user + cpu.system) / 1e6} s; ${((n / ((cpu.user + cpu.system) / 1e6)) * 60).toFixed(0)} seeds/cpu-min`,
);
