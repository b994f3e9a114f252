//! The account-group API's data, defined once. Its enums (their spellings on the wire) and its
//! objects (groups, lists, the create, list and close inputs, problems, webhook events) are read
//! by the client's core (`upvest-account-groups`) and by the mock, which (de)serialises them with
//! serde (the `serde` feature); the package's TypeScript declarations (`js/api.d.ts`) and the
//! enum values it exports (`js/vocabulary.js`) are generated from them (`typescript`).

#[macro_use]
mod macros;
pub mod data;
pub mod declaration;
pub mod hosts;
pub mod seam;
pub mod seam_js;
pub mod signing;
pub mod typescript;
pub mod vocabulary;

pub use data::*;
pub use hosts::{PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use vocabulary::*;
