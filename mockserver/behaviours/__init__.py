"""Behaviours: small composable pieces the pipeline runs (auth, state, Siren, ...)."""
