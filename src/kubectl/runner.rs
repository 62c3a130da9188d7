//! Locate kubectl and run it as a child process: argv only, forwarded global
//! flags, captured or streamed output, a timeout, and errors that carry
//! kubectl's own stderr.
//!
//! Modelled on how zoxide wraps fzf: a clear install hint when the binary is
//! missing, stdin closed unless bytes are given, every failure naming the
//! command line that failed. Nothing here decides what a non-zero exit
//! *means*; [`Kubectl::run`] hands the status back, [`Kubectl::run_checked`]
//! turns it into a [`KubectlError::Failed`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use anyhow::Context;
use tokio::io::AsyncWriteExt;

use crate::config::{Config, KubeFlags};
use crate::preview::mask::mask_argv;

/// Where to get kubectl; shown whenever it can't be found.
pub const INSTALL_HINT: &str = "install kubectl (https://kubernetes.io/docs/tasks/tools/) \
     and make sure it is on PATH, or set KUBECTL_PATH to its full path";

/// Failures of a kubectl call that callers may want to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum KubectlError {
    /// No kubectl to run.
    #[error("kubectl was not found ({detail}); {INSTALL_HINT}")]
    NotFound {
        /// What was looked at.
        detail: String,
    },
    /// kubectl ran and exited non-zero.
    #[error(
        "`{command}` failed with {}{}",
        describe_status(*status),
        stderr_suffix(stderr)
    )]
    Failed {
        /// The command line, quoted for a shell.
        command: String,
        /// kubectl's exit status (128+N when killed by signal N).
        status: i32,
        /// kubectl's stderr, as printed.
        stderr: String,
    },
    /// kubectl took longer than allowed and was killed.
    #[error(
        "`{command}` timed out after {after:?} and was stopped; check that the cluster is \
         reachable (kubectl cluster-info), or allow more time with KUBECTL_AI_TIMEOUT=SECONDS"
    )]
    TimedOut {
        /// The command line, quoted for a shell.
        command: String,
        /// The limit that was hit.
        after: Duration,
    },
}

/// An exit status for people: a status above 128 is how a process killed by a
/// signal is reported (128+N), so the signal is named.
pub fn describe_status(status: i32) -> String {
    match status {
        129..=192 => {
            let signal = status - 128;
            let name = match signal {
                1 => " (SIGHUP)",
                2 => " (SIGINT)",
                6 => " (SIGABRT)",
                9 => " (SIGKILL: killed, perhaps for running out of memory)",
                11 => " (SIGSEGV: kubectl crashed)",
                13 => " (SIGPIPE)",
                15 => " (SIGTERM)",
                _ => "",
            };
            format!("exit status {status}: killed by signal {signal}{name}")
        }
        _ => format!("exit status {status}"),
    }
}

fn stderr_suffix(stderr: &str) -> String {
    let condensed = condense_stderr(stderr);
    if condensed.is_empty() {
        " (kubectl printed nothing on stderr)".to_string()
    } else {
        format!(":\n{condensed}")
    }
}

/// kubectl's stderr for an error message, trimmed, with client-go log lines
/// (`E1124 03:03:58.350345   30678 memcache.go:265] ...`) that only repeat an
/// earlier one dropped: without a reachable cluster kubectl prints the same
/// line five times before its own one-line explanation.
pub fn condense_stderr(stderr: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    stderr
        .trim()
        .lines()
        .filter(|line| match klog_message(line) {
            Some(message) => seen.insert(message),
            None => true,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message of a client-go (klog) log line, without its severity, time,
/// thread id and source location; `None` for any other line.
fn klog_message(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let header = b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[8] == b':';
    if !header {
        return None;
    }
    line.split_once("] ").map(|(_, message)| message)
}

/// The outcome of a captured kubectl call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// Exit status (128+N when killed by signal N).
    pub status: i32,
    /// Everything kubectl wrote on stdout.
    pub stdout: Vec<u8>,
    /// Everything kubectl wrote on stderr (lossily decoded).
    pub stderr: String,
}

impl Captured {
    /// Exit status 0.
    pub fn success(&self) -> bool {
        self.status == 0
    }

    /// stdout as text (lossy).
    pub fn stdout_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.stdout)
    }

    /// stdout parsed as JSON (for `-o json` calls).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_slice(&self.stdout).context("kubectl's output is not the expected JSON")
    }
}

/// A located kubectl, with the global flags to forward and a time limit.
#[derive(Debug, Clone)]
pub struct Kubectl {
    path: PathBuf,
    flags: KubeFlags,
    timeout: Option<Duration>,
}

