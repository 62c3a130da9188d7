//! Asking at the terminal: the consent question (default No) and the
//! did-you-mean choice.
//!
//! Both are one line typed at the terminal and ended with Enter, read in the
//! terminal's ordinary line mode (echo on, the usual editing keys). The question
//! goes to stderr (stdout is the product). Keys typed before the question
//! appears are discarded: they answered nothing. Only `y` or `yes` (any case,
//! surrounding spaces ignored) consents; anything else, an empty line or the end
//! of input declines. Ctrl-C at the question restores the terminal, ends the
//! line, and is reported as an interruption.
//!
//! The engine runs on one thread, so while a question waits the signal listener
//! in `main` cannot run: the read catches SIGINT, SIGTERM and SIGHUP itself for
//! as long as it waits, then puts the previous handling back.

use crate::execute::interrupt::Reason;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    /// Ctrl-C, SIGTERM or SIGHUP while the question waited.
    Interrupted(Reason),
}

/// The outcome of [`pick`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Picked(String),
    Cancelled,
    Interrupted(Reason),
}

/// What was typed at the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reply {
    Line(String),
    /// The end of input (Ctrl-D) or a terminal that went away.
    End,
    Interrupted(Reason),
}

/// Asks `question` at the terminal (stdin and stderr); only `y`/`yes` then Enter is Yes.
pub fn ask(question: &str) -> anyhow::Result<Answer> {
    Ok(match read_reply(&format!("{question} [y/N] "))? {
        Reply::Line(line) if is_yes(&line) => Answer::Yes,
        Reply::Line(_) | Reply::End => Answer::No,
        Reply::Interrupted(reason) => Answer::Interrupted(reason),
    })
}

/// Whether a typed line consents: `y` or `yes` in any case, spaces around ignored.
pub fn is_yes(line: &str) -> bool {
    let line = line.trim();
    line.eq_ignore_ascii_case("y") || line.eq_ignore_ascii_case("yes")
}

/// Offers `choices` as a numbered list under `question`; a number (or a name of
/// the list) picks one, Enter or anything else cancels.
pub fn pick(question: &str, choices: &[String]) -> Choice {
    let mut menu = format!("{question}\n");
    for (index, choice) in choices.iter().enumerate() {
        menu.push_str(&format!("  {}) {choice}\n", index + 1));
    }
    menu.push_str("Type a number, or press Enter to cancel: ");
    match read_reply(&crate::output::sanitize(&menu)) {
        Ok(Reply::Line(line)) => chosen(&line, choices).map_or(Choice::Cancelled, Choice::Picked),
        Ok(Reply::Interrupted(reason)) => Choice::Interrupted(reason),
        Ok(Reply::End) | Err(_) => Choice::Cancelled,
    }
}

/// The choice a typed line names: its number in the list, or the name itself.
fn chosen(line: &str, choices: &[String]) -> Option<String> {
    let line = line.trim();
    if let Ok(number) = line.parse::<usize>() {
        return number
            .checked_sub(1)
            .and_then(|index| choices.get(index))
            .cloned();
    }
    choices.iter().find(|c| c.as_str() == line).cloned()
}

/// Prints `prompt` on stderr and reads one line from the terminal on stdin.
fn read_reply(prompt: &str) -> anyhow::Result<Reply> {
    use anyhow::Context;
    terminal::read_reply(prompt).context("could not read the answer from the terminal")
}

#[cfg(unix)]
mod terminal {
    use std::io::{self, Write};
    use std::sync::atomic::{AtomicI32, Ordering};

    use super::{Reason, Reply};

    /// The longest line kept; a longer answer is not a yes anyway.
    const MAX_LINE: usize = 4096;

    /// The signal that arrived while the question waited (0: none).
    static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

    /// The signals a waiting question catches.
    const CAUGHT: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn on_interrupt(signal: libc::c_int) {
        INTERRUPTED.store(signal, Ordering::SeqCst);
    }

    fn reason(signal: libc::c_int) -> Reason {
        match signal {
            libc::SIGTERM => Reason::Terminate,
            libc::SIGHUP => Reason::HangUp,
            _ => Reason::Interrupt,
        }
    }

    pub(super) fn read_reply(prompt: &str) -> io::Result<Reply> {
        let fd = libc::STDIN_FILENO;
        let _mode = LineMode::enter(fd)?;
        let _catch = CatchInterrupt::install()?;
        // Whatever was typed before the question appears answered nothing.
        // SAFETY: tcflush only takes a descriptor and a constant.
        unsafe { libc::tcflush(fd, libc::TCIFLUSH) };
        let mut stderr = io::stderr().lock();
        stderr.write_all(prompt.as_bytes())?;
        stderr.flush()?;
        let reply = read_line(fd);
        if matches!(reply, Ok(Reply::Interrupted(_))) {
            // The terminal echoed ^C on the question's line: end it, so what is
            // reported next starts on a line of its own.
            let _ = stderr.write_all(b"\n");
            let _ = stderr.flush();
        }
        reply
    }

