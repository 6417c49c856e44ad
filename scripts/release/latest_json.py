#!/usr/bin/env python3
"""The update manifest (`latest.json`, Tauri's updater format) for a release's packages.

    latest_json.py --version v0.2.0 --base-url URL [--notes-file F] DIR > latest.json

DIR holds the packages `tauri build` made with updater signatures (`createUpdaterArtifacts`),
each beside its `.sig`. Every package gets the platform keys the updater looks for: the one with
its installer (`linux-x86_64-deb`, `windows-x86_64-nsis`, `darwin-aarch64-app`, ...) and, for
the format a bare install updates to, the plain `{os}-{arch}`. A package without its signature,
a signature whose trusted comment names another file (installed copies refuse it: the signature
binds the file name, and the name says the platform), or a key two packages claim, is an error:
a manifest is published whole or not at all.
Standard library only (the release job runs it on a bare runner)."""

import argparse
import base64
import datetime
import json
import pathlib
import re
import sys

ARCH = {"amd64": "x86_64", "x64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}

# (name ending, os, installer, whether it also serves the plain {os}-{arch} key)
KINDS = [
    (".deb", "linux", "deb", False),
    (".rpm", "linux", "rpm", False),
    (".AppImage", "linux", "appimage", True),
    ("-setup.exe", "windows", "nsis", True),
    (".msi", "windows", "msi", False),
    (".app.tar.gz", "darwin", "app", True),
]


def keys_for(name):
    """The platform keys of the package called `name`, or None when it is not one."""
    for ending, os_name, installer, plain in KINDS:
        if not name.endswith(ending):
            continue
        tokens = re.split(r"[_.\-]", name[: -len(ending)])
        arch = next((ARCH[t] for t in reversed(tokens) if t in ARCH), None)
        if arch is None:
            raise SystemExit(f"{name}: no architecture in the name (amd64, x64, aarch64, ...)")
        base = f"{os_name}-{arch}"
        return [f"{base}-{installer}"] + ([base] if plain else [])
    return None


def signed_file(signature):
    """The `file:` its trusted comment names (the base64 of a minisign signature file), or None."""
    for line in base64.b64decode(signature).decode().splitlines():
        if line.startswith("trusted comment: "):
            fields = line[len("trusted comment: "):].split("\t")
            return next((f[len("file:"):] for f in fields if f.startswith("file:")), None)
    return None


def manifest(version, base_url, notes, folder):
    platforms = {}
    for path in sorted(folder.iterdir()):
        keys = keys_for(path.name)
        if keys is None:
            continue
        sig = path.with_name(path.name + ".sig")
        if not sig.is_file():
            raise SystemExit(f"{path.name} has no updater signature ({sig.name}): was the signing key set?")
        signature = sig.read_text().strip()
        signed = signed_file(signature)
        if signed != path.name:
            raise SystemExit(f"{path.name}: its signature is for the file {signed} (sign it again under this name)")
        entry = {"url": f"{base_url.rstrip('/')}/{path.name}", "signature": signature}
        for key in keys:
            if key in platforms:
                raise SystemExit(f"{key}: claimed by {platforms[key]['url']} and {entry['url']}")
            platforms[key] = entry
    if not platforms:
        raise SystemExit(f"no packages in {folder}")
    return {
        "version": version.removeprefix("v"),
        "notes": notes,
        "pub_date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platforms": platforms,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--version", required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--notes-file")
    p.add_argument("folder", type=pathlib.Path)
    a = p.parse_args()
    notes = pathlib.Path(a.notes_file).read_text().strip() if a.notes_file else f"Switchyard {a.version}"
    json.dump(manifest(a.version, a.base_url, notes, a.folder), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