impl Kubectl {
    /// A runner for an explicit kubectl path.
    pub fn new(path: impl Into<PathBuf>, flags: KubeFlags, timeout: Duration) -> Kubectl {
        Kubectl {
            path: path.into(),
            flags,
            timeout: Some(timeout),
        }
    }

    /// Locate kubectl for this run (`KUBECTL_PATH`, else `kubectl` on PATH)
    /// and forward the config's global flags, with the context, cluster and
    /// user the run was pinned to where none was typed: every call of the run
    /// goes where the run started, whatever happens to the kubeconfig meanwhile.
    pub fn locate(config: &Config) -> anyhow::Result<Kubectl> {
        let path = find_kubectl(config.kubectl_path.as_deref())?;
        if let Some(kubeconfig) = &config.kube.kubeconfig {
            check_kubeconfig(Path::new(kubeconfig))?;
        }
        config.check_kubeconfig_list()?;
        Ok(Kubectl::new(
            path,
            config.pin.apply(&config.kube),
            config.kubectl_timeout,
        ))
    }

    /// The kubectl binary that runs.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The global flags forwarded to each call.
    pub fn flags(&self) -> &KubeFlags {
        &self.flags
    }

    /// The time limit for one call (`None`: no limit).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// A copy forwarding other flags.
    pub fn with_flags(&self, flags: KubeFlags) -> Kubectl {
        Kubectl {
            flags,
            ..self.clone()
        }
    }

    /// A copy working in `namespace` (`None`: forward no namespace at all),
    /// for operations whose plan names its own namespace.
    pub fn with_namespace(&self, namespace: Option<&str>) -> Kubectl {
        self.with_flags(self.flags.with_namespace(namespace))
    }

    /// A copy with another time limit (`None`: wait forever, e.g. `logs -f`).
    pub fn with_timeout(&self, timeout: Option<Duration>) -> Kubectl {
        Kubectl {
            timeout,
            ..self.clone()
        }
    }

    /// The full argv (without the program) for `args`: the caller's args with
    /// the forwarded flags inserted before any `--` (so they never reach a
    /// command run inside a pod), else appended.
    pub fn argv<S: AsRef<str>>(&self, args: &[S]) -> Vec<String> {
        assemble(args, &self.flags.args())
    }

    /// Like [`Kubectl::argv`] but without `-n` (for `kubectl config ...` and
    /// other calls that must not carry a namespace).
    pub fn argv_without_namespace<S: AsRef<str>>(&self, args: &[S]) -> Vec<String> {
        assemble(args, &self.flags.connection_args())
    }

    /// The equivalent command a person could type, with forwarded flags.
    pub fn display<S: AsRef<str>>(&self, args: &[S]) -> String {
        display_command(&self.argv(args))
    }

    /// Run kubectl and capture its output. A non-zero exit is *not* an error
    /// here (the caller decides); failing to start or timing out is.
    pub async fn run<S: AsRef<str>>(
        &self,
        args: &[S],
        stdin: Option<Vec<u8>>,
    ) -> anyhow::Result<Captured> {
        self.capture(self.argv(args), stdin).await
    }

    /// Like [`Kubectl::run`], without forwarding the namespace.
    pub async fn run_without_namespace<S: AsRef<str>>(
        &self,
        args: &[S],
        stdin: Option<Vec<u8>>,
    ) -> anyhow::Result<Captured> {
        self.capture(self.argv_without_namespace(args), stdin).await
    }

    /// Run kubectl; a non-zero exit becomes [`KubectlError::Failed`] carrying
    /// kubectl's stderr, its exit status and the command line.
    pub async fn run_checked<S: AsRef<str>>(
        &self,
        args: &[S],
        stdin: Option<Vec<u8>>,
    ) -> anyhow::Result<Captured> {
        let argv = self.argv(args);
        let captured = self.capture(argv.clone(), stdin).await?;
        if captured.success() {
            Ok(captured)
        } else {
            Err(KubectlError::Failed {
                command: display_command(&mask_argv(&argv)),
                status: captured.status,
                stderr: captured.stderr,
            }
            .into())
        }
    }

    /// Run kubectl with its stdout and stderr going straight to ours (reads
    /// whose output is the product). Returns kubectl's exit status.
    pub async fn stream<S: AsRef<str>>(&self, args: &[S]) -> anyhow::Result<i32> {
        Ok(self.streamed(args, false).await?.status)
    }

