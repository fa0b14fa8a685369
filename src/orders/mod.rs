//! Orders: purchases and top-ups, their state machine and fulfilment.

pub mod fulfilment;
