//! cpa-usage: placeholder, filled in by its owner.
