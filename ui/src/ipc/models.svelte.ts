// Each backend's model list as the pickers use it: read from the core's cache when a picker opens,
// refreshed from the provider on request (a failed refresh keeps the last good list and says why),
// and the check of a chosen model ("no known price", "not in the list").
import { api } from "./api";
import type { ModelCheck, ModelList } from "./types";

class Catalogues {
  /** By backend id. */
  lists = $state<Record<string, ModelList>>({});
  /** Backend ids being refreshed. */
  refreshing = $state<Record<string, boolean>>({});

  /** Reads a backend's cached list (local: never waits on the provider). */
  async load(backendId: string): Promise<void> {
    this.lists[backendId] = await api.backendModels(backendId);
  }

  /** Reads a backend's list from its provider now. */
  async refresh(backendId: string): Promise<void> {
    if (this.refreshing[backendId]) return;
    this.refreshing[backendId] = true;
    try {
      this.lists[backendId] = await api.refreshBackendModels(backendId);
    } finally {
      delete this.refreshing[backendId];
    }
  }

  /** What choosing `model` means for cost, resolved as the gateway will. */
  check(model: string): Promise<ModelCheck> {
    return api.checkModel(model);
  }
}

export const catalogues = new Catalogues();
