//! Payments: the channel list with fees (cached), and the Tripay callback.

pub mod api;
pub mod model;
pub mod service;
