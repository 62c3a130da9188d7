//! The plugin under a real pseudo-terminal (util-linux `script`, part of every
//! Debian system), as a person sees it: what it printed so far, and a keyboard
//! whose keys are typed only once a question is on the screen. Shared by the
//! consent tests and the terminal-escape tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, bin};

/// The plugin under a pseudo-terminal: what it printed so far, and a keyboard.
pub struct Terminal {
    child: Child,
    keys: Option<ChildStdin>,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Terminal {
    /// Starts `kubectl-ai ARGS --color never` in a pseudo-terminal, with `env` extra
    /// variables (which may replace the test's own, `KUBECONFIG` say).
    pub fn start(test: &TestEnv, args: &[&str], env: &[(&str, &std::path::Path)]) -> Terminal {
        let mut command_line = format!("exec '{}'", bin().display());
        for arg in args.iter().chain(&["--color", "never"]) {
            command_line.push_str(&format!(" '{arg}'"));
        }
        let mut command = Command::new("script");
        command
            .args(["-qefc", &command_line, "/dev/null"])
            .env_clear()
            .env("PATH", &test.env.path)
            .env("HOME", test.home())
            .env("KUBECACHEDIR", test.home().join("cache"))
            .env("KUBECONFIG", test.cluster.kubeconfig())
            .env("TERM", "xterm")
            .current_dir(test.home())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("script runs");
        let keys = child.stdin.take();
        let mut out = child.stdout.take().expect("script's stdout");
        let screen = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                shared.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Terminal {
            child,
            keys,
            screen,
            reader: Some(reader),
        }
    }

    /// Everything printed so far.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until `text` has been printed `times` times in all.
    pub fn wait_for(&self, text: &str, times: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.screen().matches(text).count() < times {
            assert!(
                Instant::now() < deadline,
                "{text:?} was not printed {times} time(s); the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn type_keys(&mut self, keys: &str) {
        let stdin = self.keys.as_mut().expect("the keyboard is still there");
        stdin.write_all(keys.as_bytes()).expect("type keys");
        stdin.flush().expect("type keys");
    }

    /// Ends the input (as Ctrl-D) and waits for the plugin: its exit code and the screen.
    pub fn finish(mut self) -> (i32, String) {
        drop(self.keys.take());
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for script") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the plugin did not finish; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let code = status.code().expect("script exits with a code");
        (code, self.screen().replace('\r', ""))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
