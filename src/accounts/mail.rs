//! Outgoing e-mail over SMTP (lettre). With no `smtp.host` configured the message is
//! written to the log instead, so a shop without mail still works (and shows why).

use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::config::{SmtpConfig, SmtpSecurity};

pub async fn send(cfg: &SmtpConfig, to: &str, subject: &str, body: String) -> Result<(), String> {
    if cfg.host.is_empty() {
        tracing::warn!(%to, %subject, %body, "no smtp.host configured: this e-mail was not sent, here it is");
        return Ok(());
    }
    let from: Mailbox = cfg.from.parse().map_err(|e| format!("smtp.from: {e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    let builder = match cfg.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
        SmtpSecurity::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host).map_err(|e| e.to_string())?
        }
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host).map_err(|e| e.to_string())?,
    };
    let mut builder = builder.port(cfg.port).timeout(Some(std::time::Duration::from_secs(20)));
    if !cfg.username.is_empty() {
        builder = builder.credentials(Credentials::new(cfg.username.clone(), cfg.password.clone()));
    }
    builder.build().send(message).await.map(|_| ()).map_err(|e| e.to_string())
}
