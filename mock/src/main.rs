//! `upvest-mock`: a stateful mock of the Upvest account-group API on 127.0.0.1, for tests, the
//! benchmark and the admin page. Its first line on stdout is `listening on http://127.0.0.1:<port>`.

mod idle;
mod server;
mod statics;
mod webhooks;

use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::net::TcpListener;
use upvest_mock::{app, options};

fn main() {
    let options = match options::Options::from_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("upvest-mock: {message}\n\n{}", options::USAGE);
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
    let result = runtime.map_err(|e| e.to_string()).and_then(|rt| rt.block_on(serve(options)));
    if let Err(message) = result {
        eprintln!("upvest-mock: {message}");
        std::process::exit(1);
    }
}

async fn serve(options: options::Options) -> Result<(), String> {
    let listener =
        TcpListener::bind(("127.0.0.1", options.port)).await.map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let limits = server::Limits::from_options(&options);
    let app = app::App::new(options.clone(), SystemTime::now())?;
    let app = webhooks::deliver_from(statics::serve_from(app), &options)?;
    let app = Arc::new(app);
    webhooks::start_clock(&app);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{address}");
        let _ = out.flush();
    }
    server::run(listener, app, limits).await;
    Ok(())
}
