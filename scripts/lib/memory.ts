import fs from "node:fs";

/** A field of /proc/self/status in bytes (Linux), or null elsewhere. */
export function procStatusBytes(field: string): number | null {
  try {
    const status = fs.readFileSync("/proc/self/status", "utf8");
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/**
 * The peak RSS of this process: the kernel's high-water mark of its own address space (VmHWM), not getrusage's
 * maxRSS. On Linux a spawned process is forked from its parent, and exec carries the forked copy's high-water mark
 * into ru_maxrss: a sync process spawned by a bench holding a 1 M-deal emulator (≈600 MB of typed arrays outside
 * the V8 heap) reported 621 MB before syncing a row, while its own RSS was 195 MB. maxRSS only where /proc is absent.
 */
export function peakRssBytes(): number {
  return procStatusBytes("VmHWM") ?? process.resourceUsage().maxRSS * 1024;
}
