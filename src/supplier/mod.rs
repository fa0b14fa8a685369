//! Supplier: product sync from Digiflazz (the price list into the catalog, priced by
//! the pricing rules), its history, and the supplier deposit.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
