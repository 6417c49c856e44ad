// The team gateway's plumbing for team.test.js: a throw-away PostgreSQL and Redis
// (`switchyard-team-servers`, which also stops and restarts them on request), three
// `switchyard-serve serve --team … --redis …` replicas — each with its own data folder and its own
// keychain entry for the provider key, configured alike by the CLI — behind a real nginx upstream
// block, and psql to read the team's ledger.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import {
  MOCK_KEY, noProxyForLoopback, root, runCommand, scrubProviderEnv, serveBinary, spawnUntil, stripAnsi,
  freePort,
} from "./harness.js";

const serversBinary = path.join(root, "target/debug/switchyard-team-servers");

/** PostgreSQL and Redis of their own; `control("postgres restart")` and the like. */
export async function startServers() {
  if (!fs.existsSync(serversBinary)) {
    throw new Error(`${serversBinary} is missing: cargo build -p switchyard-team --features testing --bin switchyard-team-servers`);
  }
  const proc = spawn(serversBinary, [], { stdio: ["pipe", "pipe", "inherit"] });
  // Its stdin closes when it exits; a command sent then fails through `control`'s answer (none
  // comes), not as an uncaught EPIPE.
  proc.stdin.on("error", () => {});
  const lines = readline.createInterface({ input: proc.stdout });
  const waiting = [];
  lines.on("line", (l) => waiting.shift()?.(l));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const urls = JSON.parse(await next());
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  return {
    ...urls,
    pid: proc.pid,
    /** Sends one command and waits for its `ok`. */
    async control(command) {
      const answer = next();
      proc.stdin.write(`${command}\n`);
      const said = await answer;
      if (said !== "ok") throw new Error(`${command}: ${said}`);
    },
    /** Every Redis key with its values (binary decoded lossily), as an object. */
    async redisDump() {
      const dump = next();
      const done = next();
      proc.stdin.write("redis dump\n");
      const text = await dump;
      if ((await done) !== "ok") throw new Error(`redis dump: ${text}`);
      return JSON.parse(text);
    },
    /** Closing stdin stops both servers and removes their folders. */
    async stop() {
      proc.stdin.end();
      await exited;
    },
  };
}

/** `psql` against the team database; rows as arrays of strings. */
export function psql(url, sql) {
  return new Promise((resolve, reject) => {
    execFile("psql", [url, "-AtqX", "-F", "\t", "-c", sql], { encoding: "utf8", maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`psql: ${err.message}\n${stderr}`));
      else resolve(stdout.split("\n").filter(Boolean).map((l) => l.split("\t")));
    });
  });
}

/** An OpenAI-compatible provider that always fails (500), counting the calls it gets. */
export async function startFailing() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls += 1;
    req.resume();
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "the provider is down", type: "server_error" } }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    calls: () => calls,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * An OpenAI-compatible provider that answers every chat completion after `delayMs`, counting
 * them: a fetch slow enough for another replica to ask the same question meanwhile.
 */
