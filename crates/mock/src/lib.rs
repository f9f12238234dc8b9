//! cpa-mock: placeholder, filled in by its owner.
