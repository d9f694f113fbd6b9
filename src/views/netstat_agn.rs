//! View stub: filled by its format's issue.
