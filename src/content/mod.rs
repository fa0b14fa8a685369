//! Content: banners (admin CRUD with image upload, schedule, order; the public list).
//! The images themselves are `web::uploads`.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
