//! Supplier: product sync from Digiflazz and pricing rules.

pub mod api;
pub mod model;
pub mod pricing;
pub mod sync;
