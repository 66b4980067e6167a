#!/usr/bin/env bash
# A five-minute walk of one pathway, from opening to closure, with the `pathways` CLI.
#
#   pathways up                  # in another terminal: the whole stack, embedded
#   examples/walkthrough.sh      # then this
#
# Each numbered file in examples/walkthrough/ is one command, sent in order. Anna, a
# caseworker of org-lecce, does the case work; Sara, a supervisor, approves the plan that
# Anna proposed (nobody approves their own proposal). The files carry no occurred_at: the
# business time of every step is "now", since the rules refuse entries in the future or
# back-dated by more than 30 days.
#
# Time is compressed, so that the story is told in minutes:
# - dates inside the files are days from today in Italy (TODAY-120, TODAY+200), written
#   in before each command is sent: a fact (a course completed, hours attended) is never
#   dated after the day it is recorded, while plans (target dates, a grant's end) lie ahead;
# - the pathway is opened under the demo policy (infra/policies/demo.toml, unless
#   PATHWAYS_POLICY_FILE names another), whose follow-up may be recorded right after the
#   exit; under the default policy it opens five months after it (follow_up_too_early).
#
# Environment: PATHWAYS, the command to run (default `pathways`), and the usual PATHWAYS_*
# settings, e.g. PATHWAYS_TEMPORAL_ADDRESS and PATHWAYS_DATABASE_URL for a stack elsewhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
steps="$here/walkthrough"
export PATHWAYS_POLICY_FILE="${PATHWAYS_POLICY_FILE:-$here/../infra/policies/demo.toml}"

# The day N days from today in Italy (GNU date, else BSD date).
day() { TZ=Europe/Rome date -d "$1 days" +%F 2>/dev/null || TZ=Europe/Rome date -v"$1"d +%F; }

# A step's JSON with each TODAY, TODAY+N and TODAY-N replaced by that day.
dated() {
  local text
  text="$(<"$1")"
  while [[ $text =~ TODAY([+-][0-9]+) ]]; do
    text="${text//"${BASH_REMATCH[0]}"/$(day "${BASH_REMATCH[1]}")}"
  done
  text="${text//TODAY/$(day +0)}"
  printf '%s\n' "$text"
}
read -r -a pathways <<< "${PATHWAYS:-pathways}"
anna=(--actor anna --role caseworker)
sara=(--actor sara --role supervisor)

echo "== 01 open pathway (anna)"
pathway_id="$("${pathways[@]}" open "${anna[@]}" --file "$steps/01-open-pathway.json")"
echo "pathway: $pathway_id"

for file in "$steps"/[0-9][0-9]-*.json; do
  step="$(basename "$file" .json)"
  [[ $step == 01-* ]] && continue
  if [[ $step == *-approve-plan ]]; then actor=("${sara[@]}") who=sara; else actor=("${anna[@]}") who=anna; fi
  echo "== ${step//-/ } ($who)"
  dated "$file" | "${pathways[@]}" command "$pathway_id" "${actor[@]}"
done

echo
"${pathways[@]}" show "$pathway_id"
echo
"${pathways[@]}" history "$pathway_id"