    /// Like [`Kubectl::stream`], but kubectl's stderr goes through a pipe: it is
    /// copied to ours as it comes (the person sees it as before) and the first
    /// 64 KiB are kept, so the caller can read what kubectl said ("No resources
    /// found in shoop namespace.") without capturing the output itself.
    pub async fn stream_keeping_stderr<S: AsRef<str>>(
        &self,
        args: &[S],
    ) -> anyhow::Result<Captured> {
        self.streamed(args, true).await
    }

    async fn streamed<S: AsRef<str>>(
        &self,
        args: &[S],
        keep_stderr: bool,
    ) -> anyhow::Result<Captured> {
        use std::io::Write as _;
        use tokio::io::AsyncReadExt;
        const KEPT: usize = 64 * 1024;
        let argv = self.argv(args);
        let command = display_command(&mask_argv(&argv));
        tracing::debug!(%command, keep_stderr, "streaming kubectl");
        let mut command_line = self.command(&argv);
        // Its own process group, like a captured call, so that a timeout or an
        // interruption stops everything it started.
        #[cfg(unix)]
        command_line.process_group(0);
        let child = {
            let _background = BackgroundWrites::allow();
            command_line
                .stdin(Stdio::null())
                .stdout(Stdio::inherit())
                .stderr(if keep_stderr {
                    Stdio::piped()
                } else {
                    Stdio::inherit()
                });
            spawn(&mut command_line)
        };
        let mut child = child.map_err(|e| self.spawn_error(e))?;
        let group = GroupGuard::new(child.id());
        let pipe = child.stderr.take();
        let copy = async move {
            let mut kept = Vec::new();
            let Some(mut pipe) = pipe else { return kept };
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut stderr = std::io::stderr().lock();
                let _ = stderr.write_all(&buf[..n]).and_then(|()| stderr.flush());
                let room = KEPT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            kept
        };
        let (status, kept) = self
            .within_limit(&command, async { tokio::join!(child.wait(), copy) })
            .await?;
        let status = status.with_context(|| format!("waiting for `{command}`"))?;
        group.finished();
        Ok(Captured {
            status: status_code(status),
            stdout: Vec::new(),
            stderr: String::from_utf8_lossy(&kept).into_owned(),
        })
    }

    fn command(&self, argv: &[String]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.path);
        cmd.args(argv).kill_on_drop(true);
        cmd
    }

    fn spawn_error(&self, err: std::io::Error) -> anyhow::Error {
        if err.kind() == std::io::ErrorKind::NotFound {
            KubectlError::NotFound {
                detail: format!("{} does not exist", self.path.display()),
            }
            .into()
        } else {
            anyhow::Error::new(err).context(format!(
                "could not start {}; make sure it is an executable kubectl (chmod +x), \
                 or set KUBECTL_PATH to one",
                self.path.display()
            ))
        }
    }

    async fn within_limit<F: std::future::Future>(
        &self,
        command: &str,
        fut: F,
    ) -> anyhow::Result<F::Output> {
        match self.timeout {
            None => Ok(fut.await),
            Some(limit) => tokio::time::timeout(limit, fut).await.map_err(|_| {
                KubectlError::TimedOut {
                    command: command.to_string(),
                    after: limit,
                }
                .into()
            }),
        }
    }

    async fn capture(&self, argv: Vec<String>, stdin: Option<Vec<u8>>) -> anyhow::Result<Captured> {
        let command = display_command(&mask_argv(&argv));
        tracing::debug!(%command, "running kubectl");
        let mut command_line = self.command(&argv);
        // A captured call runs in its own process group, so a Ctrl-C at the
        // terminal reaches only us: the call in flight (an apply) finishes and
        // is reported instead of dying half-way.
        #[cfg(unix)]
        command_line.process_group(0);
        command_line
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn(&mut command_line).map_err(|e| self.spawn_error(e))?;

        // Feed stdin concurrently with reading the output, so a large input
        // and a large output can't deadlock each other.
        let writer = match (stdin, child.stdin.take()) {
            (Some(bytes), Some(mut pipe)) => Some(tokio::spawn(async move {
                let result = pipe.write_all(&bytes).await;
                drop(pipe);
                result
            })),
            _ => None,
        };

        // kubectl itself is killed when its future is dropped (a timeout, an
        // interrupted run); what it started (an exec credential plugin, say)
        // shares its process group, which the guard kills unless it finished.
        let group = GroupGuard::new(child.id());
        let output = self
            .within_limit(&command, child.wait_with_output())
            .await?
            .with_context(|| format!("reading the output of `{command}`"))?;
        group.finished();
        if let Some(writer) = writer {
            match writer.await {
                Ok(Ok(())) => {}
                // kubectl may exit without reading all of stdin; its stderr
                // says why, so only a non-pipe error is worth reporting.
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Ok(Err(e)) => {
                    return Err(e).with_context(|| format!("writing stdin of `{command}`"));
                }
                Err(e) => return Err(e).context("stdin writer task failed"),
            }
        }
        let captured = Captured {
            status: status_code(output.status),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        tracing::debug!(
            %command,
            status = captured.status,
            stdout_bytes = captured.stdout.len(),
            "kubectl finished"
        );
        Ok(captured)
    }
}

