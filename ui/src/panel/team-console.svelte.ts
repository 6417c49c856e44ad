// The team console's data (the browser panel on a team replica): the replica's overview and the
// team's tokens, read every 15 s while shown and after each change made here. The server narrows
// a person's session to that person, whatever the page asks.
import { api } from "../ipc/api";
import { Resource } from "../ipc/resource.svelte";
import { TEAM_POLL_MS } from "../ipc/team.svelte";
import type { CreatedTeamToken, TeamConsole } from "../ipc/types";

class TeamConsoleResource extends Resource<TeamConsole | null> {
  constructor() {
    super(null, { read: () => api.teamConsole(), pollMs: TEAM_POLL_MS });
  }

  /** Revokes token `id` on every replica, then reads the console again. */
  async revoke(id: string): Promise<void> {
    await api.revokeTeamToken(id);
    await this.reload();
  }

  /** Makes a token (its value is in the answer only), then reads the console again. */
  async create(name: string, owner: string, admin: boolean): Promise<CreatedTeamToken> {
    const made = await api.createTeamToken(name, owner, admin);
    await this.reload();
    return made;
  }
}

export const teamConsole = new TeamConsoleResource();
