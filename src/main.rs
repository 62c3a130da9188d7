//! kubectl-ai's entry point: parse, resolve, run, map the outcome to an exit
//! code. This is the one place that prints errors.
//!
//! `--help` and `--version` are answered by clap before any runtime starts or
//! kubectl is looked up, so they cost about as much as starting a process.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use kubectl_ai::app;
use kubectl_ai::cli::Cli;
use kubectl_ai::config::Config;
use kubectl_ai::execute::interrupt;
use kubectl_ai::exit::{ExitCode, UserError, is_broken_pipe};
use kubectl_ai::output::sanitize;

fn main() -> std::process::ExitCode {
    // Known before parsing, so that a command line that does not parse still
    // gets its one JSON document.
    let json = kubectl_ai::cli::json_requested(std::env::args_os());
    let cli = match Cli::parse_args() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err, json).into(),
    };
    let code = match Config::from_cli(cli) {
        Ok(config) => {
            init_logging(&config);
            // The sentence may carry a credential ("set env DB_PASSWORD=…"): logs never do.
            let shown = config.for_log();
            tracing::debug!(config = %shown, "resolved configuration");
            run(config)
        }
        Err(err) => {
            let err = anyhow::Error::new(err);
            report(&err);
            let code = ExitCode::for_error(&err);
            json_error(json, &err, code);
            code
        }
    };
    code.into()
}

fn run(config: Config) -> ExitCode {
    let json = config.json;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let err = anyhow::Error::new(err).context("could not start the async runtime");
            report(&err);
            json_error(json, &err, ExitCode::Failure);
            return ExitCode::Failure;
        }
    };
    let result = runtime.block_on(async {
        // Listen for Ctrl-C, SIGTERM and SIGHUP before anything runs, so no
        // kubectl call can start while the default (die at once) handling is
        // still in place.
        let mut interrupts = match Interrupts::listen() {
            Ok(interrupts) => interrupts,
            Err(err) => return Err(anyhow::Error::new(err).context("could not listen for signals")),
        };
        let run = app::run(config);
        tokio::pin!(run);
        loop {
            tokio::select! {
                result = &mut run => break result,
                reason = interrupts.next() => {
                    // kubectl holds the terminal: it gets the signal, we wait for it.
                    if interrupt::held_by_kubectl(reason) {
                        continue;
                    }
                    // While changes are applied, the call in flight finishes and
                    // the engine stops and reports; otherwise nothing changed yet.
                    if interrupt::shielded() {
                        interrupt::raise(reason);
                    } else {
                        if interrupt::changing() {
                            eprintln!("{}: nothing was changed", reason.describe());
                        }
                        break Err(reason.error().into());
                    }
                }
            }
        }
    });
    // Children were started with kill_on_drop; don't wait long for blocking
    // tasks (a prompt) that an interrupt left behind.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match result {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            let code = ExitCode::for_error(&err);
            json_error(json, &err, code);
            code
        }
    }
}

/// A command line clap refused: its message on stderr (exit 2), and with `--json`
/// the error document. Help and version are printed as asked (exit 0).
fn usage_error(err: clap::Error, json: bool) -> ExitCode {
    if !err.use_stderr() {
        err.exit();
    }
    let _ = err.print();
    if json {
        let text = err.to_string();
        let message = text.trim().strip_prefix("error: ").unwrap_or(text.trim());
        print_json_error(message, ExitCode::Usage);
    }
    ExitCode::Usage
}

/// With `--json`, stdout holds exactly one document on every exit path: when the
/// run ended in an error before printing one, the error document (the human
/// message still goes to stderr). A closed stdout gets nothing.
fn json_error(json: bool, err: &anyhow::Error, code: ExitCode) {
    if json && !is_broken_pipe(err) && !kubectl_ai::output::document_written() {
        print_json_error(&kubectl_ai::output::error_text(err), code);
    }
}

fn print_json_error(message: &str, code: ExitCode) {
    let document = kubectl_ai::output::error_document(message, code.code());
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_all(kubectl_ai::shown::json(document).as_bytes())
        .and_then(|()| out.flush());
}

/// Print an error for people: `error: ...` and its causes on stderr (a decline
/// is `Declined: ...`, on one line).
fn report(err: &anyhow::Error) {
    if is_broken_pipe(err) {
        return;
    }
    let user_error = err
        .downcast_ref::<UserError>()
        .or_else(|| err.chain().find_map(|c| c.downcast_ref::<UserError>()));
    if matches!(
        user_error,
        Some(UserError::Interrupted | UserError::Stopped(_))
    ) {
        restore_terminal();
    }
    if user_error.is_some_and(UserError::is_silent) {
        return;
    }
    // Errors carry kubectl's stderr, server messages and file contents: no
    // escape sequence from outside reaches the terminal through them.
    let mut stderr = std::io::stderr().lock();
    if matches!(user_error, Some(UserError::Declined(_))) {
        // Saying no is not an error: "Declined: nothing was changed."
        let reason = sanitize(&err.to_string());
        let stop = if reason.ends_with('.') { "" } else { "." };
        let _ = writeln!(stderr, "Declined: {reason}{stop}");
        return;
    }
    let _ = writeln!(stderr, "error: {}", sanitize(&err.to_string()));
    // A cause that only repeats the line above it (an error wrapped to pick an
    // exit code) says nothing new.
    let mut previous = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if text != previous {
            let _ = writeln!(stderr, "  caused by: {}", sanitize(&text));
        }
        previous = text;
    }
}

/// Show the cursor again in case a prompt or progress bar hid it.
fn restore_terminal() {
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        let _ = write!(stderr, "\x1b[?25h");
    }
}

/// Logs go to stderr, off unless `-v`/`-vv` or `KUBECTL_AI_LOG` asks.
fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let directives = match (&config.log_filter, config.verbosity) {
        (Some(filter), _) => filter.clone(),
        (None, 0) => return,
        (None, 1) => "warn,kubectl_ai=debug".to_string(),
        (None, _) => "trace".to_string(),
    };
    let filter = EnvFilter::try_new(&directives).unwrap_or_else(|err| {
        let _ = writeln!(
            std::io::stderr(),
            "warning: ignoring log filter {directives:?}: {err}"
        );
        EnvFilter::new("warn")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(config.stderr_color)
        .without_time()
        .try_init();
}

/// Ctrl-C, SIGTERM and SIGHUP, as streams registered the moment they are created.
struct Interrupts {
    #[cfg(unix)]
    signals: [(tokio::signal::unix::Signal, interrupt::Reason); 3],
}

impl Interrupts {
    fn listen() -> std::io::Result<Interrupts> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Interrupts {
                signals: [
                    (
                        signal(SignalKind::interrupt())?,
                        interrupt::Reason::Interrupt,
                    ),
                    (
                        signal(SignalKind::terminate())?,
                        interrupt::Reason::Terminate,
                    ),
                    (signal(SignalKind::hangup())?, interrupt::Reason::HangUp),
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Interrupts {})
    }

    async fn next(&mut self) -> interrupt::Reason {
        #[cfg(unix)]
        {
            let [(int, _), (term, _), (hup, _)] = &mut self.signals;
            tokio::select! {
                _ = int.recv() => interrupt::Reason::Interrupt,
                _ = term.recv() => interrupt::Reason::Terminate,
                _ = hup.recv() => interrupt::Reason::HangUp,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            interrupt::Reason::Interrupt
        }
    }
}
