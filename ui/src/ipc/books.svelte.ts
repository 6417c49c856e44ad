// The providers' own books (issue 75) as reactive resources: the Costs page's Reconcile card (the
// ledger beside each provider's books as last read: no network, so it follows new requests,
// throttled) and the Backends page's organization admin keys. Reading the providers is the
// user's "Read now" only; the report is read again after it, and after every change here.
import { api } from "./api";
import { COSTS_RELOAD_MS } from "./costs.svelte";
import { Resource } from "./resource.svelte";
import type { AdminKey, BooksRead, KeyInput, Reconciliation } from "./types";

class BooksReport extends Resource<Reconciliation[]> {
  /** The span shown, in whole UTC days up to today. */
  days = $state(7);

  constructor() {
    super([], { throttleMs: COSTS_RELOAD_MS });
  }

  protected read(): Promise<Reconciliation[]> {
    return api.booksReport(this.days);
  }

  setDays(days: number): void {
    if (days === this.days) return;
    this.days = days;
    void this.reload();
  }

  /** Reads every provider's books now (each failure is in its outcome), then the report. */
  async readNow(): Promise<BooksRead[]> {
    const outcomes = await api.booksRead(this.days);
    await this.reload();
    return outcomes;
  }

  /** The user's choice of which of their keys a provider's key is; then the report. */
  async chooseKey(backendId: string, providerKeyId: string, keyId: string): Promise<void> {
    await api.booksChooseKey(backendId, providerKeyId, keyId);
    await this.reload();
  }
}

/** The ledger beside each provider's books, for the Costs page. */
export const booksReport = new BooksReport();

class AdminKeys extends Resource<AdminKey[]> {
  constructor() {
    super([], { read: () => api.adminKeysList(), follow: "loaded" });
  }

  /** The keys of one backend. */
  of(backendId: string): AdminKey[] {
    return this.value.filter((k) => k.backendId === backendId);
  }

  /** Stores an admin key (its value goes to the keychain and is never shown again). */
  async add(backendId: string, key: KeyInput): Promise<AdminKey> {
    const added = await api.adminKeyAdd(backendId, key);
    await this.reload();
    booksReport.changed();
    return added;
  }

  async remove(id: string): Promise<void> {
    await api.adminKeyRemove(id);
    await this.reload();
    booksReport.changed();
  }
}

/** Every backend's organization admin keys (masked), for the Backends page. */
export const adminKeys = new AdminKeys();