    fn read_line(fd: libc::c_int) -> io::Result<Reply> {
        let mut line = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let signal = INTERRUPTED.load(Ordering::SeqCst);
            if signal != 0 {
                return Ok(Reply::Interrupted(reason(signal)));
            }
            // Wait in short slices so an interrupt that lands just before the
            // wait is still seen promptly.
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut poll, 1, 100) };
            if ready < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(err);
            }
            if ready == 0 {
                continue;
            }
            // SAFETY: reading into a buffer of the given length.
            let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if got < 0 {
                let err = io::Error::last_os_error();
                match err.kind() {
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                    // EIO: the terminal went away (its window was closed).
                    _ if err.raw_os_error() == Some(libc::EIO) => return Ok(Reply::End),
                    _ => return Err(err),
                }
            }
            if got == 0 {
                return Ok(Reply::End);
            }
            let got = &buf[..got as usize];
            if let Some(end) = got.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&got[..end]);
                line.truncate(MAX_LINE);
                return Ok(Reply::Line(String::from_utf8_lossy(&line).into_owned()));
            }
            if line.len() < MAX_LINE {
                line.extend_from_slice(got);
            }
        }
    }

    /// The terminal in line mode with echo and Ctrl-C on, put back as it was on drop.
    struct LineMode {
        fd: libc::c_int,
        saved: Option<libc::termios>,
    }

    impl LineMode {
        fn enter(fd: libc::c_int) -> io::Result<LineMode> {
            // SAFETY: termios is plain data; tcgetattr fills it.
            let mut saved: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
                // Not a terminal: read the line as it comes.
                return Ok(LineMode { fd, saved: None });
            }
            let mut mode = saved;
            mode.c_lflag |= libc::ICANON | libc::ECHO | libc::ECHOE | libc::ISIG;
            mode.c_iflag |= libc::ICRNL;
            // SAFETY: a termios read from this descriptor, adjusted.
            if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &mode) } != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(LineMode {
                fd,
                saved: Some(saved),
            })
        }
    }

    impl Drop for LineMode {
        fn drop(&mut self) {
            if let Some(saved) = &self.saved {
                // SAFETY: restoring the termios read in `enter`.
                unsafe { libc::tcsetattr(self.fd, libc::TCSANOW, saved) };
            }
        }
    }

    /// SIGINT, SIGTERM and SIGHUP caught into [`INTERRUPTED`] (without
    /// restarting the read), the previous handling put back on drop.
    struct CatchInterrupt {
        previous: Vec<(libc::c_int, libc::sigaction)>,
    }

    impl CatchInterrupt {
        fn install() -> io::Result<CatchInterrupt> {
            INTERRUPTED.store(0, Ordering::SeqCst);
            let mut caught = CatchInterrupt {
                previous: Vec::new(),
            };
            for signal in CAUGHT {
                // SAFETY: sigaction is plain data; the handler only stores an
                // atomic, which is async-signal-safe.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as usize;
                    action.sa_flags = 0;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut previous: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(signal, &action, &mut previous) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    caught.previous.push((signal, previous));
                }
            }
            Ok(caught)
        }
    }

    impl Drop for CatchInterrupt {
        fn drop(&mut self) {
            for (signal, previous) in &self.previous {
                // SAFETY: putting back the action saved in `install`.
                unsafe { libc::sigaction(*signal, previous, std::ptr::null_mut()) };
            }
        }
    }
}

#[cfg(not(unix))]
mod terminal {
    use std::io::{self, BufRead, Write};

    use super::Reply;

    pub(super) fn read_reply(prompt: &str) -> io::Result<Reply> {
        let mut stderr = io::stderr().lock();
        stderr.write_all(prompt.as_bytes())?;
        stderr.flush()?;
        let mut line = String::new();
        Ok(match io::stdin().lock().read_line(&mut line)? {
            0 => Reply::End,
            _ => Reply::Line(line.trim_end_matches(['\r', '\n']).to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_y_and_yes_consent() {
        for yes in ["y", "Y", "yes", "YES", "Yes", " yes ", "\ty\r"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in [
            "", "n", "no", "not yet", "maybe", "any", "yy", "ye", "yess", "y es", "oui",
        ] {
            assert!(!is_yes(no), "{no:?}");
        }
    }

    #[test]
    fn a_choice_is_a_number_of_the_list_or_one_of_its_names() {
        let choices = vec!["web".to_string(), "webapp".to_string()];
        assert_eq!(chosen("1", &choices).as_deref(), Some("web"));
        assert_eq!(chosen(" 2 ", &choices).as_deref(), Some("webapp"));
        assert_eq!(chosen("webapp", &choices).as_deref(), Some("webapp"));
        for cancel in ["", "0", "3", "-1", "q", "wbe", "99999999999999999999999"] {
            assert_eq!(chosen(cancel, &choices), None, "{cancel:?}");
        }
    }
}
