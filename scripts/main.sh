#!/usr/bin/env bash
# The main job: installs what is missing, builds, then tells the story of one patent on a local
# network of four IP offices (KZ, RU, BY, AM), each running its own validator on 127.0.0.1:
# keys, admission, a confidential filing, reveal, publication, grant, assignment, licence, the
# filing's history, and an evidence bundle checked offline against the genesis file alone.
# Every command is printed before it runs. The nodes are stopped (SIGTERM, by process id) when
# the script ends, however it ends; the story's folder (node logs, genesis, bundles) is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
repository=$(pwd)
node_binary="$repository/build/node/priora-node"
wallet_binary="$repository/build/wallet/priora-wallet"
offices=(KZ RU BY AM)
step=0
pids=()

# The script's own output, also from inside a pipeline or a command substitution.
exec 3>&1

headline() {
  step=$((step + 1))
  printf '\n== %d. %s\n' "$step" "$*" >&3
}

note() { printf '   %s\n' "$@" >&3; }

# An argument as a shell would need it typed.
quoted() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then printf '%s' "$1"; else printf '"%s"' "$1"; fi
}

# Prints a command as a user would type it, then runs it.
show() {
  local line="$" argument
  for argument in "$@"; do line+=" $(quoted "$argument")"; done
  printf '%s\n' "$line" >&3
  "$@"
}

priora-node() { "$node_binary" "$@"; }
priora-wallet() { "$wallet_binary" "$@"; }

# A value of the two-column output of a wallet command ("filing  KZ-P-2026-000001").
field() { awk -v name="$1" '$1 == name { print $2; exit }'; }
# The lines of a transaction's report worth reading here.
outcome() { grep -E '^(status|result|filing|height) '; }

