// What the coding tools spent by their own records, as reactive resources: the Costs page's
// "By source" card (for the range the page shows) and the Overview's "Your limits" card. Both
// follow new requests (a tool's answer through the gateway moves the gateway's row), throttled;
// the windows also poll while shown, since the tools write their records without telling us.
import { api } from "./api";
import { COSTS_RELOAD_MS } from "./costs.svelte";
import { Resource } from "./resource.svelte";
import type { CostRange, UsageScan, UsageSourceRow, UsageWindowView } from "./types";

/** How often the windows are read again while a page shows them. */
export const WINDOWS_POLL_MS = 30_000;

class UsageSourcesResource extends Resource<UsageSourceRow[]> {
  /** The range asked for: the Costs page's. */
  range = $state<CostRange | null>(null);

  /** `byProject`: each repository's spend, through the gateway or not (else by source). */
  constructor(private readonly byProject = false) {
    super([], { throttleMs: COSTS_RELOAD_MS, pollMs: WINDOWS_POLL_MS });
  }

  protected read(): Promise<UsageSourceRow[]> | null {
    if (!this.range) return null;
    return this.byProject ? api.usageByProject(this.range) : api.usageBySource(this.range);
  }

  /** Reads the sources for `range` (the page's range changed). */
  setRange(range: CostRange): void {
    const r = this.range;
    if (r && r.sinceMs === range.sinceMs && r.untilMs === range.untilMs && r.offsetMinutes === range.offsetMinutes) return;
    this.range = range;
    void this.reload();
  }
}

/** Spend by source for the Costs page's range. */
export const usageSources = new UsageSourcesResource();
/** Spend by project (repository) for the Costs page's range. */
export const usageProjects = new UsageSourcesResource(true);
/** Each tool's subscription windows (Overview). */
export const usageWindows = new Resource<UsageWindowView[]>([], { read: () => api.usageWindows(), throttleMs: COSTS_RELOAD_MS, pollMs: WINDOWS_POLL_MS });

/** Reads every tool's records again from the start, then both resources. */
export async function rescanUsage(): Promise<UsageScan> {
  const scan = await api.rescanUsage();
  await Promise.all([usageSources.reload(), usageProjects.reload(), usageWindows.reload()]);
  return scan;
}
