//! cpa-translate: placeholder, filled in by its owner.
