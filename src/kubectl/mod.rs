//! Everything about kubectl: finding it and running it ([`runner`]).
//!
//! kubectl is the only way this program touches a cluster. It is always run
//! as an argv vector (never through a shell), with the forwarded global flags,
//! a timeout, and stdin closed unless the call needs it.

pub mod kubeconfig;
pub mod runner;

pub use runner::{
    Captured, Kubectl, KubectlError, condense_stderr, describe_status, display_command, quote,
};
