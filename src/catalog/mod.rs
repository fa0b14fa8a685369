//! Catalog: categories, products, items and their tier prices.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
