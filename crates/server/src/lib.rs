//! cpa-server: placeholder, filled in by its owner.
