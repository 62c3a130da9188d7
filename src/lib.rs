pub mod plan;
pub mod understand;
