pub mod model;
pub mod model_context;
