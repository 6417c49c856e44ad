// Per-rule alert webhooks for the Alerts page: which rules have one (the core sends back only the
// masked URL, the URL itself stays in the OS keychain), setting and removing them, and each
// rule's "Send test" outcome. Never keep or log a URL typed here: it is a credential.
import { api } from "./api";
import { toIpcError } from "./error";
import { Resource } from "./resource.svelte";
import type { IpcError } from "./types";

/** What a rule's last test post did: sent, or the typed reason it was not. */
export type WebhookTest = { ok: true } | { ok: false; error: IpcError };

/** Rule id → masked URL (`https://hooks.slack.com/…`); `error`: the webhooks could not be read at all. */
class AlertWebhooksResource extends Resource<Record<string, string>> {
  /** Rules whose test post is under way. */
  testing = $state<Record<string, boolean>>({});
  /** Each rule's last test outcome in this visit. */
  tests = $state<Record<string, WebhookTest>>({});

  constructor() {
    super({}, { read: () => api.alertWebhooks() });
  }

  get masked(): Record<string, string> {
    return this.value;
  }

  set masked(masked: Record<string, string>) {
    this.value = masked;
  }

  /**
   * Sets (`url` = null: removes) a rule's webhook. A refusal throws the typed error and changes
   * nothing; on success the masked URLs are the core's answer, and the rule's test outcome (about
   * the URL before) is forgotten.
   */
  async set(ruleId: string, url: string | null): Promise<Record<string, string>> {
    const current = this.invalidate();
    const masked = await api.setAlertWebhook(ruleId, url);
    delete this.tests[ruleId];
    if (current()) {
      this.assign(masked);
    } else {
      // Another change answered meanwhile: read what the core holds now.
      void this.reload();
    }
    return masked;
  }

  /** Posts a test message to the rule's webhook; the outcome (never a throw) is kept in `tests`. */
  async test(ruleId: string): Promise<WebhookTest> {
    if (this.testing[ruleId]) return this.tests[ruleId] ?? { ok: true };
    this.testing[ruleId] = true;
    delete this.tests[ruleId];
    let outcome: WebhookTest;
    try {
      await api.testAlertWebhook(ruleId);
      outcome = { ok: true };
    } catch (e) {
      outcome = { ok: false, error: toIpcError(e) };
    } finally {
      delete this.testing[ruleId];
    }
    this.tests[ruleId] = outcome;
    return outcome;
  }

  /** The Alerts page mounted: read the webhooks. Test outcomes belong to the visit they were sent in. */
  watch(): () => void {
    for (const ruleId of Object.keys(this.tests)) if (!this.testing[ruleId]) delete this.tests[ruleId];
    return super.watch();
  }
}

export const alertWebhooks = new AlertWebhooksResource();
