pub mod confirm;
pub mod execute;
pub mod exit;
pub mod kubectl;
pub mod output;
pub mod plan;
pub mod preview;
