//! Sentence to Plan: the offline rules first, the model for everything else.

pub mod grounding;
pub mod model;
pub mod model_context;
pub mod rules;
