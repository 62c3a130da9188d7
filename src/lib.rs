pub mod diagnose;
pub mod plan;