stop_network() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_network EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Whether nothing listens on 127.0.0.1:PORT: a bind test with Perl (on every Debian system),
# else a connection test.
port_free() {
  if command -v perl >/dev/null; then
    perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(LocalAddr => "127.0.0.1",
      LocalPort => $ARGV[0], Proto => "tcp", Listen => 1, ReuseAddr => 1) ? 0 : 1)' "$1"
  else
    ! (exec 4<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# The default ports (peers 26600-26603, API 26700-26703) when free, else a free random base;
# all below the kernel's ephemeral ports (from 32768), which outgoing connections are given.
choose_ports() {
  local base=26600 offset free
  for _ in $(seq 1 50); do
    free=yes
    for offset in 0 1 2 3 100 101 102 103; do
      port_free $((base + offset)) || { free=no; break; }
    done
    if [ "$free" = yes ]; then
      peer_base=$base
      api_base=$((base + 100))
      return 0
    fi
    base=$((10000 + RANDOM % 22000))
  done
  echo "error: no free ports on 127.0.0.1" >&2
  return 1
}

# Waits (at most 60 s) until the node of office number INDEX has committed HEIGHT blocks.
wait_for_height() {
  local index=$1 height=$2 now
  for _ in $(seq 1 300); do
    now=$(priora-wallet --node "127.0.0.1:$((api_base + index))" status 2>/dev/null | field height || true)
    if [ -n "$now" ] && [ "$now" -ge "$height" ]; then return 0; fi
    sleep 0.2
  done
  echo "error: ${offices[$index]} has not reached height $height; see network/${offices[$index]}/node.log" >&2
  return 1
}

headline "Install what is missing and build (scripts/install-deps.sh, scripts/build.sh)"
scripts/install-deps.sh
scripts/build.sh
started_at=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/priora-story.XXXXXX")
cd "$work"
export PRIORA_WALLET_DIR="$work/wallet"
export PRIORA_WALLET_PASSWORD="story-$RANDOM$RANDOM$RANDOM"
office_key=network/KZ/keys/office.key

headline "Initialise a network of four IP offices on 127.0.0.1"
note "working in $work"
choose_ports
show priora-node init --offices "$(IFS=,; echo "${offices[*]}")" --out network \
  --peer-port-base "$peer_base" --api-port-base "$api_base"
note "network/genesis.json names the chain and every office's keys: it is the trust root of evidence"

headline "Start the four validators and wait until they commit blocks"
for code in "${offices[@]}"; do
  printf '$ priora-node start --home network/%s > network/%s/node.log 2>&1 &\n' "$code" "$code" >&3
  "$node_binary" start --home "network/$code" >"network/$code/node.log" 2>&1 &
  pids+=($!)
done
for index in "${!offices[@]}"; do wait_for_height "$index" 2; done
export PRIORA_NODE="127.0.0.1:$api_base"
note "every office commits blocks; the wallet talks to KZ's node (PRIORA_NODE=$PRIORA_NODE)"
show priora-wallet status | grep -E '^(chain_id|office|height|peers) '

headline "An applicant and an assignee create their keys"
note "each keystore is encrypted (Argon2id) with the password in PRIORA_WALLET_PASSWORD"
show priora-wallet keys new applicant | grep -E '^(name|public key) '
show priora-wallet keys new assignee | grep -E '^(name|public key) '

headline "The KZ office admits both parties, signing with its office key"
show priora-wallet --key-file "$office_key" office admit applicant \
  --name "Aurora Textiles LLP" --country KZ | outcome
show priora-wallet --key-file "$office_key" office admit assignee \
  --name "Steppe Outdoor JSC" --country KZ | outcome

headline "The applicant files a confidential patent with a claims document"
cat >claims.txt <<'EOF'
1. A vest comprising a fabric layer with channels through which a coolant circulates.
2. The vest of claim 1, wherein a pump driven by the wearer's motion moves the coolant.
EOF
note "the content is sealed to KZ's key; the ledger keeps a salted commitment to it," \
  "and the claims leave the machine only as their SHA-256"
filed=$(show priora-wallet --key applicant file patent --office KZ --title "Cooling vest" \
  --abstract "A vest that cools its wearer" --inventor "A. Inventor" --class "A41D 13/00" \
  --document claims.txt 2>/dev/null)
grep -E '^(status|result|filing|height|salt) ' <<<"$filed"
number=$(field filing <<<"$filed")
note "the salt is saved in the wallet folder for the reveal; anyone may see that $number exists:"
show priora-wallet show "$number" | grep -E '^(status|confidential|content|filing_date) '

headline "The applicant reveals the content, which must match the commitment"
revealed=$(show priora-wallet --key applicant reveal "$number")
outcome <<<"$revealed"
reveal_transaction=$(field transaction <<<"$revealed")

headline "Publication: requested early (a patent is due 18 months after its priority date)"
show priora-wallet --key applicant request-publication "$number" | outcome
show priora-wallet --key-file "$office_key" office publish "$number" | outcome

headline "The KZ office grants the patent"
show priora-wallet --key-file "$office_key" office grant "$number" \
  --registration-number KZ-700001 | outcome

headline "Assignment: the owner offers, the assignee counter-signs, the owner submits"
show priora-wallet --key applicant assign offer "$number" --to assignee --out offer.json \
  2>/dev/null | grep -E '^(effective date|accepted) '
show priora-wallet --key assignee accept offer.json --out accepted.json | grep -E '^accepted '
assigned=$(show priora-wallet --key applicant assign submit accepted.json)
outcome <<<"$assigned"
assigned_height=$(field height <<<"$assigned")

headline "The new owner licenses the patent back to the applicant"
today=$(date -u +%F)
show priora-wallet --key assignee license "$number" --licensee applicant --territory KZ \
  --territory KG --start "$today" --end "$(date -u -d "$today + 5 years - 1 day" +%F)" | outcome

headline "The filing's history and state, read from another office's node (RU)"
ru="127.0.0.1:$((api_base + 1))"
wait_for_height 1 "$(priora-wallet status | field height)"
show priora-wallet --node "$ru" history "$number"
show priora-wallet --node "$ru" show "$number" |
  grep -E '^(status|registration_number|term_end_date|owner) '
note "the owner is now the assignee; as of the block before the assignment, it was the applicant:"
show priora-wallet --node "$ru" history "$number" --height $((assigned_height - 1)) |
  grep -E '^(status|owner|licences) '

headline "Evidence bundles: the latest event, and the reveal that carries the document"
show priora-wallet proof "$number" --out bundle.json | grep -E '^(bundle|filing|block) '
show priora-wallet proof "$reveal_transaction" --out reveal-bundle.json | grep -E '^(bundle|block) '

headline "Stop the network: SIGTERM to each node"
printf '$ kill -TERM %s\n' "${pids[*]}" >&3
stop_network
note "every node has stopped; what follows needs only the bundles and network/genesis.json"

headline "Verify offline against the genesis file alone"
show priora-wallet verify bundle.json --genesis network/genesis.json
show priora-wallet verify reveal-bundle.json --genesis network/genesis.json --document claims.txt |
  grep -E '^(VERIFIED|event|block|certified by|document) '

headline "Summary"
note "Patent $number was filed confidentially at KZ, revealed, published, granted as" \
  "KZ-700001, assigned, and licensed back; four offices agreed on each step, any of them" \
  "serves its history, and its evidence verifies offline against network/genesis.json." \
  "The story took $((SECONDS - started_at)) s. Logs, genesis and bundles are kept in $work."
