"""Use cases: one module-level async function each. Interfaces call these and nothing else."""
