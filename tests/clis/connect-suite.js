// What both connect suites (connect.test.js, connect-agents.test.js) stand on: a gateway stack on
// the Demo backend and a scratch folder for the users' HOMEs, started before the suite's tests and
// stopped after them; `switchyard-serve` run as one of those users; the ledger rows of a token.
import { after, before } from "node:test";
import { execFile } from "node:child_process";
import path from "node:path";
import { serveBinary, startStack } from "../sdk/harness.js";
import { scratch } from "./cli.js";

/**
 * Registers the suite's `before`/`after` (call it inside `describe`); `tokenName` names the
 * stack's own token. `userEnv(home)`: variables the user's `switchyard` runs add to HOME and
 * XDG_CONFIG_HOME. `stack` and `home` are usable once the tests run.
 */
export function connectSuite(tokenName, userEnv = () => ({})) {
  let stack;
  let tmp;

  before(async () => {
    tmp = scratch();
    stack = await startStack({ tokenName });
  });

  after(async () => {
    try {
      if (stack) await stack.stop();
    } finally {
      tmp?.remove();
    }
  });

  return {
    get stack() {
      return stack;
    },
    /** A fresh HOME in the scratch folder. */
    home: (name) => tmp.home(name),

    /** `switchyard-serve ARGS` as the user in `home`, next to the running gateway. */
    switchyard(home, ...args) {
      const port = new URL(stack.gw.origin).port;
      const env = { ...stack.gw.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), ...userEnv(home), SWITCHYARD_GATEWAY_PORT: port };
      return new Promise((resolve) => {
        execFile(serveBinary, args, { env, encoding: "utf8", timeout: 60000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
        });
      });
    },

    /** The ledger rows of `tokenName`, once there are at least `n`. */
    async rowsFor(tokenName, n) {
      const rows = await stack.gw.waitForRequests((rs) => rs.filter((r) => r.tokenName === tokenName).length >= n, { limit: 1000 });
      return rows.filter((r) => r.tokenName === tokenName);
    },
  };
}
