//! Asking for consent before a change: one question, default No.
//!
//! The prompt goes to stderr (stdout is the product), names what will change and
//! where, and treats anything but an explicit yes as no. Ctrl-C at the prompt
//! restores the terminal and reports an interruption.

use dialoguer::console::Term;
use dialoguer::{Confirm, Select};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Interrupted,
}

/// Asks at the terminal on stderr; Enter means No.
pub fn ask(question: &str) -> anyhow::Result<Answer> {
    let result = Confirm::new()
        .with_prompt(question)
        .default(false)
        .show_default(true)
        .wait_for_newline(true)
        .interact_on_opt(&Term::stderr());
    match result {
        Ok(Some(true)) => Ok(Answer::Yes),
        Ok(Some(false)) | Ok(None) => Ok(Answer::No),
        Err(_) => {
            let _ = Term::stderr().show_cursor();
            Ok(Answer::Interrupted)
        }
    }
}

/// Offers a choice at the terminal on stderr; the last entry cancels. `None` when cancelled.
pub fn pick(question: &str, choices: &[String]) -> Option<String> {
    let mut items: Vec<&str> = choices.iter().map(String::as_str).collect();
    items.push("none of these (cancel)");
    let chosen = Select::new()
        .with_prompt(question)
        .items(&items)
        .default(0)
        .interact_on_opt(&Term::stderr());
    match chosen {
        Ok(Some(i)) if i < choices.len() => Some(choices[i].clone()),
        Ok(_) => None,
        Err(_) => {
            let _ = Term::stderr().show_cursor();
            None
        }
    }
}
