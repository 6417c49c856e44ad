// The team gateway this desktop is attached to (Settings → Team gateway) and the team's overview
// read from it (the Team page). The admin token goes from the form to the core once and lives in
// the OS keychain; it is never kept or logged here.
import { onMount } from "svelte";
import { api } from "./api";
import { Resource } from "./resource.svelte";
import type { TeamLinkState, TeamOverview } from "./types";

/** How often the Team page reads the overview again while it is shown. */
export const TEAM_POLL_MS = 15_000;

class TeamOverviewResource extends Resource<TeamOverview | null> {
  /** A readiness run on the replica is under way. */
  running = $state(false);

  constructor() {
    super(null, { read: () => api.teamOverview(), pollMs: TEAM_POLL_MS });
  }

  /** Runs the readiness checks on the team's replica; the overview after them is shown. Throws the typed error. */
  async runReadiness(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.assign(await api.runTeamReadiness());
    } finally {
      this.running = false;
    }
  }
}

export const teamOverview = new TeamOverviewResource();

class TeamLinkResource extends Resource<TeamLinkState> {
  constructor() {
    super({ url: null }, { read: () => api.teamLink() });
  }

  get attached(): boolean {
    return this.value.url !== null;
  }

  /** Attaches after the replica answered with `token`; a refusal throws the typed error and keeps nothing. */
  async attach(url: string, token: string): Promise<void> {
    const overview = await api.attachTeam(url, token);
    const link = await api.teamLink();
    this.assign(link);
    teamOverview.assign(overview);
  }

  async detach(): Promise<void> {
    await api.detachTeam();
    this.assign({ url: null });
    teamOverview.assign(null);
  }
}

export const teamLink = new TeamLinkResource();

/**
 * For a component that shows the team (call it while the component starts): reads the link once
 * mounted, and the overview — again every 15 s — only while attached.
 */
export function followTeam(): void {
  onMount(() => void teamLink.reload());
  $effect(() => {
    if (teamLink.attached) return teamOverview.watch();
  });
}
