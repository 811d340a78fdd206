//! Key drivers: how strongly each `attr_*` rating goes with the outcome score
//! (NPS, else CSAT), how well it performs, and the quadrant that follows.
