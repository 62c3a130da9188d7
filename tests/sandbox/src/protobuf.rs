//! Decoding of `application/vnd.kubernetes.protobuf` request bodies.

use serde_json::Value;

use crate::errors::{ApiError, ApiResult};

pub fn decode(_body: &[u8]) -> ApiResult<Value> {
    Err(ApiError::unsupported_media_type(
        "application/vnd.kubernetes.protobuf",
    ))
}
