pub mod llm;
pub mod plan;
