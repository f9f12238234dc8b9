//! Placeholder; the real benchmark is added with the format modules.
fn main() {}
