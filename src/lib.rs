pub mod llm;
pub mod plan;
pub mod understand;
