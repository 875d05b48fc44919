//! TODO

use super::EnvCtx;
use crate::engine::Finding;

pub(super) fn check(_ctx: &EnvCtx, _out: &mut Vec<Finding>) {}
