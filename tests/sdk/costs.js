// What a ledger row of the SDK suites should cost, per backend: the Demo backend at its stated
// price, the OpenAI-compatible backend unpriced, every other backend priced.
import assert from "node:assert/strict";

/** The Demo backend's stated price per token (switchyard_pricing::DEMO_PRICE: $2.50 and $10
 *  per million tokens in and out); nothing is billed. */
export const DEMO_PRICE = { input: 2.5e-6, output: 10e-6 };

/** What a Demo row costs at the stated price. */
export const demoCost = (row) => row.inputTokens * DEMO_PRICE.input + row.outputTokens * DEMO_PRICE.output;

/**
 * Asserts a ledger row's cost: Demo's stated price on Demo, none on the OpenAI-compatible
 * backend (its model has no price: flagged, never counted as $0), more than $0 elsewhere.
 */
export function assertCost(row, backend) {
  const show = JSON.stringify(row);
  if (backend === "Demo") assert.ok(row.costUsd > 0 && Math.abs(row.costUsd - demoCost(row)) < 1e-12, show);
  else if (backend === "Compatible") assert.equal(row.costUsd, null, `compat-chat has no price: ${show}`);
  else assert.ok(row.costUsd > 0, `${row.model} is priced: ${show}`);
}
