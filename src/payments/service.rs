//! The payment channels: Tripay's active list from a ten-minute cache.

use std::time::{Duration, Instant};

use crate::{
    tripay::model::Channel,
    app::App,
    error::ApiError,
};

const CHANNELS_TTL: Duration = Duration::from_secs(600);

/// Active channels, from a ten-minute cache; a stale list is used when Tripay is down.
pub async fn channels(app: &App) -> Result<Vec<Channel>, ApiError> {
    let cached = app.caches.channels.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some((at, list)) = &cached {
        if at.elapsed() < CHANNELS_TTL {
            return Ok(list.clone());
        }
    }
    match app.tripay.channels().await {
        Ok(list) => {
            let active: Vec<Channel> = list.into_iter().filter(|c| c.active).collect();
            *app.caches.channels.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), active.clone()));
            Ok(active)
        }
        Err(e) => match cached {
            Some((_, list)) => {
                tracing::warn!(error = %e, "Tripay channel list unavailable; using the cached one");
                Ok(list)
            }
            None => Err(ApiError::upstream(format!("payment channels are unavailable: {e}"))),
        },
    }
}

