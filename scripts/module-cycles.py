#!/usr/bin/env python3
"""Module cycles in every crate of the workspace, read from the source: a module that uses
another module which (directly or not) uses it back. A cycle is how one part of a crate ends up
reaching into another's internals, so `./dev test` fails on any.

The graph has one node per module file (`tools/connect.rs` is `tools::connect`; `#[cfg(test)]`
test modules and `tests/`, `benches/`, `examples/` are left out). A module depends on another
when its code names it: `crate::a::b`, `super::x`, `self::x`, or a child module by its name
(`json::parse`). Declaring a child (`mod json;`) and re-exporting a child's items from its parent
(`pub use json::Editor;`) are not dependencies: they are how a parent presents its children.
A path names the deepest module it reaches (`crate::tools::connect::run` is `tools::connect`).
Using what an ancestor module defines (`super::Health`, `crate::GatewayState`) is not counted:
a module lives in its ancestors' context; cycles are between siblings and across subtrees.

Usage: module-cycles.py [CRATE_DIR …]   (default: every crates/*, src-tauri, src-tauri/*)
Exit 1 and one line per cycle when there is one.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super|self)::\{([^}]*)\}")
MOD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M)
REEXPORT = re.compile(r"^\s*pub(?:\([^)]*\))?\s+use\s+(?:self::)?([a-z_][a-z0-9_]*)::", re.M)
TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)")


def strip(text):
    """The code without comments, string literals (paths in docs or strings are not uses) and
    inline test modules (`#[cfg(test)] mod tests { … }`, to the end of the file)."""
    test = re.search(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*mod\s+\w+\s*\{", text)
    if test:
        text = text[: test.start()]
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def modules(src):
    """Module path (tuple) → file, for every file under `src` reachable as a module."""
    out = {}
    roots = [p for p in (src / "lib.rs", src / "main.rs") if p.exists()]
    stack = [((), r) for r in roots[:1]]
    while stack:
        path, file = stack.pop()
        if path in out:
            continue
        out[path] = file
        raw = file.read_text(encoding="utf-8")
        tests = set(TEST_MOD.findall(raw))
        code = strip(raw)
        base = file.parent if file.name in ("lib.rs", "main.rs", "mod.rs") else file.with_suffix("")
        for m in re.finditer(r"(#\[path\s*=\s*\"([^\"]+)\"\]\s*)?" + MOD.pattern.lstrip("^"), raw, re.M):
            name = m.group(3)
            if name in tests:
                continue
            if m.group(2):
                child = file.parent / m.group(2)
            else:
                child = base / f"{name}.rs"
                if not child.exists():
                    child = base / name / "mod.rs"
            if child.exists():
                stack.append((path + (name,), child))
        del code
    return out


def edges(mods):
    graph = {m: set() for m in mods}
    for mod, file in mods.items():
        code = strip(file.read_text(encoding="utf-8"))
        children = {c[-1] for c in mods if len(c) == len(mod) + 1 and c[:-1] == mod}
        reexported = set(REEXPORT.findall(code)) & children
        names = []
        for g in GROUP.finditer(code):
            for part in g.group(2).split(","):
                part = part.strip().split(" as ")[0]
                if part:
                    names.append((g.group(1), "::" + part.replace(" ", "")))
        names += [(m.group(1), m.group(2)) for m in PATH.finditer(code)]
        for head, rest in names:
            parts = [p for p in rest.split("::") if p]
            if head == "crate":
                start = ()
            elif head == "super":
                start = mod[:-1]
                while parts and parts[0] == "super":
                    start, parts = start[:-1], parts[1:]
            else:
                start = mod
            target = deepest(mods, start, parts)
            # What an ancestor defines is the context a module lives in (the crate root's shared
            # state, a feature's own types): using it is not a dependency that can close a cycle.
            if target is not None and target != mod and mod[: len(target)] != target:
                graph[mod].add(target)
        for name in children - reexported:
            if re.search(rf"(?<![:\w]){name}::", code):
                graph[mod].add(mod + (name,))
    return graph


def deepest(mods, start, parts):
    node = start if start in mods else None
    cur = start
    for p in parts:
        cur = cur + (p,)
        if cur in mods:
            node = cur
        else:
            break
    return node


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def crate_dirs(args):
    if args:
        return [pathlib.Path(a).resolve() for a in args]
    dirs = sorted(ROOT.glob("crates/*")) + [ROOT / "src-tauri"] + sorted(ROOT.glob("src-tauri/*"))
    return [d for d in dirs if (d / "Cargo.toml").exists() and (d / "src").is_dir()]


def self_test():
    """The check must see a cycle where there is one: two sibling modules that use each other
    (and not a child using its parent's types)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        (src / "c").mkdir(parents=True)
        (src / "lib.rs").write_text("mod a;\nmod b;\nmod c;\npub struct Root;\n")
        (src / "a.rs").write_text("use crate::b::B;\npub struct A(B);\n")
        (src / "b.rs").write_text("// crate::a::A in a comment is not a use\npub fn f() -> crate::a::A { todo!() }\npub struct B;\n")
        (src / "c" / "mod.rs").write_text("mod d;\npub use d::D;\npub struct C(crate::Root);\n")
        (src / "c" / "d.rs").write_text("pub struct D(super::C);\n")
        found = cycles(edges(modules(src)))
        assert found == [[("a",), ("b",)]], found


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        print("module cycles: the check finds a cycle between siblings, and none to an ancestor")
        return
    found = 0
    for crate in crate_dirs(sys.argv[1:]):
        mods = modules(crate / "src")
        for comp in cycles(edges(mods)):
            found += 1
            shown = " <-> ".join("::".join(m) or "(root)" for m in comp)
            print(f"{crate.relative_to(ROOT)}: {shown}")
    if found:
        print(f"{found} module cycle(s): break each by moving what both sides need into its own "
              "module, or by passing it in", file=sys.stderr)
        sys.exit(1)
    print("module cycles: none")


if __name__ == "__main__":
    main()
