import { describe, expect, it } from "vitest";
import { EXAMPLE_URLS, buildSnippets, gatewayUrls, shellQuote, type SnippetId } from "./snippets";

const URLS = { openai: "http://127.0.0.1:5151/v1", anthropic: "http://127.0.0.1:5151" };
const code = (id: SnippetId, model = "demo-chat") => buildSnippets(URLS, model).find((s) => s.id === id)?.code ?? "";

describe("gateway URLs", () => {
  it("uses the URLs the core sends, or builds them from the address", () => {
    expect(gatewayUrls({ address: "127.0.0.1:5151", openaiBaseUrl: URLS.openai, anthropicBaseUrl: URLS.anthropic, error: null, paused: false })).toEqual(URLS);
    expect(gatewayUrls({ address: "127.0.0.1:5151", openaiBaseUrl: null, anthropicBaseUrl: null, error: null, paused: false })).toEqual(URLS);
  });

  it("has none while the gateway is not listening", () => {
    expect(gatewayUrls(null)).toBeNull();
    expect(gatewayUrls({ address: null, openaiBaseUrl: null, anthropicBaseUrl: null, error: "address in use", paused: false })).toBeNull();
    expect(EXAMPLE_URLS.openai).toBe("http://127.0.0.1:4141/v1");
  });
});

describe("snippets", () => {
  it("offers every example", () => {
    expect(buildSnippets(URLS, "m").map((s) => s.id)).toEqual(["curl-openai", "curl-anthropic", "python-openai", "node-openai", "python-anthropic", "env"]);
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

  it("sets the environment variables coding agents read", () => {
    const env = code("env");
    expect(env).toContain("export OPENAI_BASE_URL='http://127.0.0.1:5151/v1'");
    expect(env).toContain('export OPENAI_API_KEY="$SWITCHYARD_TOKEN"');
    expect(env).toContain("export ANTHROPIC_BASE_URL='http://127.0.0.1:5151'");
    expect(env).toContain('export ANTHROPIC_API_KEY="$SWITCHYARD_TOKEN"');
  });

  it("falls back to the demo model and quotes odd model names safely", () => {
    expect(code("curl-openai", "  ")).toContain(`"model":"demo-chat"`);
    expect(code("curl-openai", "it's")).toContain(`'{"model":"it'\\''s"`);
    expect(code("python-openai", 'a"b')).toContain('model="a\\"b"');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});
