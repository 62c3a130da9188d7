//! TEMPORARY stand-in (replaced by the skeleton's exit codes at merge).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Declined(String),
    #[error("problems found")]
    ProblemsFound,
    #[error("interrupted")]
    Interrupted,
}
