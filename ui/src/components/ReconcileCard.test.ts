// The Costs page's Reconcile card and the Backends page's admin keys, rendered on the server (no
// DOM here): the ledger beside the provider by day, stale books, unrouted usage with what to do,
// ambiguous keys to choose, the empty state; an admin key's list and what it is used for.
import { describe, expect, it, vi } from "vitest";
import { render } from "svelte/server";
import { reconciliation, side } from "../ipc/test-fixtures";
import type { Backend, Reconciliation } from "../ipc/types";
import { formatMoney } from "../lib/money";

vi.mock("../bindings", () => ({ commands: {}, events: {} }));

const { backends } = await import("../ipc");
const { adminKeys, booksReport } = await import("../ipc/books.svelte");
const { default: ReconcileCard } = await import("./ReconcileCard.svelte");
const { default: ReconcileBackend } = await import("./ReconcileBackend.svelte");
const { default: AdminKeysSection } = await import("./AdminKeysSection.svelte");

const USD = { currency: "USD", perUsd: 1 };
const NOW = Date.parse("2026-11-30T12:00:00Z");

/** The text of the element with a test id (its tags dropped, spaces folded). */
function text(html: string, testid: string): string | null {
  const at = html.indexOf(`data-testid="${testid}"`);
  if (at < 0) return null;
  const open = html.lastIndexOf("<", at);
  const tag = /^<(\w+)/.exec(html.slice(open))?.[1] ?? "";
  const end = html.indexOf(`</${tag}>`, at);
  return html.slice(html.indexOf(">", at) + 1, end).replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();
}

const section = (report: Reconciliation, readError: string | null = null) => render(ReconcileBackend, { props: { report, currency: USD, now: NOW, readError } }).body;

const day = reconciliation({
  days: [
    {
      day: "2026-11-29",
      ledger: side({ input: 800, output: 200 }, { requests: 2, costUsd: 0.01 }),
      provider: side({ input: 1600, output: 400 }, { requests: 4, costUsd: 0.02 }),
      unroutedTokens: 1000,
    },
  ],
  unrouted: [{ day: "2026-11-29", keyId: "k-work", keyLabel: "work", tokens: { input: 800, cachedInput: 0, cacheWrite: 0, output: 200 }, costUsd: 0.01, share: 0.5 }],
});

