import { describe, expect, it } from "vitest";
import { absoluteTime, formatCost, formatCount, formatMs, httpTone, INBOUND_APIS, inboundLabel, lastUsed, relativeTime, servedBy, tokenPrefix, tokenState, tokenUsage } from "./requests-format";

const NOW = Date.parse("2025-11-21T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("cost", () => {
  it("shows small costs with four decimals and larger ones in cents", () => {
    expect(formatCost(0.0012).text).toBe("$0.0012");
    expect(formatCost(0.01234).text).toBe("$0.0123");
    expect(formatCost(1.5).text).toBe("$1.50");
    expect(formatCost(0.00002)).toMatchObject({ text: "<$0.0001", title: "$0.00002" });
  });

  it("shows an unknown price as a warning, never as $0", () => {
    const c = formatCost(null);
    expect(c.text).toBe("unknown");
    expect(c.tone).toBe("warn");
    expect(c.text).not.toContain("$");
    expect(formatCost(undefined).text).toBe("unknown");
    expect(formatCost(Number.NaN).text).toBe("unknown");
  });

  it("shows a free request as $0.00", () => {
    expect(formatCost(0)).toMatchObject({ text: "$0.00", title: "Free" });
    expect(formatCost(0, "sign-in"), "a plan's request").toMatchObject({ text: "plan", tone: "muted" });
    expect(formatCost(0.5, "sign-in").text, "never hides a cost").toBe("$0.5000");
  });
});

describe("relative time", () => {
  it("counts seconds, minutes, hours and days", () => {
    expect(relativeTime(ago(2_000), NOW)).toBe("just now");
    expect(relativeTime(ago(-3_000), NOW)).toBe("just now");
    expect(relativeTime(ago(42_000), NOW)).toBe("42s ago");
    expect(relativeTime(ago(5 * 60_000 + 10_000), NOW)).toBe("5 min ago");
    expect(relativeTime(ago(3 * 3_600_000), NOW)).toBe("3 h ago");
    expect(relativeTime(ago(2 * 86_400_000), NOW)).toBe("2 d ago");
  });

  it("falls back to a date for old times and to the text for garbage", () => {
    expect(relativeTime(ago(90 * 86_400_000), NOW, "en-GB")).toMatch(/2025/);
    expect(relativeTime("not a date", NOW)).toBe("not a date");
    expect(absoluteTime("not a date")).toBe("not a date");
    expect(absoluteTime("2025-11-21T12:00:00Z", "en-GB")).toMatch(/2025/);
  });

  it("says never for a token that was not used", () => {
    expect(lastUsed(null, NOW)).toBe("never");
    expect(lastUsed(ago(120_000), NOW)).toBe("2 min ago");
  });
});

describe("request cells", () => {
  it("colours HTTP statuses", () => {
    expect(httpTone(200)).toBe("ok");
    expect(httpTone(429)).toBe("warn");
    expect(httpTone(401)).toBe("bad");
    expect(httpTone(502)).toBe("bad");
    expect(httpTone(0)).toBe("bad");
  });

  it("sums up tokens, with the cache only when used", () => {
    expect(tokenUsage({ inputTokens: 1200, outputTokens: 48, cacheReadTokens: 0, cacheWriteTokens: 0 })).toEqual({ main: "1,200 in · 48 out", cache: null });
    expect(tokenUsage({ inputTokens: 10, outputTokens: 5, cacheReadTokens: 900, cacheWriteTokens: 40 }).cache).toBe("cache 900 read · 40 write");
    expect(tokenUsage({ inputTokens: 10, outputTokens: 5, cacheReadTokens: null, cacheWriteTokens: 7 }).cache).toBe("cache 7 write");
    expect(
      tokenUsage({ inputTokens: 10, outputTokens: 50, reasoningTokens: 30, cacheReadTokens: 0, cacheWriteTokens: 40, cacheWrite1hTokens: 30 }),
      "the parts priced apart are named",
    ).toEqual({ main: "10 in · 50 out (30 reasoning)", cache: "cache 40 write (30 for 1 h)" });
    expect(formatCount(null)).toBe("—");
    expect(formatMs(1234)).toBe("1,234 ms");
    expect(formatMs(null)).toBe("—");
  });

  it("names the backend and model that served a request", () => {
    expect(servedBy({ backend: "Demo", model: "demo-chat" })).toBe("Demo/demo-chat");
    expect(servedBy({ backend: "Demo", model: null })).toBe("Demo");
    expect(servedBy({ backend: null, model: null })).toBe("—");
  });

  it("names every API a caller can use, and shows an unknown one as recorded", () => {
    expect(inboundLabel("openai")).toBe("OpenAI Chat");
    expect(inboundLabel("anthropic")).toBe("Anthropic Messages");
    expect(inboundLabel("responses")).toBe("OpenAI Responses");
    expect(inboundLabel("gemini")).toBe("Gemini");
    expect(inboundLabel("embeddings")).toBe("Embeddings");
    expect(inboundLabel("count_tokens")).toBe("Token count");
    expect(inboundLabel("future_api")).toBe("future_api");
    expect(INBOUND_APIS.map((a) => a.label)).toEqual(["OpenAI Chat", "OpenAI Responses", "Anthropic Messages", "Gemini", "Embeddings", "Token counts"]);
  });

  it("describes tokens without their value", () => {
    expect(tokenPrefix("sy-3f9a12")).toBe("sy-3f9a12…");
    expect(tokenState({ revokedAt: null })).toBe("active");
    expect(tokenState({ revokedAt: "2025-11-21T12:00:00Z" })).toBe("revoked");
  });
});
