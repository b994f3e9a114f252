//! The API's hosts. The package exports them (generated into `js/vocabulary.js` and
//! `js/api.d.ts`), and the client's core takes the sandbox as its default `baseUrl`.

/// A host the API is served from, as the package exports it.
pub struct Host {
    /// The exported constant's name.
    pub export: &'static str,
    /// What the declaration says of it.
    pub doc: &'static str,
    /// Scheme and host, as `baseUrl` takes them.
    pub url: &'static str,
}

/// The sandbox host: the default `baseUrl`.
pub const SANDBOX_BASE_URL: &str = "https://sandbox.upvest.co";

/// The live host.
pub const PRODUCTION_BASE_URL: &str = "https://api.upvest.co";

/// The hosts, in the order the package declares them.
pub const HOSTS: &[Host] = &[
    Host { export: "SANDBOX_BASE_URL", doc: "The sandbox host: the default `baseUrl`.", url: SANDBOX_BASE_URL },
    Host { export: "PRODUCTION_BASE_URL", doc: "The live host.", url: PRODUCTION_BASE_URL },
];
