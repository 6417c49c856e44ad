// Hostile arguments for every command the page can call, made from the page's own bindings
// (ui/src/bindings.ts, generated from the Rust command list): the TypeScript compiler reads each
// command's parameter types, and every string anywhere in them — top-level arguments and every
// field of every form, list and map — gets the hostile value, while enums keep a value they
// accept so the call reaches the code behind the parsing. A command added to the list is called
// here without anyone writing a line for it.
import { createRequire } from "node:module";
import path from "node:path";
import { root } from "./harness.js";

const require = createRequire(import.meta.url);
const ts = require(path.join(root, "ui/node_modules/typescript"));

const BINDINGS = path.join(root, "ui/src/bindings.ts");

/** A value of `type` with `hostile` in every string; `null` where nothing fits. */
function valueOf(checker, type, hostile, depth = 0) {
  const F = ts.TypeFlags;
  if (depth > 8) return null;
  if (type.flags & F.StringLiteral) return type.value;
  if (type.flags & F.NumberLiteral) return type.value;
  if (type.flags & F.BooleanLiteral) return type.intrinsicName === "true";
  if (type.flags & (F.String | F.TemplateLiteral)) return hostile;
  if (type.flags & F.Number) return 1;
  if (type.flags & F.Boolean) return false;
  if (type.flags & (F.Null | F.Undefined | F.Void)) return null;
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & (F.Null | F.Undefined)));
    if (members.length === 0) return null;
    // A string among them takes the hostile value; `false | true` is a boolean.
    const pick = members.find((t) => t.flags & (F.String | F.TemplateLiteral)) ?? members[0];
    return valueOf(checker, pick, hostile, depth + 1);
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const args = checker.getTypeArguments(type);
    return args.map((t) => valueOf(checker, t, hostile, depth + 1)).slice(0, checker.isTupleType(type) ? undefined : 1);
  }
  if (type.isIntersection()) {
    return Object.assign({}, ...type.types.map((t) => valueOf(checker, t, hostile, depth + 1)));
  }
  if (type.flags & F.Object) {
    const out = {};
    for (const prop of checker.getPropertiesOfType(type)) {
      const t = checker.getTypeOfSymbol(prop);
      out[prop.name] = valueOf(checker, t, hostile, depth + 1);
    }
    const index = checker.getIndexInfosOfType(type)[0];
    if (index) out[hostile.length > 200 ? "k" : hostile] = valueOf(checker, index.type, hostile, depth + 1);
    return out;
  }
  return null;
}

/** Every command of the bindings: its name as the core knows it, and its arguments for `hostile`. */
export function hostileCalls(hostile) {
  const program = ts.createProgram([BINDINGS], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(BINDINGS);
  let commands;
  ts.forEachChild(source, (node) => {
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) if (d.name.getText(source) === "commands") commands = d;
    }
  });
  if (!commands) throw new Error("bindings.ts has no `commands`");
  const calls = [];
  for (const prop of commands.initializer.properties) {
    const text = prop.getText(source);
    const name = text.match(/__TAURI_INVOKE\("([a-z0-9_]+)"/)?.[1];
    if (!name) continue;
    const fn = prop.initializer;
    const args = {};
    for (const param of fn.parameters) {
      const type = checker.getTypeAtLocation(param);
      args[param.name.getText(source)] = valueOf(checker, type, hostile);
    }
    calls.push({ name, args });
  }
  return calls;
}
