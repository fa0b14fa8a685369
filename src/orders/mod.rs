//! Orders: purchases and balance top-ups. `lifecycle` is the one state machine every
//! event goes through; `checkout` creates orders (and deposits), `payment` takes the
//! gateway's word, the deadline and cancels, `fulfilment` asks the supplier and takes
//! its answers; `service` reads orders and carries the admin's actions.

pub mod api;
pub mod checkout;
pub mod fulfilment;
pub mod lifecycle;
pub mod model;
pub mod payment;
pub mod repo;
pub mod service;
