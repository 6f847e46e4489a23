/**
 * Run `fn`; its wall time, and the smaller of that and this process's CPU time meanwhile, ms.
 * The machine is shared: a process descheduled for a while answers late without having run
 * late, so deadline bounds are checked on `ms`; a guest that ran past its deadline fails both.
 */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wallMs: number; ms: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  const wallMs = performance.now() - t0;
  return { value, wallMs, ms: Math.min(wallMs, (c.user + c.system) / 1000) };
}
