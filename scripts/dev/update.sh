# Sourced by ./dev: the update end to end (tests/update). The debug builds ./dev makes trust a
# throw-away signing key instead of the release key, so the test can sign a newer build the way
# a release is signed; release builds (`./dev package`, the release workflow) keep the real one.

UPDATE_KEY_DIR="$ROOT/target/update-test-key"

# Exports SWITCHYARD_UPDATE_PUBKEY, the public half of this target folder's throw-away key (made
# once, then kept, so builds do not change key between runs). Needs the UI's npm packages (the
# Tauri CLI signs and makes keys).
update_test_key() {
  if [ ! -s "$UPDATE_KEY_DIR/key.pub" ]; then
    mkdir -p "$UPDATE_KEY_DIR"
    rm -f "$UPDATE_KEY_DIR/key" "$UPDATE_KEY_DIR/key.pub"
    (cd "$ROOT/ui" && CI=true node_modules/.bin/tauri signer generate --ci -p "" -w "$UPDATE_KEY_DIR/key" >/dev/null)
  fi
  SWITCHYARD_UPDATE_PUBKEY=$(cat "$UPDATE_KEY_DIR/key.pub")
  export SWITCHYARD_UPDATE_PUBKEY
}

# The version after `1.2.3`: `1.2.4`.
next_patch() {
  local major minor patch
  IFS=. read -r major minor patch <<<"${1%%[-+]*}"
  printf '%s.%s.%s\n' "$major" "$minor" $((patch + 1))
}

# Builds version N+1's .deb from a copy of this tree with the version bumped (target/update-e2e):
# its binaries go to their own folder, while the compiled dependencies are shared with the
# debug build (cargo's build-dir), so only the workspace's own crates are compiled again.
# Prints the package's path.
build_next_deb() {
  local version=$1 next=$2 main=$ROOT work="$ROOT/target/update-e2e"
  rm -rf "$work/src"
  mkdir -p "$work/src"
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$work/src"
  sed -i "0,/^version = \"$version\"/s//version = \"$next\"/" "$work/src/Cargo.toml"
  sed -i "0,/\"version\": \"$version\"/s//\"version\": \"$next\"/" "$work/src/tauri.conf.json"
  grep -q "^version = \"$next\"" "$work/src/Cargo.toml" || die "the copy's Cargo.toml was not bumped to $next"
  grep -q "\"version\": \"$next\"" "$work/src/tauri.conf.json" || die "the copy's tauri.conf.json was not bumped to $next"
  ln -s "$ROOT/ui/node_modules" "$work/src/ui/node_modules"
  cp -r "$ROOT/ui/dist" "$work/src/ui/dist"
  (
    ROOT="$work/src"
    cd "$ROOT"
    export CARGO_TARGET_DIR="$work/target" CARGO_BUILD_BUILD_DIR="$main/target"
    bundle_deb debug app >&2
  )
  ls "$work"/target/debug/bundle/deb/*.deb
}

# Version N (the debug .deb `./dev test` built and checked) updates itself to N+1, through the
# window and through `switchyard update apply`, from a release server on 127.0.0.1; tampered,
# badly signed and older releases are refused. Installs and removes the package (as root).
update_e2e() {
  ensure_apt sudo # the updater plugin installs a .deb through pkexec, or else sudo
  local version next deb_n deb_next
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
  next=$(next_patch "$version")
  deb_n=$(ls "$ROOT"/target/debug/bundle/deb/*_"$version"_*.deb)
  log "the update end to end: building $next's .deb from a copy of this tree (the app's own crates only)"
  deb_next=$(build_next_deb "$version" "$next")
  log "the update end to end: $version installed, updated to $next through the window and the CLI"
  in_test_session env UPDATE_DEB_N="$deb_n" UPDATE_DEB_NEXT="$deb_next" \
    UPDATE_KEY="$UPDATE_KEY_DIR/key" UPDATE_VERSION_N="$version" UPDATE_VERSION_NEXT="$next" \
    node --test --test-reporter=spec tests/update/install.test.js
}

cmd_update_e2e() {
  cmd_setup
  ensure_apt "${TEST_PKGS[@]}"
  ensure_tauri_driver
  npm_install "$ROOT/tests/e2e"
  update_test_key
  build_ui
  bundle_deb debug app
  update_e2e
}
