// Copy-paste examples for pointing tools at the gateway: curl for each API, the SDKs, and the
// coding agents (Claude Code, Codex CLI, Gemini CLI). Tokens appear only as $SWITCHYARD_TOKEN.
import type { GatewayStatus } from "../ipc/types";

/** `openai` ends in `/v1` (Chat Completions, Responses, embeddings); `anthropic` and `gemini` are the root. */
export type GatewayUrls = { openai: string; anthropic: string; gemini: string };

export type SnippetId =
  | "curl-openai"
  | "curl-responses"
  | "curl-anthropic"
  | "curl-embeddings"
  | "python-openai"
  | "node-openai"
  | "python-anthropic"
  | "claude-code"
  | "codex"
  | "gemini-cli"
  | "mcp"
  | "metrics"
  | "env";

export type CodeSnippet = { id: SnippetId; label: string; language: "shell" | "python" | "javascript" | "toml"; code: string };

/** Where the gateway usually listens; used in examples while it is not running. */
export const EXAMPLE_URLS: GatewayUrls = { openai: "http://127.0.0.1:4141/v1", anthropic: "http://127.0.0.1:4141", gemini: "http://127.0.0.1:4141" };

export const DEFAULT_EXAMPLE_MODEL = "demo-chat";
/** Embeddings need an embedding model, whatever the chat examples use. */
export const EMBEDDING_EXAMPLE_MODEL = "text-embedding-3-small";

/** The base URLs of a listening gateway, or null while it is not listening. */
export function gatewayUrls(status: GatewayStatus | null): GatewayUrls | null {
  if (!status) return null;
  const root = status.address ? `http://${status.address}` : null;
  const openai = status.openaiBaseUrl ?? (root && `${root}/v1`);
  const anthropic = status.anthropicBaseUrl ?? root;
  const gemini = status.geminiBaseUrl ?? anthropic;
  return openai && anthropic && gemini ? { openai, anthropic, gemini } : null;
}

/** Quotes text for a single-quoted shell string. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A string literal valid in both Python and JavaScript. */
function lit(text: string): string {
  return JSON.stringify(text);
}

/** A TOML basic string: JSON's escapes are TOML's, and TOML also refuses a raw DEL. */
function toml(text: string): string {
  return JSON.stringify(text).replace(/\u007f/g, "\\u007F");
}

const HELLO = [{ role: "user", content: "Hello!" }];

