//! Sentence to Plan: the offline rules, and (elsewhere) the model.

pub mod rules;
