#!/usr/bin/env bash
# Line endings as Git for Windows would check them out: clones this repository's committed files (with the
# working tree's .gitattributes) using core.autocrlf=true, Windows' default, and asserts that everything a Linux
# container or shell runs (mvnw, *.sh, Dockerfile*, compose and Kubernetes YAML, the test fakes) has no CR, and
# that the Windows scripts (*.ps1, *.cmd) have CRLF. Also checks the repository's index holds no CRLF file
# except through an attribute (git ls-files --eol).
# Usage: check-line-endings.sh [ATTRIBUTES_FILE]  (default: the repository's .gitattributes; run-all.sh also
# passes an empty file to see the check fail without it)
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ATTRS="$(realpath "${1:-$REPO_DIR/.gitattributes}")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$REPO_DIR"

bad=0
# The index: every text file stored with LF (a CRLF blob would reach Linux checkouts as CRLF).
while read -r line; do
  echo "stored with CRLF in the index (run: git add --renormalize .): $line"
  bad=1
done < <(git ls-files --eol | awk '$1 == "i/crlf" || $1 == "i/mixed"')

# A copy of the committed tree plus the working .gitattributes, checked out the way Git for Windows would.
git ls-files -z | tar --null -T - -cf "$TMP/src.tar" 2>/dev/null || true
mkdir "$TMP/src" && tar -xf "$TMP/src.tar" -C "$TMP/src"
cp "$ATTRS" "$TMP/src/.gitattributes"
(cd "$TMP/src" && git init -q && git add -A && git -c user.name=check -c user.email=check@localhost commit -qm snapshot)
git -c core.autocrlf=true clone -q "$TMP/src" "$TMP/win"
cd "$TMP/win"

lf_files=$(git ls-files | grep -E '(^|/)(mvnw|Dockerfile[^/]*|[^/]+\.(sh|bash|yml|yaml|dockerignore|template))$|^infra/test/fake-(bin|run-local)/' || true)
crlf_files=$(git ls-files | grep -E '\.(ps1|cmd|bat)$' || true)
[[ -n "$lf_files" && -n "$crlf_files" ]] || { echo "no files found to check"; exit 1; }
for f in $lf_files; do
  if grep -q $'\r' "$f"; then echo "CRLF in a Windows checkout (needs eol=lf in .gitattributes): $f"; bad=1; fi
done
for f in $crlf_files; do
  if grep -q $'[^\r]$' "$f" || ! grep -q $'\r$' "$f"; then echo "not CRLF in a Windows checkout (needs eol=crlf): $f"; bad=1; fi
done
# mvnw must still run after such a checkout (the native image build runs it in a Linux container).
if ! sh -n mvnw; then echo "mvnw does not parse after a Windows checkout"; bad=1; fi

((bad == 0)) || exit 1
echo "Windows checkout (core.autocrlf=true): $(wc -w <<<"$lf_files") files LF, $(wc -w <<<"$crlf_files") Windows scripts CRLF"
