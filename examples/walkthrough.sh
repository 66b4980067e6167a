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
# Environment: PATHWAYS, the command to run (default `pathways`), and the usual PATHWAYS_*
# settings, e.g. PATHWAYS_TEMPORAL_ADDRESS and PATHWAYS_DATABASE_URL for a stack elsewhere.
set -euo pipefail

steps="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/walkthrough"
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
  "${pathways[@]}" command "$pathway_id" "${actor[@]}" --file "$file"
done

echo
"${pathways[@]}" show "$pathway_id"
echo
"${pathways[@]}" history "$pathway_id"
