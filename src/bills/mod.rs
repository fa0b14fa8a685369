//! Postpaid bills (PPOB): an inquiry at Digiflazz (`inq-pasca`) turned into a quote for
//! the caller's tier, which checkout pays at most once. Owns `bill_quotes`.
//!
//! The quote keeps the inquiry's ref_id: `pay-pasca` must send the same one, on the same
//! Asia/Jakarta date (a quote never outlives its day).

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
