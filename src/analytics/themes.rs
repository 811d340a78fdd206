//! Recurring themes in survey comments: keyword matching that ignores case
//! and accents, weekly mentions, share among detractors and the NPS of the
//! responses that mention each theme.
