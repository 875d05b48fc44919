//! TODO

use super::PyCtx;
use crate::engine::Finding;

pub(super) fn check(_ctx: &PyCtx, _out: &mut Vec<Finding>) {}
