import { describe, expect, it } from "vitest";
import { EXAMPLE_URLS, buildSnippets, gatewayUrls, prometheusJob, shellQuote, type SnippetId } from "./snippets";

const URLS = { openai: "http://127.0.0.1:5151/v1", anthropic: "http://127.0.0.1:5151", gemini: "http://127.0.0.1:5151" };
const ALL_IDS: SnippetId[] = [
  "curl-openai",
  "curl-responses",
  "curl-anthropic",
  "curl-embeddings",
  "python-openai",
  "node-openai",
  "python-anthropic",
  "claude-code",
  "codex",
  "gemini-cli",
  "mcp",
  "metrics",
  "env",
];
const code = (id: SnippetId, model = "demo-chat") => buildSnippets(URLS, model).find((s) => s.id === id)?.code ?? "";

describe("gateway URLs", () => {
  it("uses the URLs the core sends, or builds them from the address", () => {
    const sent = { address: "127.0.0.1:5151", openaiBaseUrl: URLS.openai, anthropicBaseUrl: URLS.anthropic, geminiBaseUrl: URLS.gemini, error: null, paused: false, squat: null };
    expect(gatewayUrls(sent)).toEqual(URLS);
    expect(gatewayUrls({ ...sent, openaiBaseUrl: null, anthropicBaseUrl: null, geminiBaseUrl: null })).toEqual(URLS);
  });

  it("takes Gemini's base URL as the root, like Anthropic's, when the core names none", () => {
    const old = { address: "127.0.0.1:5151", openaiBaseUrl: URLS.openai, anthropicBaseUrl: "http://localhost:5151", geminiBaseUrl: null, error: null, paused: false, squat: null };
    expect(gatewayUrls(old)?.gemini).toBe("http://localhost:5151");
    expect(EXAMPLE_URLS.gemini).toBe(EXAMPLE_URLS.anthropic);
    expect(EXAMPLE_URLS.gemini.endsWith("/v1")).toBe(false);
  });

  it("has none while the gateway is not listening", () => {
    expect(gatewayUrls(null)).toBeNull();
    expect(gatewayUrls({ address: null, openaiBaseUrl: null, anthropicBaseUrl: null, geminiBaseUrl: null, error: "address in use", paused: false, squat: null })).toBeNull();
    expect(EXAMPLE_URLS.openai).toBe("http://127.0.0.1:4141/v1");
  });
});

