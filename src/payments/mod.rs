//! Payments: Tripay (client, callback, simulator), the channel list with fees, and the
//! callback that moves an order out of UNPAID.

pub mod api;
pub mod model;
pub mod service;
pub mod tripay;

use std::{sync::Mutex, time::Instant};

use model::Channel;

/// The channel list, cached (it changes rarely and every checkout needs it).
#[derive(Default)]
pub struct PaymentsState {
    pub channels: Mutex<Option<(Instant, Vec<Channel>)>>,
}
