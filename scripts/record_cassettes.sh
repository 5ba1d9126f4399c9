#!/usr/bin/env bash
# Re-record every cassette under cassettes/ from a real model server.
#
#   scripts/record_cassettes.sh            # all cassettes, against the embedded server
#   scripts/record_cassettes.sh NAME...    # only cassettes/NAME.yaml (e.g. gaps/closed_atypical)
#
# Default: the embedded llama.cpp server (--backend local; needs pip install -e '.[local]').
# With RECORD_BACKEND=openai it records from the server OPENAI_BASE_URL / OPENAI_API_KEY point
# at instead (add RECORD_MODEL=name for its model). Run it after changing prompts/ or anything
# that changes what is asked: the replay tests match requests on their body and fail loudly on
# a stale cassette. The project's cassettes are listed in CASES (cassette, settings, inputs);
# any other cassette under cassettes/ (recorded with `extractor extract F --cassette C.yaml
# --record`) is re-recorded with the inputs and settings kept in its metadata.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRACTOR=${EXTRACTOR:-.venv/bin/extractor}
PYTHON=${PYTHON:-.venv/bin/python}
BACKEND=${RECORD_BACKEND:-local}

# cassette | settings (space-separated NAME=VALUE) | inputs (space-separated, repo-relative)
# The re-ask cassette is recorded from the bare model (EXTRACTOR_LORA_PATH=none): its first
# answer breaks a rule, which is what that cassette is for; the others use the default adapter.
CASES=(
  "seeds/seed_000_all|EXTRACTOR_MODEL_SCOPE=all|examples/seed_000_kensington.txt"
  "seeds/seed_001_all|EXTRACTOR_MODEL_SCOPE=all|examples/seed_001_kingston.txt"
  "gaps/closed_atypical|EXTRACTOR_MODEL_SCOPE=gaps|tests/fixtures/model_closed_atypical.txt"
  "gaps/upheld_payment|EXTRACTOR_MODEL_SCOPE=gaps|tests/fixtures/model_upheld_payment.txt"
  "reask/status_contradiction|EXTRACTOR_MODEL_SCOPE=all EXTRACTOR_LORA_PATH=none|tests/fixtures/model_reask_status.txt"
  "codes/closed_two_reasons|EXTRACTOR_MODEL_SCOPE=codes|tests/fixtures/model_closed_two_reasons.txt"
)

record() {  # record NAME "SETTINGS" INPUT...
    local name=$1 settings=$2
    shift 2
    local extra=()
    [ -n "${RECORD_MODEL:-}" ] && extra+=(--model "$RECORD_MODEL")
    echo "recording cassettes/$name.yaml ($BACKEND; $settings)" >&2
    # shellcheck disable=SC2086  # settings are NAME=VALUE words
    env $settings "$EXTRACTOR" extract --backend "$BACKEND" "${extra[@]}" \
        --cassette "cassettes/$name.yaml" --record "$@" >/dev/null || [ $? -eq 3 ]
}

wanted() {  # is cassette NAME selected on the command line (or are all)?
    [ $# -eq 1 ] && return 0
    local name=$1
    shift
    for w in "$@"; do [ "$w" = "$name" ] && return 0; done
    return 1
}

declare -A known=()
for case in "${CASES[@]}"; do
    IFS='|' read -r name settings inputs <<<"$case"
    known[$name]=1
    # shellcheck disable=SC2086  # inputs are words
    if wanted "$name" "$@"; then record "$name" "$settings" $inputs; fi
done

# Cassettes recorded by hand with --record: their metadata says how to record them again.
while IFS= read -r path; do
    name=${path#cassettes/}
    name=${name%.yaml}
    [ -n "${known[$name]:-}" ] && continue
    wanted "$name" "$@" || continue
    spec=$("$PYTHON" -c 'import sys; from extractor.model.replay import read_metadata
m = read_metadata(sys.argv[1]); env = m.get("env", {})
print(" ".join(f"{k}={v}" for k, v in env.items()) + "|" + " ".join(m.get("inputs", [])))' "$path")
    record "$name" "${spec%%|*}" ${spec#*|}
done < <(find cassettes -name '*.yaml' | sort)