/// `--kubeconfig FILE` must name a readable file: kubectl's own message for a
/// missing one ("stat ...") does not say which flag was wrong.
fn check_kubeconfig(path: &Path) -> anyhow::Result<()> {
    let problem = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => return Ok(()),
        Ok(_) => "is not a file".to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "does not exist".to_string(),
        Err(e) => format!("can't be read ({e})"),
    };
    Err(crate::exit::UserError::Usage(format!(
        "--kubeconfig {} {problem}; give the path of a kubeconfig file, or leave the flag out \
         to use KUBECONFIG or ~/.kube/config",
        crate::shown::value(&path.display().to_string())
    ))
    .into())
}

/// Find the kubectl to run: `kubectl_path` (from `KUBECTL_PATH`) when given,
/// else `kubectl` on PATH.
pub fn find_kubectl(kubectl_path: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = kubectl_path {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        return Err(KubectlError::NotFound {
            detail: format!("KUBECTL_PATH={} is not a file", path.display()),
        }
        .into());
    }
    which::which("kubectl").map_err(|_| {
        KubectlError::NotFound {
            detail: "no kubectl on PATH".to_string(),
        }
        .into()
    })
}

fn assemble<S: AsRef<str>>(args: &[S], forwarded: &[String]) -> Vec<String> {
    let args: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let mut argv = Vec::with_capacity(args.len() + forwarded.len());
    argv.extend_from_slice(&args[..split]);
    argv.extend_from_slice(forwarded);
    argv.extend_from_slice(&args[split..]);
    argv
}

#[cfg(unix)]
fn status_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(-1)
}

#[cfg(not(unix))]
fn status_code(status: ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}

/// Render `kubectl ARGS...` for people, quoting each argument for a POSIX
/// shell so it can be copied and pasted.
pub fn display_command<S: AsRef<str>>(args: &[S]) -> String {
    let mut out = String::from("kubectl");
    for arg in args {
        out.push(' ');
        out.push_str(&quote(arg.as_ref()));
    }
    out
}

/// Quote one word for a POSIX shell: bare when it only has safe characters,
/// else in single quotes (with `'` written as `'\''`).
pub fn quote(arg: &str) -> Cow<'_, str> {
    let safe = !arg.is_empty()
        && arg.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b',' | b'@' | b'%' | b'+'
                )
        });
    if safe {
        Cow::Borrowed(arg)
    } else {
        Cow::Owned(format!("'{}'", arg.replace('\'', r"'\''")))
    }
}

/// While alive, SIGTTOU is ignored, so a kubectl started meanwhile inherits it
/// ignored: a streamed call runs in a background process group of its own yet
/// writes to the terminal, which a terminal set to `stty tostop` would
/// otherwise stop it for. (kubectl keeps an ignored SIGTTOU ignored.) Changing
/// the disposition only around the spawn keeps the standard spawn path, which
/// reports a file that is not a program instead of handing it to `/bin/sh`.
struct BackgroundWrites {
    #[cfg(unix)]
    previous: libc::sighandler_t,
}

impl BackgroundWrites {
    fn allow() -> BackgroundWrites {
        BackgroundWrites {
            // SAFETY: `signal` with SIG_IGN installs no code of ours and touches
            // no memory; the previous disposition is restored on drop.
            #[cfg(unix)]
            previous: unsafe { libc::signal(libc::SIGTTOU, libc::SIG_IGN) },
        }
    }
}

impl Drop for BackgroundWrites {
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.previous != libc::SIG_ERR {
            // SAFETY: puts back the disposition `allow` found.
            unsafe {
                libc::signal(libc::SIGTTOU, self.previous);
            }
        }
    }
}

/// The process group of a call in flight (the call was started as its leader).
/// Starts kubectl. "Text file busy" means the program file is still open for
/// writing somewhere (being installed or replaced, or inherited for a moment by
/// another process being started): it is tried again a few times before it is
/// reported.
fn spawn(command: &mut tokio::process::Command) -> std::io::Result<tokio::process::Child> {
    const TEXT_FILE_BUSY: i32 = 26;
    let mut attempt = 0;
    loop {
        match command.spawn() {
            Err(e) if e.raw_os_error() == Some(TEXT_FILE_BUSY) && attempt < 5 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(20 * attempt));
            }
            other => return other,
        }
    }
}