/** `curl` with a bearer token and a JSON body (the OpenAI-shaped endpoints). */
function curlJson(url: string, body: unknown): string {
  return [
    `curl ${url} \\`,
    `  -H "Authorization: Bearer $SWITCHYARD_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join("\n");
}

export function buildSnippets(urls: GatewayUrls, model: string): CodeSnippet[] {
  const m = model.trim() || DEFAULT_EXAMPLE_MODEL;
  const anthropicBody = JSON.stringify({ model: m, max_tokens: 1024, messages: HELLO });
  return [
    { id: "curl-openai", label: "curl (OpenAI Chat)", language: "shell", code: curlJson(`${urls.openai}/chat/completions`, { model: m, messages: HELLO }) },
    { id: "curl-responses", label: "curl (Responses)", language: "shell", code: curlJson(`${urls.openai}/responses`, { model: m, input: "Hello!" }) },
    {
      id: "curl-anthropic",
      label: "curl (Anthropic)",
      language: "shell",
      code: [
        `curl ${urls.anthropic}/v1/messages \\`,
        `  -H "x-api-key: $SWITCHYARD_TOKEN" \\`,
        `  -H "anthropic-version: 2023-06-01" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d ${shellQuote(anthropicBody)}`,
      ].join("\n"),
    },
    {
      id: "curl-embeddings",
      label: "curl (embeddings)",
      language: "shell",
      code: curlJson(`${urls.openai}/embeddings`, { model: EMBEDDING_EXAMPLE_MODEL, input: "Hello!" }),
    },
    {
      id: "python-openai",
      label: "OpenAI Python",
      language: "python",
      code: [
        "import os",
        "from openai import OpenAI",
        "",
        `client = OpenAI(base_url=${lit(urls.openai)}, api_key=os.environ["SWITCHYARD_TOKEN"])`,
        "reply = client.chat.completions.create(",
        `    model=${lit(m)},`,
        `    messages=[{"role": "user", "content": "Hello!"}],`,
        ")",
        "print(reply.choices[0].message.content)",
      ].join("\n"),
    },
    {
      id: "node-openai",
      label: "OpenAI Node",
      language: "javascript",
      code: [
        `import OpenAI from "openai";`,
        "",
        `const client = new OpenAI({ baseURL: ${lit(urls.openai)}, apiKey: process.env.SWITCHYARD_TOKEN });`,
        "const reply = await client.chat.completions.create({",
        `  model: ${lit(m)},`,
        `  messages: [{ role: "user", content: "Hello!" }],`,
        "});",
        `process.stdout.write(reply.choices[0].message.content + "\\n");`,
      ].join("\n"),
    },
    {
      id: "python-anthropic",
      label: "Anthropic Python",
      language: "python",
      code: [
        "import os",
        "from anthropic import Anthropic",
        "",
        `client = Anthropic(base_url=${lit(urls.anthropic)}, api_key=os.environ["SWITCHYARD_TOKEN"])`,
        "message = client.messages.create(",
        `    model=${lit(m)},`,
        "    max_tokens=1024,",
        `    messages=[{"role": "user", "content": "Hello!"}],`,
        ")",
        "print(message.content[0].text)",
      ].join("\n"),
    },
    {
      id: "claude-code",
      label: "Claude Code",
      language: "shell",
      code: [
        `export ANTHROPIC_BASE_URL=${shellQuote(urls.anthropic)}`,
        `export ANTHROPIC_AUTH_TOKEN="$SWITCHYARD_TOKEN"`,
        `claude --model ${shellQuote(m)}`,
      ].join("\n"),
    },
    {
      id: "codex",
      label: "Codex CLI",
      language: "toml",
      code: [
        "# ~/.codex/config.toml (Codex reads the token from SWITCHYARD_TOKEN)",
        `model = ${toml(m)}`,
        `model_provider = "switchyard"`,
        "",
        "[model_providers.switchyard]",
        `name = "Switchyard"`,
        `base_url = ${toml(urls.openai)}`,
        `wire_api = "responses"`,
        `env_key = "SWITCHYARD_TOKEN"`,
      ].join("\n"),
    },
    {
      id: "gemini-cli",
      label: "Gemini CLI",
      language: "shell",
      code: [
        "# In ~/.gemini/settings.json (merge it into an existing file):",
        `#   {"security":{"auth":{"selectedType":"gemini-api-key"}}}`,
        `export GOOGLE_GEMINI_BASE_URL=${shellQuote(urls.gemini)}`,
        `export GEMINI_API_KEY="$SWITCHYARD_TOKEN"`,
        `gemini -m ${shellQuote(m)}`,
      ].join("\n"),
    },
    {
      id: "mcp",
      label: "MCP (agents)",
      language: "shell",
      code: [
        "# Claude Code: Switchyard's tools (ask, status, costs, readiness, …) over stdio",
        "claude mcp add switchyard -- switchyard mcp",
        "",
        "# Codex CLI, in ~/.codex/config.toml:",
        "#   [mcp_servers.switchyard]",
        '#   command = "switchyard"',
        '#   args = ["mcp"]',
        "",
        "# Any MCP client over Streamable HTTP, with a token:",
        `#   ${urls.anthropic}/mcp   (Authorization: Bearer $SWITCHYARD_TOKEN)`,
      ].join("\n"),
    },
    {
      id: "metrics",
      label: "Prometheus",
      language: "shell",
      code: [
        "# This computer reads the metrics without a token (unless Gateway settings ask for one):",
        `curl ${urls.anthropic}/metrics`,
        "",
        "# From another machine, or with \"Require a token for metrics\" on:",
        `curl -H "Authorization: Bearer $SWITCHYARD_TOKEN" ${urls.anthropic}/metrics`,
        "",
        "# prometheus.yml:",
        "#   - job_name: switchyard",
        `#     static_configs: [{ targets: [${JSON.stringify(urls.anthropic.replace(/^https?:\/\//, ""))}] }]`,
      ].join("\n"),
    },
    {
      id: "env",
      label: "Other tools (env)",
      language: "shell",
      code: [
        "# Tools that speak the OpenAI API (aider, opencode, scripts)",
        `export OPENAI_BASE_URL=${shellQuote(urls.openai)}`,
        `export OPENAI_API_KEY="$SWITCHYARD_TOKEN"`,
        "",
        "# Tools that speak the Anthropic API",
        `export ANTHROPIC_BASE_URL=${shellQuote(urls.anthropic)}`,
        `export ANTHROPIC_API_KEY="$SWITCHYARD_TOKEN"`,
        "",
        "# Tools that speak Gemini's API",
        `export GOOGLE_GEMINI_BASE_URL=${shellQuote(urls.gemini)}`,
        `export GEMINI_API_KEY="$SWITCHYARD_TOKEN"`,
      ].join("\n"),
    },
  ];
}

/**
 * A Prometheus scrape job for the gateway at `address` (`127.0.0.1:4141`) with a scrape token, in
 * the `authorization` form Prometheus expects (it sends `Authorization: Bearer <credentials>`).
 */
export function prometheusJob(address: string, token: string): string {
  return [
    "scrape_configs:",
    "  - job_name: switchyard",
    "    authorization:",
    `      credentials: ${JSON.stringify(token)}`,
    "    static_configs:",
    `      - targets: [${JSON.stringify(address)}]`,
  ].join("\n");
}
