//! cpa-router: placeholder, filled in by its owner.
