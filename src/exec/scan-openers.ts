import type { ScanOpener } from "./build-plan.ts";

/**
 * Openers wrap each other: an init plan's appends the parameters it computed, an apply's the
 * outer values of one evaluation. Each wrapper remembers its root, the opener whose extra
 * parameters start right after the client's, so that a nested wrapper passes the whole list
 * of computed parameters to it instead of stacking them twice.
 */
const roots = new WeakMap<ScanOpener, ScanOpener>();

/** The opener `scans` delegates to, with the client's parameters only (itself when it is one). */
export function rootOpener(scans: ScanOpener): ScanOpener {
  return roots.get(scans) ?? scans;
}

/** Registers `wrapper` as delegating to `root`; returns it. */
export function withRoot(wrapper: ScanOpener, root: ScanOpener): ScanOpener {
  roots.set(wrapper, root);
  return wrapper;
}
