//! `GET /uploads/<folder>/<file>`: the stored images, only names lapak made, only image
//! types, cached for a year (names are random and never reused).

use poem::{handler, web::Data, Request, Response};

use crate::{app::App, error::ApiError, web::uploads};

#[handler]
pub async fn serve(req: &Request, app: Data<&App>) -> Response {
    let rest = req.uri().path().trim_start_matches("/uploads/");
    let Some((path, content_type)) = uploads::resolve(&app.config.storage.uploads_dir, rest) else {
        return not_found();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => Response::builder()
            .content_type(content_type)
            .header("cache-control", "public, max-age=31536000, immutable")
            .header("x-content-type-options", "nosniff")
            .body(bytes),
        Err(_) => not_found(),
    }
}

fn not_found() -> Response {
    poem::IntoResponse::into_response(ApiError::not_found("file"))
}
