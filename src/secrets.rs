//! The instance secret and the keys derived from it. One secret, separate keys per purpose, so a
//! key leaked from one use says nothing about another.

use std::{fs, io::Write, path::Path};

use aes_gcm::{
    Aes256Gcm, KeyInit as _, Nonce,
    aead::{Aead, Payload},
};
use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::config::Settings;

type HmacSha256 = Hmac<Sha256>;
type HmacSha512 = Hmac<Sha512>;

#[derive(Clone)]
pub struct Keys {
    /// Signs and encrypts the session cookie.
    pub cookie: actix_web::cookie::Key,
    /// Keys the hashes that stand in for personal data (rate-limit buckets, participation marks).
    hmac: [u8; 32],
    /// Encrypts what waits in the mail outbox (address, bodies with their links).
    seal: [u8; 32],
}

impl Keys {
    pub fn load_or_create(settings: &Settings) -> anyhow::Result<Self> {
        let secret = match &settings.secret_key {
            Some(secret) => secret.clone(),
            None => load_or_create_secret_file(&settings.data_dir.join("secret.key"))?,
        };
        Ok(Self::from_secret(secret.as_bytes()))
    }

    pub fn from_secret(secret: &[u8]) -> Self {
        let cookie = derive::<64>(secret, b"teilhabe cookie key");
        let hmac = derive::<32>(secret, b"teilhabe hmac key");
        let seal = derive::<32>(secret, b"teilhabe outbox seal key");
        Self {
            cookie: actix_web::cookie::Key::from(&cookie),
            hmac,
            seal,
        }
    }

    /// A keyed hash of `parts`, hex-encoded: the same input always gives the same value, but the
    /// input cannot be recovered or guessed without the instance secret.
    pub fn keyed_hash(&self, parts: &[&str]) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.hmac).unwrap_or_else(|_| unreachable_key());
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(&[0x1f]);
        }
        hex(&mac.finalize().into_bytes())
    }

    /// Encrypts `plain` with AES-256-GCM under a fresh random nonce; `context` (such as the row's
    /// id) is authenticated with it, so a sealed value cannot be moved to another row. Returns
    /// `v1.` + base64url(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> String {
        let cipher = Aes256Gcm::new(&self.seal.into());
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce)
            .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .unwrap_or_else(|_| unreachable!("AES-GCM encrypts any message of this size"));
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEAL_VERSION}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// The plain bytes of a value made by `seal` with the same `context`; `None` when it was
    /// sealed under another instance secret, for another context, or altered.
    pub fn open(&self, context: &[u8], sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD
            .decode(sealed.strip_prefix(SEAL_VERSION)?)
            .ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        Aes256Gcm::new(&self.seal.into())
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .ok()
    }
}

const SEAL_VERSION: &str = "v1.";

fn unreachable_key() -> HmacSha256 {
    // HMAC accepts keys of any length; this branch cannot be taken.
    unreachable!("HMAC takes keys of any length")
}

fn derive<const N: usize>(secret: &[u8], purpose: &[u8]) -> [u8; N] {
    let mut mac = <HmacSha512 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(purpose);
    let bytes = mac.finalize().into_bytes();
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

fn load_or_create_secret_file(path: &Path) -> anyhow::Result<String> {
    if let Ok(existing) = fs::read_to_string(path) {
        let existing = existing.trim().to_string();
        anyhow::ensure!(
            existing.len() >= 32,
            "{} is too short; delete it to make a new one",
            path.display()
        );
        return Ok(existing);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let secret = random_token(48);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(secret)
}

/// `bytes` random bytes from the operating system, URL-safe base64 encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 of a high-entropy token, hex-encoded: how e-mailed tokens are stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_hashes_depend_on_the_secret_and_on_part_boundaries() {
        let a = Keys::from_secret(b"a secret that is long enough for us");
        let b = Keys::from_secret(b"another secret that is long enough!");
        assert_eq!(a.keyed_hash(&["login", "x"]), a.keyed_hash(&["login", "x"]));
        assert_ne!(a.keyed_hash(&["login", "x"]), b.keyed_hash(&["login", "x"]));
        assert_ne!(a.keyed_hash(&["ab", "c"]), a.keyed_hash(&["a", "bc"]));
    }

    #[test]
    fn sealed_values_open_only_with_the_same_secret_and_context() {
        let a = Keys::from_secret(b"a secret that is long enough for us");
        let b = Keys::from_secret(b"another secret that is long enough!");
        let sealed = a.seal(b"row 1", b"https://x.example/reset/TOKEN");
        assert!(!sealed.contains("TOKEN"));
        assert_ne!(sealed, a.seal(b"row 1", b"https://x.example/reset/TOKEN"));
        assert_eq!(
            a.open(b"row 1", &sealed).as_deref(),
            Some(&b"https://x.example/reset/TOKEN"[..])
        );
        assert_eq!(a.open(b"row 2", &sealed), None);
        assert_eq!(b.open(b"row 1", &sealed), None);
        assert_eq!(a.open(b"row 1", "v1.AAAA"), None);
    }

    #[test]
    fn a_generated_secret_file_is_private_and_reused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("secret.key");
        let first = load_or_create_secret_file(&path)?;
        let second = load_or_create_secret_file(&path)?;
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
        }
        Ok(())
    }
}
