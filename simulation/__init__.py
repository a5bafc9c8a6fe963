"""Circuit S-matrix solver, loss budgets and MEEP FDTD validation (planned)."""