/// Dropped before [`GroupGuard::finished`] — the call timed out, or the run was
/// interrupted and its future dropped — it kills the whole group, so nothing
/// kubectl started outlives it.
struct GroupGuard {
    pgid: Option<i32>,
}

impl GroupGuard {
    fn new(leader: Option<u32>) -> GroupGuard {
        GroupGuard {
            pgid: leader.and_then(|id| i32::try_from(id).ok()),
        }
    }

    /// The call ended by itself: leave its group alone.
    fn finished(mut self) {
        self.pgid = None;
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.pgid.filter(|&id| id > 1) {
            // SAFETY: killpg takes plain integers and touches no memory of ours;
            // the group is the one this runner created for the call, and a group
            // id is not reused while any process of the group remains.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags() -> KubeFlags {
        KubeFlags {
            namespace: Some("shop".into()),
            context: Some("prod".into()),
            ..KubeFlags::default()
        }
    }

    fn kubectl() -> Kubectl {
        Kubectl::new("/bin/kubectl", flags(), Duration::from_secs(5))
    }

    #[test]
    fn forwarded_flags_follow_the_args() {
        assert_eq!(
            kubectl().argv(&["get", "pods"]),
            ["get", "pods", "--context", "prod", "-n", "shop"]
        );
    }

    #[test]
    fn forwarded_flags_stay_before_double_dash() {
        assert_eq!(
            kubectl().argv(&["exec", "web", "--", "ls", "-n"]),
            [
                "exec",
                "web",
                "--context",
                "prod",
                "-n",
                "shop",
                "--",
                "ls",
                "-n"
            ]
        );
    }

    #[test]
    fn without_namespace_keeps_connection_flags() {
        assert_eq!(
            kubectl().argv_without_namespace(&["config", "current-context"]),
            ["config", "current-context", "--context", "prod"]
        );
        assert_eq!(
            kubectl()
                .with_namespace(Some("other"))
                .argv(&["get", "pods"]),
            ["get", "pods", "--context", "prod", "-n", "other"]
        );
        assert_eq!(
            kubectl().with_namespace(None).argv(&["get", "nodes"]),
            ["get", "nodes", "--context", "prod"]
        );
    }

    #[test]
    fn display_quotes_for_a_shell() {
        assert_eq!(
            display_command(&["scale", "deployment/web", "--replicas=3", "-n", "shop"]),
            "kubectl scale deployment/web --replicas=3 -n shop"
        );
        assert_eq!(
            display_command(&["label", "pod", "x", "a=b c", "it's", "", "$(rm)"]),
            r"kubectl label pod x 'a=b c' 'it'\''s' '' '$(rm)'"
        );
        assert_eq!(
            kubectl().display(&["get", "pods"]),
            "kubectl get pods --context prod -n shop"
        );
    }

    #[test]
    fn missing_kubectl_path_is_a_clear_error() {
        let err = find_kubectl(Some(Path::new("/nonexistent/kubectl"))).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("KUBECTL_PATH=/nonexistent/kubectl"), "{msg}");
        assert!(msg.contains("install kubectl"), "{msg}");
    }

    #[test]
    fn failed_error_carries_stderr() {
        let err = KubectlError::Failed {
            command: "kubectl get pods".into(),
            status: 1,
            stderr: "Error from server (Forbidden): nope\n".into(),
        };
        assert_eq!(
            err.to_string(),
            "`kubectl get pods` failed with exit status 1:\nError from server (Forbidden): nope"
        );
    }

    #[test]
    fn repeated_client_go_log_lines_are_shown_once() {
        let stderr = "E1124 03:03:58.350345   30678 memcache.go:265] \"Unhandled Error\" err=\"refused\"\n\
                      E1124 03:03:58.351813   30678 memcache.go:265] \"Unhandled Error\" err=\"refused\"\n\
                      The connection to the server localhost:8080 was refused - did you specify the right host or port?\n";
        assert_eq!(
            condense_stderr(stderr),
            "E1124 03:03:58.350345   30678 memcache.go:265] \"Unhandled Error\" err=\"refused\"\n\
             The connection to the server localhost:8080 was refused - did you specify the right host or port?"
        );
        assert_eq!(
            condense_stderr("  Error from server (NotFound): x\n"),
            "Error from server (NotFound): x"
        );
    }
}
