//! cpa-protocol: placeholder, filled in by its owner.