describe("reconcile: one backend's books", () => {
  it("puts the ledger beside the provider by day, with the difference, both costs and the unrouted tokens", () => {
    const html = section(day);
    expect(text(html, "reconcile-age")).toBe("read 1 h ago");
    expect(html).not.toContain("reconcile-stale");
    const cells = [...(/<tr data-testid="reconcile-day"[^>]*>(.*?)<\/tr>/s.exec(html)?.[1] ?? "").matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((m) => m[1].replace(/<[^>]*>/g, "").trim());
    expect(cells).toEqual(["2026-11-29", "1.0k", "2.0k", "+1.0k (+50 %)", formatMoney(0.01, USD), formatMoney(0.02, USD), "1.0k"]);
    expect(html, "half the provider's tokens are missing from the ledger").toMatch(/class="num tone-bad[^"]*" data-testid="reconcile-diff"/);
  });

  it("shows a team's spend by person beside the bill, and an OpenRouter key's spend without tokens", () => {
    const html = section(
      reconciliation({
        people: [{ day: "2026-11-29", person: "ana@example.com", ledger: side({ input: 900, output: 100 }, { requests: 2, costUsd: 0.03 }) }],
        unrouted: [{ day: "2026-11-29", keyId: "k1", keyLabel: "spare", tokens: { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 }, costUsd: 0.5, share: 1 }],
      }),
    );
    const person = text(html, "reconcile-person");
    expect(person).toContain("ana@example.com");
    expect(person).toContain("1.0k");
    expect(person).toContain(formatMoney(0.03, USD));
    const spend = text(html, "reconcile-unrouted");
    expect(spend).not.toContain("tokens");
    expect(spend).toContain(formatMoney(0.5, USD));
  });

  it("lists the unrouted usage per key and day with what to do about it", () => {
    const html = section(day);
    const line = text(html, "reconcile-unrouted");
    expect(line).toContain("2026-11-29");
    expect(line).toContain("work");
    expect(line).toContain(`1.0k tokens · 50 % of the key's · ${formatMoney(0.01, USD)}`);
    expect(line).toContain("Connect the tool that uses this key, or rotate it.");
  });

  it("shows stale books with why, and a failed read inline", () => {
    const html = section(reconciliation({ ...day, stale: "OpenAI refused the admin key (401)" }), "OpenAI refused the admin key (401)");
    expect(html).toMatch(/data-testid="reconcile-stale"[^>]*>.*?stale: OpenAI refused the admin key \(401\)</s);
    expect(html).not.toContain("reconcile-age");
    expect(text(html, "reconcile-backend-error")).toBe("Could not read OpenAI's books: OpenAI refused the admin key (401)");
  });

  it("asks which of the user's keys an ambiguous provider key is, by their labels", () => {
    backends.value = [{ id: "b1", keys: [{ id: "k-work", label: "work" }, { id: "k-home", label: "home" }] } as unknown as Backend];
    const html = section(reconciliation({ keys: [{ providerKeyId: "pk1", redacted: "sk-abc...wxyz", name: "ci", keyId: null, candidates: ["k-work", "k-home"], chosen: false }] }));
    const choice = text(html, "reconcile-choose");
    expect(choice).toContain("OpenAI's key ci (sk-abc...wxyz) is");
    expect(html).toContain('<option value="k-work">work</option>');
    expect(html).toContain('<option value="k-home">home</option>');
    expect(html).toContain("Choose a key…");
    backends.value = [];
  });

  it("says a backend with an admin key was not read yet", () => {
    expect(text(section(reconciliation({ readAtMs: null })), "reconcile-no-days")).toBe("Not read yet: Read now reads the provider's books.");
  });
});

describe("reconcile card", () => {
  it("explains where an admin key is added when no backend has books", () => {
    booksReport.value = [];
    booksReport.loaded = true;
    const html = render(ReconcileCard, { props: { currency: USD, now: NOW } }).body;
    const empty = text(html, "reconcile-empty") ?? "";
    expect(empty).toContain("organization admin key");
    expect(empty).toContain("OpenRouter management key");
    expect(empty).toContain("Backends page");
    expect(html, "nothing to read yet").not.toContain("reconcile-read\"");
  });

  it("shows each backend's books and offers Read now", () => {
    booksReport.value = [day, reconciliation({ backendId: "b2", backend: "Claude", provider: "anthropic" })];
    booksReport.loaded = true;
    const html = render(ReconcileCard, { props: { currency: USD, now: NOW } }).body;
    expect(html.match(/data-testid="reconcile-backend"/g)?.length).toBe(2);
    expect(html).toContain('data-backend="Claude"');
    expect(text(html, "reconcile-read")).toBe("Read now");
    expect(html).toContain('data-testid="reconcile-span-7"');
    booksReport.value = [];
  });
});

describe("admin keys on the Backends page", () => {
  const backend = (kind: Backend["kind"]) => ({ id: "b1", name: "OpenAI", kind, keys: [] }) as unknown as Backend;

  it("lists a backend's admin keys, masked, with the one origin each is sent to", () => {
    adminKeys.value = [
      { id: "admin-1", backendId: "b1", backend: "OpenAI", label: "org", hint: "sk-admin-…wxyz", origin: "https://api.openai.com" },
      { id: "admin-2", backendId: "b2", backend: "Other", label: "other", hint: "sk-…", origin: "https://x" },
    ];
    const html = render(AdminKeysSection, { props: { backend: backend("openAi") } }).body;
    expect(text(html, "admin-key-row")).toBe("org sk-admin-…wxyz https://api.openai.com Remove");
    expect(html).not.toContain('data-label="other"');
    expect(html).toContain("Admin key (usage reports)");
    expect(html).toContain("never for requests");
    expect(html).toContain('aria-label="Remove admin key org"');
    adminKeys.value = [];
  });

  it("is there only for providers whose books Switchyard reads", () => {
    expect(render(AdminKeysSection, { props: { backend: backend("anthropic") } }).body).toContain("Anthropic Admin API key");
    expect(render(AdminKeysSection, { props: { backend: backend("openRouter") } }).body).toContain("OpenRouter management key");
    expect(render(AdminKeysSection, { props: { backend: backend("gemini") } }).body).not.toContain("admin-keys");
  });
});
