"""Random-matrix tooling (the pooled-spectra issue fills this in)."""
