import { describe, expect, it } from "vitest";
import type { ListedModel, ModelList } from "../ipc/types";
import { catalogueText, modelLabel } from "./models";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const list = (over: Partial<ModelList> = {}): ModelList => ({
  backendId: "b1",
  backendName: "OpenAI",
  fetchedAtMs: NOW - 3 * 3_600_000,
  error: null,
  models: [],
  ...over,
});
const model = (over: Partial<ListedModel> = {}): ListedModel => ({
  id: "gpt-4.1-mini",
  name: null,
  contextTokens: null,
  outputTokens: null,
  listedInputPerMtok: null,
  listedOutputPerMtok: null,
  pricing: "priced",
  pricePerMtok: 0.7,
  ...over,
});

describe("model lists", () => {
  it("says how old the list is, or why it could not be read", () => {
    expect(catalogueText(undefined, NOW)).toBe("");
    expect(catalogueText(list({ models: [model(), model({ id: "b" })] }), NOW)).toBe("2 models · read 3 h ago");
    expect(catalogueText(list({ fetchedAtMs: null }), NOW)).toBe("Model list never read");
    expect(catalogueText(list({ fetchedAtMs: null, error: "HTTP 401" }), NOW)).toBe("Model list not read: HTTP 401");
    expect(catalogueText(list({ models: [model()], error: "HTTP 503" }), NOW)).toBe("1 model · read 3 h ago · the last refresh failed: HTTP 503");
  });

  it("reads ages as the rest of the app does", () => {
    const read = (ms: number) => catalogueText(list({ fetchedAtMs: NOW - ms }), NOW);
    expect(read(2_000)).toBe("0 models · read just now");
    expect(read(5 * 60_000)).toBe("0 models · read 5 min ago");
    expect(read(72 * 3_600_000)).toBe("0 models · read 3 d ago");
  });

  it("labels each model with its context and price, flagging the unpriced", () => {
    expect(modelLabel(model({ contextTokens: 131072 }))).toBe("131k context · $0.70/M");
    expect(modelLabel(model({ pricing: "unknown", pricePerMtok: null }))).toBe("no known price");
    expect(modelLabel(model({ pricing: "free", name: "Demo Chat", id: "demo-chat" }))).toBe("Demo Chat · free");
    expect(modelLabel(model({ pricing: "listedOnly", pricePerMtok: null, listedInputPerMtok: 2, listedOutputPerMtok: 8 }))).toBe(
      "no price in the table (listed $2.00/$8.00 per M)",
    );
  });
});
