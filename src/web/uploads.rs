//! Uploaded images (banners, avatars): checked by their bytes, not their names, stored
//! under the uploads folder with random names, and read back only by names lapak made.

use std::path::{Path, PathBuf};

use poem_openapi::types::multipart::Upload;

pub const MAX_IMAGE: usize = 2 * 1024 * 1024;

/// The folders images live in.
pub const FOLDERS: [&str; 2] = ["banners", "avatars"];

/// The image kind from its first bytes; None when it is not a PNG, JPEG, GIF or WebP.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the image is larger than 2 MB")]
    TooLarge,
    #[error("could not read the upload")]
    Unreadable,
    #[error("only PNG, JPEG, GIF and WebP images are accepted")]
    NotAnImage,
    #[error("storing the image failed: {0}")]
    Io(String),
}

/// Stores an uploaded image under `<uploads_dir>/<folder>/` with a random name; returns
/// its public path (`/uploads/<folder>/<name>`).
pub async fn store_image(uploads_dir: &Path, folder: &str, upload: Upload) -> Result<String, UploadError> {
    if upload.size() > MAX_IMAGE {
        return Err(UploadError::TooLarge);
    }
    let bytes = upload.into_vec().await.map_err(|_| UploadError::Unreadable)?;
    if bytes.len() > MAX_IMAGE {
        return Err(UploadError::TooLarge);
    }
    let ext = image_kind(&bytes).ok_or(UploadError::NotAnImage)?;
    let dir = uploads_dir.join(folder);
    let name = format!("{}.{ext}", ulid::Ulid::generate().to_string().to_lowercase());
    let path = dir.join(&name);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&path, bytes)
    })
    .await
    .map_err(|e| UploadError::Io(e.to_string()))?
    .map_err(|e| UploadError::Io(e.to_string()))?;
    Ok(format!("/uploads/{folder}/{name}"))
}

/// The file and content type behind `/uploads/<folder>/<file>`, if `rest` names one
/// lapak could have made (known folder, plain name, image extension).
pub fn resolve(uploads_dir: &Path, rest: &str) -> Option<(PathBuf, &'static str)> {
    let mut parts = rest.split('/');
    let (Some(folder), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let safe = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') && !s.starts_with('.')
    };
    if !FOLDERS.contains(&folder) || !safe(file) {
        return None;
    }
    let content_type = match Path::new(file).extension().and_then(|e| e.to_str()) {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => return None,
    };
    Some((uploads_dir.join(folder).join(file), content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(image_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_kind(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_kind(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_kind(b""), None);
    }

    #[test]
    fn only_names_lapak_makes_resolve() {
        let dir = Path::new("/data/uploads");
        assert!(resolve(dir, "banners/01abc.png").is_some());
        for bad in ["banners/../x.png", "other/a.png", "banners/a.svg", "banners/.png", "banners/a/b.png", "banners/"] {
            assert!(resolve(dir, bad).is_none(), "{bad}");
        }
    }
}
