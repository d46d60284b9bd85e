#!/usr/bin/env bash
# Writes index.md from the pages beside it: each a MemoryBreakdown page of one model, measured in one sitting
# (20:53-20:55 UTC), before (47508d5, each layer its own arrays) and after (7d4bde6, the Java-loop layers sharing
# per-thread scratch), alternating per model and round. Each page: `src/bench/run MemoryBreakdown --models MODEL` at
# its commit (a worktree of that commit).
cd "$(dirname "$0")"
{
  echo "# Shared scratch arrays: the DL4J side's memory before and after"
  echo
  echo "Written by index.sh from the pages here (see it for how they were made). Peak RSS and the Java heap at the sampled peak, MB."
  echo
  echo "| round | model | code | peak RSS MB | heap committed (used) MB | page |"
  echo "|---:|---|---|---:|---|---|"
  for f in round-*.md; do
    IFS=- read -r _ round model side commit <<<"${f%.md}"
    row=$(grep "^| $model " "$f")
    echo "| $round | $model | $side $commit | $(echo "$row" | cut -d'|' -f3 | tr -d ' ') | $(echo "$row" | cut -d'|' -f7 | sed 's/^ *//;s/ *$//') | [$f]($f) |"
  done
} > index.md
