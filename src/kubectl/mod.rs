//! TEMPORARY stand-in for the kubectl runner (replaced by the skeleton's runner at merge).
pub mod runner;
pub use runner::{Captured, Kubectl, display_command};
