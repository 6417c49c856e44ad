// The Costs page's Demo note, rendered on the server (no DOM here): issue 76's priced Demo.
import { afterEach, describe, expect, it } from "vitest";
import { render } from "svelte/server";
import DemoSpendNote from "./DemoSpendNote.svelte";
import { backends } from "../ipc";
import { prices } from "../ipc/costs-settings.svelte";
import { costsOverview, usageTotals } from "../ipc/test-fixtures";
import type { Backend, Prices } from "../ipc/types";
import { formatMoney } from "../lib/money";

const EUR = { currency: "EUR", perUsd: 0.5 };
const listed = (name: string, kind: Backend["kind"]) => ({ name, kind }) as Backend;
const note = (byBackend: [string, ReturnType<typeof usageTotals>][]) =>
  render(DemoSpendNote, { props: { overview: costsOverview(0, 3_600_000, { byBackend }), currency: EUR } }).body.replace(/\s+/g, " ");

afterEach(() => {
  backends.value = [];
  prices.value = null;
});

describe("the Demo note on the Costs page", () => {
  it("names the Demo backend's share in the display currency, its stated price and that nothing is billed", () => {
    backends.value = [listed("Demo", "demo"), listed("OpenAI", "openAi")];
    prices.value = { demoPerMtok: [2.5, 10] } as Prices;
    const html = note([["Demo", usageTotals({ costUsd: 0.004, requests: 3 })], ["OpenAI", usageTotals({ costUsd: 2, requests: 1 })]]);
    expect(html).toContain('data-testid="costs-demo-note"');
    expect(html).toContain(`${formatMoney(0.004, EUR)} of this is the Demo backend's (3 requests)`);
    expect(html).toContain("show what spend looks like (its stated price: $2.50 in and $10.00 out per million tokens, unless you set a price for its model). Nothing is billed");
    expect(html).toContain("Nothing is billed");
  });

  it("says nothing of a price it does not know yet (the prices still loading)", () => {
    backends.value = [listed("Demo", "demo")];
    const html = note([["Demo", usageTotals({ costUsd: 0.004, requests: 1 })]]);
    expect(html).toContain("(1 request), priced as a model so these charts show what spend looks like. Nothing is billed");
  });

  it("is absent when Demo spent nothing in the range", () => {
    backends.value = [listed("Demo", "demo"), listed("OpenAI", "openAi")];
    expect(note([["OpenAI", usageTotals({ costUsd: 2, requests: 1 })]])).not.toContain("costs-demo-note");
  });
});
