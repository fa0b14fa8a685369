//! Supplier: Digiflazz (client, webhook, simulator), product sync and pricing rules.

pub mod api;
pub mod digiflazz;
pub mod model;
pub mod pricing;
pub mod service;
pub mod sync;

use std::{sync::Mutex, time::Instant};

use model::SupplierProduct;

/// Supplier state shared by the app: one sync at a time, and the last price list
/// (Digiflazz allows one full list per five minutes).
#[derive(Default)]
pub struct SupplierState {
    pub sync_lock: tokio::sync::Mutex<()>,
    pub price_list: Mutex<Option<(Instant, Vec<SupplierProduct>)>>,
}
