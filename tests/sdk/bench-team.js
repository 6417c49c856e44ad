// `./dev bench-team` (second part): one replica against three, on this machine, side by side in
// one run. The same small chat completion (scripts/bench-proxy.lua) under wrk (one thread, 8 in
// flight) against:
//   single     switchyard-serve on its own (no team): the floor;
//   team-1     one team replica (PostgreSQL ledger, Redis) under a team hard budget far above the
//              load, so every request makes its one Redis round trip (the reservation; its
//              settlement follows off the request path);
//   team-1+lb  the same replica behind nginx (the load balancer's hop, measured alone);
//   team-3+lb  three team replicas behind nginx.
// CPU per request is utime+stime (/proc/PID/stat) of every process serving (replicas, nginx,
// redis-server, PostgreSQL's processes) over the run and one second after it (the ledgers
// drain), divided by the requests wrk completed, split into the gateways' (replicas and nginx)
// and the shared servers'; the mock provider and wrk are left out. Two cores cannot show throughput scaling: what this shows
// is what a request costs in each layout. BENCH_SECONDS (default 8) per run, BENCH_RUNS (default
// 3); medians printed. Needs wrk and a release switchyard-serve (SWITCHYARD_SERVE).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MOCK_KEY, root, startMock } from "./harness.js";
import { startNginx, startReplicas, startServers } from "./team-harness.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const lua = path.join(root, "scripts/bench-proxy.lua");
const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** CPU seconds used so far by `pids` and their children (threads are in the process's figure). */
function cpu(pids) {
  let total = 0;
  const seen = new Set();
  const visit = (pid) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
    } catch { return; }
    const kids = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).stdout;
    for (const k of kids.split("\n").map((l) => Number(l.trim())).filter(Boolean)) visit(k);
  };
  for (const p of pids) visit(p);
  return total;
}

function wrk(origin, token) {
  const out = execFileSync("wrk", ["-t1", "-c8", `-d${seconds}s`, "-s", lua, `${origin}/v1/chat/completions`], {
    encoding: "utf8", env: { ...process.env, BENCH_TOKEN: token },
  });
  const line = out.split("\n").find((l) => l.startsWith("BENCH "));
  const r = Object.fromEntries(line.slice(6).split(" ").map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)]));
  if (r.non2xx || r.sockerr) {
    if (process.env.BENCH_DEBUG) console.error(`${origin}: ${line}`);
    else throw new Error(`${origin}: ${line}`);
  }
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const mock = await startMock();
  const servers = await startServers();
  // A priced model, so the team budget below covers every request.
  const backends = [{ name: "Mock", kind: "openai", baseUrl: `${mock.origin}/v1`, model: "gpt-4o-mini", key: MOCK_KEY }];
  const [single] = await startReplicas(null, 1, { backends });
  const team = await startReplicas(servers, 3, { backends });
  await team[0].command("team", "budget", "add", "Everyone", "--limit", "10000000", "--period", "day", "--hard-stop");
  const lb1 = await startNginx([team[0]]);
  const lb3 = await startNginx(team);
  const made = await team[0].command("team", "token", "create", "bench", "--owner", "bench@example.com");
  const teamToken = made.stdout.trim();
  const localToken = (await single.command("token", "create", "bench")).stdout.trim();
  const shared = [servers.pid, servers.postgresPid]; // redis-server is the former's child
  const targets = [
    ["single", single.origin, localToken, [single.pid]],
    ["team-1", team[0].origin, teamToken, [team[0].pid]],
    ["team-1+lb", lb1.origin, teamToken, [lb1.pid, team[0].pid]],
    ["team-3+lb", lb3.origin, teamToken, [lb3.pid, ...team.map((r) => r.pid)]],
  ];
  const results = Object.fromEntries(targets.map(([name]) => [name, []]));
  try {
    for (const [, origin, token] of targets) wrk(origin, token); // warm-up (connections, caches)

    for (let run = 0; run < runs; run += 1) {
      for (const [name, origin, token, pids] of targets) {
        const [before, servers0] = [cpu(pids), cpu(shared)];
        const r = wrk(origin, token);
        await new Promise((res) => setTimeout(res, 1000)); // the ledgers drain into the run's count
        const used = cpu(pids) - before;
        const serversUsed = name === "single" ? 0 : cpu(shared) - servers0;
        const per = (s) => (s * 1e6) / r.requests;
        results[name].push({ ...r, cpuUs: per(used + serversUsed), gatewayUs: per(used), serversUs: per(serversUsed) });
      }
    }
  } finally {
    if (process.env.BENCH_DEBUG) {
      for (const r of [single, ...team]) console.error(r.origin, r.stderr().split("\n").filter((l) => /WARN|ERROR/.test(l)).slice(-5).join("\n"));
    }
    await lb3.stop();
    await lb1.stop();
    for (const r of [single, ...team]) await r.stop();
    await servers.stop();
    await mock.stop();
  }
  const floor = results.single;
  const f = { rps: median(floor.map((r) => r.rps)), p50: median(floor.map((r) => r.p50)), cpu: median(floor.map((r) => r.cpuUs)) };
  console.log(`one replica against three, ${runs} runs of ${seconds} s, 8 in flight (medians):`);
  console.log("target       req/s   p50 µs   p99 µs   CPU µs/request (gateways + PostgreSQL/Redis)   vs single: p50, CPU/request");
  for (const [name] of targets) {
    const rs = results[name];
    const m = (k) => median(rs.map((r) => r[k]));
    const split = `${m("gatewayUs").toFixed(0)} + ${m("serversUs").toFixed(0)}`;
    console.log(`${name.padEnd(10)} ${m("rps").toFixed(0).padStart(7)} ${m("p50").toFixed(0).padStart(8)} ${m("p99").toFixed(0).padStart(8)} ${m("cpuUs").toFixed(0).padStart(8)} (${split})`.padEnd(72) + `${(m("p50") / f.p50).toFixed(2)}x, ${(m("cpuUs") / f.cpu).toFixed(2)}x`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