describe("snippets", () => {
  it("offers every example", () => {
    expect(buildSnippets(URLS, "m").map((s) => s.id)).toEqual(ALL_IDS);
  });

  it("never holds a token, only $SWITCHYARD_TOKEN", () => {
    for (const s of buildSnippets(URLS, "m")) {
      expect(s.code, s.id).not.toMatch(/sy-[0-9a-z]/i);
      expect(s.code, s.id).toContain("SWITCHYARD_TOKEN");
    }
  });

  it("uses the real address and a token placeholder in curl", () => {
    const openai = code("curl-openai");
    expect(openai).toContain("curl http://127.0.0.1:5151/v1/chat/completions");
    expect(openai).toContain('-H "Authorization: Bearer $SWITCHYARD_TOKEN"');
    expect(openai).toContain(`"model":"demo-chat"`);
    const anthropic = code("curl-anthropic");
    expect(anthropic).toContain("curl http://127.0.0.1:5151/v1/messages");
    expect(anthropic).toContain('-H "x-api-key: $SWITCHYARD_TOKEN"');
    expect(anthropic).toContain("anthropic-version");
    expect(anthropic).toContain(`"max_tokens":1024`);
  });

  it("configures the SDKs with the base URL and the token from the environment", () => {
    expect(code("python-openai")).toContain('OpenAI(base_url="http://127.0.0.1:5151/v1", api_key=os.environ["SWITCHYARD_TOKEN"])');
    expect(code("node-openai")).toContain('new OpenAI({ baseURL: "http://127.0.0.1:5151/v1", apiKey: process.env.SWITCHYARD_TOKEN })');
    expect(code("python-anthropic")).toContain('Anthropic(base_url="http://127.0.0.1:5151", api_key=os.environ["SWITCHYARD_TOKEN"])');
    expect(code("python-openai", "OpenAI/gpt-4.1-mini")).toContain('model="OpenAI/gpt-4.1-mini"');
  });

  it("shows how agents reach the MCP server and Prometheus the metrics", () => {
    const mcp = code("mcp");
    expect(mcp).toContain("claude mcp add switchyard -- switchyard mcp");
    expect(mcp).toContain("http://127.0.0.1:5151/mcp");
    const metrics = code("metrics");
    expect(metrics).toContain("curl http://127.0.0.1:5151/metrics");
    expect(metrics).toContain('targets: ["127.0.0.1:5151"]');
  });

  it("sets the environment variables coding agents read", () => {
    const env = code("env");
    expect(env).toContain("export OPENAI_BASE_URL='http://127.0.0.1:5151/v1'");
    expect(env).toContain('export OPENAI_API_KEY="$SWITCHYARD_TOKEN"');
    expect(env).toContain("export ANTHROPIC_BASE_URL='http://127.0.0.1:5151'");
    expect(env).toContain('export ANTHROPIC_API_KEY="$SWITCHYARD_TOKEN"');
    expect(env).toContain("export GOOGLE_GEMINI_BASE_URL='http://127.0.0.1:5151'");
    expect(env).toContain('export GEMINI_API_KEY="$SWITCHYARD_TOKEN"');
  });

  it("calls the Responses API and embeddings on the OpenAI base URL", () => {
    const responses = code("curl-responses", "fast");
    expect(responses).toContain("curl http://127.0.0.1:5151/v1/responses \\");
    expect(responses).toContain('-H "Authorization: Bearer $SWITCHYARD_TOKEN"');
    expect(responses).toContain(`-d '{"model":"fast","input":"Hello!"}'`);
    const embeddings = code("curl-embeddings", "fast");
    expect(embeddings).toContain("curl http://127.0.0.1:5151/v1/embeddings \\");
    expect(embeddings).toContain(`"model":"text-embedding-3-small"`);
    expect(embeddings).not.toContain("fast");
  });

  it("points Claude Code at the root with the token as its auth token", () => {
    expect(code("claude-code", "fast").split("\n")).toEqual([
      "export ANTHROPIC_BASE_URL='http://127.0.0.1:5151'",
      'export ANTHROPIC_AUTH_TOKEN="$SWITCHYARD_TOKEN"',
      "claude --model 'fast'",
    ]);
  });

  it("gives Codex CLI a Responses provider on the OpenAI base URL that reads SWITCHYARD_TOKEN", () => {
    const toml = code("codex", "fast");
    expect(toml).toContain("# ~/.codex/config.toml");
    const lines = toml.split("\n");
    expect(lines).toContain('model = "fast"');
    expect(lines).toContain('model_provider = "switchyard"');
    expect(lines).toContain("[model_providers.switchyard]");
    expect(lines).toContain('name = "Switchyard"');
    expect(lines).toContain('base_url = "http://127.0.0.1:5151/v1"');
    expect(lines).toContain('wire_api = "responses"');
    expect(lines).toContain('env_key = "SWITCHYARD_TOKEN"');
    // Top-level keys must come before the first table, or TOML puts them inside it.
    expect(lines.indexOf('model_provider = "switchyard"')).toBeLessThan(lines.indexOf("[model_providers.switchyard]"));
    expect(code("codex", 'a"b\u007f')).toContain('model = "a\\"b\\u007F"');
  });

  it("gives Gemini CLI its settings, the root URL and the token as its API key", () => {
    const gemini = code("gemini-cli", "fast");
    expect(gemini).toContain("~/.gemini/settings.json");
    expect(gemini).toContain(`{"security":{"auth":{"selectedType":"gemini-api-key"}}}`);
    expect(gemini).toContain("export GOOGLE_GEMINI_BASE_URL='http://127.0.0.1:5151'\n");
    expect(gemini).toContain('export GEMINI_API_KEY="$SWITCHYARD_TOKEN"');
    expect(gemini).toContain("gemini -m 'fast'");
  });

  it("falls back to the demo model and quotes odd model names safely", () => {
    expect(code("curl-openai", "  ")).toContain(`"model":"demo-chat"`);
    expect(code("curl-openai", "it's")).toContain(`'{"model":"it'\\''s"`);
    expect(code("python-openai", 'a"b')).toContain('model="a\\"b"');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe("prometheusJob", () => {
  it("puts the scrape token in Prometheus' authorization setting", () => {
    expect(prometheusJob("127.0.0.1:4141", "sy-abc")).toBe(
      'scrape_configs:\n  - job_name: switchyard\n    authorization:\n      credentials: "sy-abc"\n    static_configs:\n      - targets: ["127.0.0.1:4141"]',
    );
  });
});
