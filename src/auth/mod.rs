//! Authentication: opaque bearer tokens, the user behind one, and the poem-openapi
//! security schemes (`BearerAuth`, `AdminAuth`, `MaybeAuth`) every HTTP surface uses.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
