//! cpa-providers: placeholder, filled in by its owner.
