//! Command-line flags.

use std::path::PathBuf;

pub const USAGE: &str = "usage: upvest-mock [flags]
  --port N              port on 127.0.0.1 (0, the default, picks a free one)
  --seed N              start with N account groups over several users (default 0)
  --close-delay-ms N    how long a closed group stays CLOSING before it is CLOSED (default 5000)
  --www DIR             serve DIR at / (the admin page)
  --pkg DIR             serve DIR at /pkg/ (the package's web build)
  --client-secret S     the secret POST /auth/token accepts (default mock-client-secret)
  --token-ttl-s N       expires_in of issued tokens (default 3600)
  --strict-tokens       accept only tokens issued by /auth/token, unexpired, with the needed scope
  --verify-key PEM      require Upvest v15 HTTP signatures by this public key (a PEM file, or the PEM itself)
  --require-signature-headers  refuse (401) a request without signature and signature-input headers,
                        as the contract requires, without verifying them (that is --verify-key)
  --webhook-url URL     deliver account-group webhook events to this loopback URL; given several times,
                        deliveries go round-robin across them, as through a load balancer
  --webhook-retry-base-ms N  a failed delivery is retried, at the next URL, after 1, 2, 3, 5, 8 … times N ms
                        (at most 600 times; default 1000); later deliveries wait behind it
  --webhook-signing-key PEM  sign deliveries with this P-521 private key (a PKCS#8 PEM file, or the PEM
                        itself) instead of one generated at start
  --header-timeout-ms N  a connection must deliver a request's headers within N ms of the mock being
                        ready for it (accept, or the previous response): also the keep-alive limit (default 10000)
  --idle-timeout-ms N   close a connection on which no byte moves for N ms while the mock is not working
                        on one of its requests: a body that stops arriving, a response nobody reads (default 30000)
  --max-connections N   connections served at once; over it, new ones wait in the backlog (default 1024)
  --request-log-size N  requests kept for GET /__mock/requests, oldest dropped first (default 10000);
                        fewer when they pass 32 MiB together (a body is kept up to its first 4 KiB)
  --idempotency-ttl-s N  how long an idempotency key is replayed (default 86400, Upvest's 24 h)
  --max-idempotency-keys N  idempotency keys kept, oldest dropped first (default 100000)
  --max-groups N        account groups held; a create beyond it is a 507 (default 1000000)";

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub port: u16,
    pub seed: usize,
    pub close_delay_ms: u64,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    pub client_secret: String,
    pub token_ttl_s: u64,
    pub strict_tokens: bool,
    pub verify_key: Option<String>,
    pub require_signature_headers: bool,
    /// Every `--webhook-url`, in the order given.
    pub webhook_urls: Vec<String>,
    pub webhook_retry_base_ms: u64,
    pub webhook_signing_key: Option<String>,
    pub header_timeout_ms: u64,
    pub idle_timeout_ms: u64,
    pub max_connections: usize,
    pub request_log_size: usize,
    pub idempotency_ttl_s: u64,
    pub max_idempotency_keys: usize,
    pub max_groups: usize,
}

impl Options {
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            close_delay_ms: 5000,
            client_secret: "mock-client-secret".to_owned(),
            token_ttl_s: 3600,
            webhook_retry_base_ms: 1000,
            header_timeout_ms: 10_000,
            idle_timeout_ms: 30_000,
            max_connections: 1024,
            request_log_size: 10_000,
            idempotency_ttl_s: 24 * 3600,
            max_idempotency_keys: 100_000,
            max_groups: 1_000_000,
            ..Options::default()
        };
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--port" => options.port = number(&flag, &value()?)?,
                "--seed" => options.seed = number(&flag, &value()?)?,
                "--close-delay-ms" => options.close_delay_ms = number(&flag, &value()?)?,
                "--www" => options.www = Some(PathBuf::from(value()?)),
                "--pkg" => options.pkg = Some(PathBuf::from(value()?)),
                "--client-secret" => options.client_secret = value()?,
                "--token-ttl-s" => options.token_ttl_s = number(&flag, &value()?)?,
                "--strict-tokens" => options.strict_tokens = true,
                "--require-signature-headers" => options.require_signature_headers = true,
                "--webhook-url" => options.webhook_urls.push(value()?),
                "--webhook-retry-base-ms" => options.webhook_retry_base_ms = number(&flag, &value()?)?,
                "--verify-key" => options.verify_key = Some(pem(&flag, value()?)?),
                "--webhook-signing-key" => options.webhook_signing_key = Some(pem(&flag, value()?)?),
                "--header-timeout-ms" => options.header_timeout_ms = positive(&flag, &value()?)?,
                "--idle-timeout-ms" => options.idle_timeout_ms = positive(&flag, &value()?)?,
                "--max-connections" => options.max_connections = positive(&flag, &value()?)?,
                "--request-log-size" => options.request_log_size = number(&flag, &value()?)?,
                "--idempotency-ttl-s" => options.idempotency_ttl_s = number(&flag, &value()?)?,
                "--max-idempotency-keys" => options.max_idempotency_keys = number(&flag, &value()?)?,
                "--max-groups" => options.max_groups = number(&flag, &value()?)?,
                "-h" | "--help" => return Err("help".to_owned()),
                other => return Err(format!("unknown flag {other}")),
            }
        }
        if options.seed > options.max_groups {
            return Err(format!("--seed {} is more than --max-groups {}", options.seed, options.max_groups));
        }
        Ok(options)
    }
}

/// A key flag's value: the PEM itself, or the file holding it.
fn pem(flag: &str, given: String) -> Result<String, String> {
    if given.contains("-----BEGIN") {
        Ok(given)
    } else {
        std::fs::read_to_string(&given).map_err(|e| format!("{flag} {given}: {e}"))
    }
}

/// A limit that 0 would turn into a mock that cannot serve at all.
fn positive<T: std::str::FromStr + Default + PartialEq>(flag: &str, text: &str) -> Result<T, String> {
    number(flag, text).and_then(|n: T| if n == T::default() { Err(format!("{flag} must be at least 1")) } else { Ok(n) })
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("{flag} takes a whole number, not {text:?}"))
}
