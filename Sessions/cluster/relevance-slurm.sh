#!/bin/bash
# Head relevance over 10,000 IOI prompts as a Slurm job array of 8 shards, then one merge.
#   sbatch --array=0-7 Sessions/cluster/relevance-slurm.sh
#   (after the array finishes) headlab merge relevance.json relevance-part-{0..7}.json
#SBATCH --job-name=headlab-relevance
#SBATCH --cpus-per-task=2
#SBATCH --output=relevance-%a.log
set -euo pipefail
headlab relevance --dataset ioi --count 10000 --seed 0 --method patching \
  --shard "${SLURM_ARRAY_TASK_ID}/8" --json > "relevance-part-${SLURM_ARRAY_TASK_ID}.json"