export async function startSlow(delayMs) {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.method !== "POST") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "slow-model", object: "model" }] }));
      return;
    }
    calls += 1;
    const n = calls;
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id: `chatcmpl-slow-${n}`, object: "chat.completion", created: 1, model: "slow-model",
        choices: [{ index: 0, message: { role: "assistant", content: `answer ${n}` }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      }));
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    calls: () => calls,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * One replica's data folder, configured by the CLI as every replica is: `backends` added (with a
 * team: to the team's records, once; their keys into this replica's own keychain entry), the
 * `setup` commands run (with a team, `route` and `budget` write the team's records), `limits`
 * (backend name → requests a minute) applied to this replica's copy by `config export` /
 * `config import`.
 */
async function configure(servers, backends, limits, setup, index) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-team-${index}-`));
  const env = noProxyForLoopback({
    ...scrubProviderEnv({ ...process.env }),
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_KEYRING_SERVICE: `switchyard-team-test-${process.pid}-${index}`,
    SWITCHYARD_GATEWAY_PORT: "0",
    NO_COLOR: "1",
    HOME: dataDir,
  });
  // No servers: a replica on its own (the benchmark's single-node floor).
  if (servers) {
    env.SWITCHYARD_TEAM_DATABASE_URL = servers.postgres;
    // None: a replica started without Redis.
    if (servers.redis) env.SWITCHYARD_TEAM_REDIS_URL = servers.redis;
  }
  for (const b of backends) {
    const args = ["backend", "add", b.name, "--kind", b.kind, "--base-url", b.baseUrl, "--model", b.model];
    if (!servers) {
      if (b.key) args.push("--key-stdin");
      await runCommand(env, args, b.key ? `${b.key}\n` : "");
      continue;
    }
    // With a team: the backend is the team's (added once, from the first replica's shell), and
    // its key this replica's own (`key add` takes the team's backends first).
    if (index === 0) await runCommand(env, args);
    if (b.key) await runCommand(env, ["key", "add", b.name], `${b.key}\n`);
  }
  for (const args of setup) await runCommand(env, args);
  let config = (await runCommand(env, ["config", "export"])).stdout;
  for (const [name, rpm] of Object.entries(limits)) {
    const line = `name = "${name}"\n`;
    if (!config.includes(line)) throw new Error(`no ${name} in the export:\n${config}`);
    config = config.replace(line, `${line}requestsPerMinute = ${rpm}\n`);
  }
  const file = path.join(dataDir, "team.toml");
  fs.writeFileSync(file, config);
  await runCommand(env, ["config", "import", file]);
  return { dataDir, env };
}

/** Starts a configured replica (`switchyard-serve serve`, or `serve.bin serve.args`); resolves once it listens. */
async function launch({ dataDir, env }, serve = { bin: serveBinary, args: ["serve"] }) {
  const run = spawnUntil(serve.bin, serve.args, env, /Switchyard gateway listening on (http:\/\/127\.0\.0\.1:\d+)/, "a team replica");
  const origin = await run.ready;
  return {
    origin,
    dataDir,
    env,
    port: Number(new URL(origin).port),
    /** `switchyard-serve ARGS…` as this replica's administrator. */
    command: (...args) => runCommand(env, args),
    pid: run.proc.pid,
    kill: () => run.proc.kill("SIGKILL"),
    stderr: () => stripAnsi(run.out.stderr),
    async stop() {
      const exit = await run.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      return exit;
    },
  };
}

/**
 * Starts `replica` again (after a kill) on its data folder and port: what its outbox kept is
 * sent at the start, and nginx finds it where it was.
 */
export async function relaunch(replica) {
  return launch({ dataDir: replica.dataDir, env: { ...replica.env, SWITCHYARD_GATEWAY_PORT: String(replica.port) } });
}

/**
 * `count` replicas configured alike (see `configure`), each also by the CLI commands of `setup`
 * (argument lists). `first`: the first one's index (above 0: the team's backends exist already).
 * `serve(index)`: the program and arguments a replica runs as, when not `switchyard-serve serve`
 * (the browser panel's suite serves one with `switchyard-tray serve --ui`).
 */
export async function startReplicas(servers, count, { backends, limits = {}, setup = [], first = 0, serve = () => undefined }) {
  const replicas = [];
  for (let i = first; i < first + count; i += 1) {
    replicas.push(await launch(await configure(servers, backends, limits, setup, i), serve(i)));
  }
  return replicas;
}

/**
 * nginx in front of `replicas` (one upstream block, round robin). A replica that refuses
 * connections is skipped (`proxy_next_upstream error`); `X-Upstream` names the replica that
 * answered.
 */
export async function startNginx(replicas) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-team-nginx-"));
  const port = await freePort();
  const servers = replicas.map((r) => `    server 127.0.0.1:${r.port} max_fails=1 fail_timeout=2s;`).join("\n");
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n");
  fs.writeFileSync(path.join(dir, "nginx.conf"), `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
${temp}
  upstream team {
${servers}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://team;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout non_idempotent;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`);
  const nginx = fs.existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  const proc = spawn(nginx, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  const deadline = Date.now() + 10000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (up) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`nginx did not start: ${stderr}\n${fs.readFileSync(path.join(dir, "error.log"), "utf8")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGQUIT");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { MOCK_KEY };
